/**
 * `leadtrail leads export|delete` as an owner runs them: real processes on a real SQLite file and, when
 * LEADTRAIL_TEST_DATABASE_URL is set, a real Postgres schema. Export prints the person's JSON; delete erases the lead
 * with everything about it (other leads untouched) and prints what it removed; a second delete, another site's
 * lead and every malformed call fail with a message that repeats nothing of the person, and change nothing.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, type StoreHandle } from '../../../test/support/stores.ts';
import { PersonExport } from '../src/core/erasure.ts';
import { type ActionContext, createSiteWithKeys, runLeadsAction } from '../src/index.ts';

const BIN = fileURLToPath(new URL('../bin/leadtrail.mjs', import.meta.url));

/** The command, its store from --db only (never a DATABASE_URL of the runner's). */
async function run(args: string[]) {
  const { DATABASE_URL: _, ...env } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

for (const kind of STORE_KINDS) {
  describe.skipIf(!kind.available)(`leadtrail leads [${kind.name}]`, () => {
    let handle: StoreHandle;
    let ctx: ActionContext;
    let otherSite: string;
    const email = `Ada.${Date.now()}@Example.com`;
    const visitor = crypto.randomUUID();
    let leadId = '';
    let keptId = '';
    const cli = (...args: string[]) => run([...args, '--db', handle.db]);
    const get = (lead_id: string) => runLeadsAction(ctx, { action: 'list', lead_id }).catch((error: unknown) => error);

    beforeAll(async () => {
      handle = await kind.open();
      const { site } = await createSiteWithKeys(handle.store, 'CLI erasure', ['https://site.test']);
      otherSite = (await createSiteWithKeys(handle.store, 'Another', [])).site.id;
      ctx = { store: handle.store, siteId: site.id, ownerUserId: site.owner_user_id, keyKind: 'secret' };
      const browser = { ...ctx, keyKind: 'publishable' as const };
      await runLeadsAction(browser, {
        action: 'identify',
        event_id: crypto.randomUUID(),
        visitor_id: visitor,
        name: 'Ada Lovelace',
        email,
        phone: '+44 20 7946 0018',
        pages_visited: [{ path: '/engines', title: 'Engines', at: '2026-12-01T10:00:00.000Z' }],
      });
      leadId = (
        (await runLeadsAction(ctx, { action: 'list', search: 'Lovelace' })).body.data as { leads: { id: string }[] }
      ).leads[0]!.id;
      const kept = await runLeadsAction(ctx, { action: 'create', name: 'Kept Person', email: 'kept@example.com' });
      keptId = (kept.body.lead as { id: string }).id;
    });
    afterAll(async () => {
      await handle?.cleanup();
    });

    it('export prints the person as JSON, found by email (any case) or by id', async () => {
      const byEmail = await cli('leads', 'export', '--site', ctx.siteId, '--email', email.toLowerCase());
      expect(byEmail.code, byEmail.stderr).toBe(0);
      const data = JSON.parse(byEmail.stdout);
      expect(v.safeParse(PersonExport, data).success).toBe(true);
      expect(data.lead).toMatchObject({ id: leadId, name: 'Ada Lovelace', email, phone: '+44 20 7946 0018' });
      expect(data.visitors.map((d: { id: string }) => d.id)).toEqual([visitor]);
      expect(data.pages).toEqual([
        { visitor_id: visitor, path: '/engines', title: 'Engines', at: '2026-12-01T10:00:00.000Z' },
      ]);
      expect(data.submissions).toHaveLength(1);
      expect(data.submissions[0].fields).toMatchObject({ name: 'Ada Lovelace', email });
      expect(data.events.map((e: { type: string }) => e.type)).toEqual(['created', 'identified']);
      expect(byEmail.stdout).not.toContain('kept@example.com');
      const byId = await cli('leads', 'export', '--site', ctx.siteId, '--lead', leadId);
      expect(JSON.parse(byId.stdout).lead).toEqual(data.lead);
    });

    it('refuses malformed calls with the usage (exit 2), changing nothing', async () => {
      const calls: [string[], string][] = [
        [['leads', 'delete', '--email', email], 'needs --site ID'],
        [['leads', 'delete', '--site', ctx.siteId], 'needs --email ADDRESS or --lead ID'],
        [['leads', 'delete', '--site', ctx.siteId, '--email', email, '--lead', leadId], 'one of them'],
        [['leads', 'delete', '--site', ctx.siteId, '--email', 'not-an-email'], 'email must be a valid email address'],
        [['leads', 'export', '--site', ctx.siteId, '--lead', 'not-a-uuid'], 'lead_id must be a UUID'],
        [['leads', 'delete', '--site', crypto.randomUUID(), '--lead', leadId], 'no site'],
        [['leads', 'purge', '--site', ctx.siteId, '--lead', leadId], 'leads delete|export'],
        [['leads', 'delete', '--site', ctx.siteId, '--lead', leadId, '--yes'], "Unknown option '--yes'"],
      ];
      for (const [args, message] of calls) {
        const answer = await cli(...args);
        expect(answer.code, args.join(' ')).toBe(2);
        expect(answer.stderr).toContain(message);
        expect(answer.stderr).toContain('usage: leadtrail');
      }
      expect(((await get(leadId)) as { status: number }).status).toBe(200);
    });

    it("another site's lead is not found and stays", async () => {
      const answer = await cli('leads', 'delete', '--site', otherSite, '--lead', leadId);
      expect(answer.code).toBe(1);
      expect(answer.stderr).toBe('leadtrail: no such lead on this site\n');
      expect(((await get(leadId)) as { status: number }).status).toBe(200);
    });

    it('delete --json erases the lead with its device, submission and history; others stay; again is not found', async () => {
      const erased = await cli('leads', 'delete', '--site', ctx.siteId, '--email', email, '--json');
      expect(erased.code, erased.stderr).toBe(0);
      expect(erased.stdout.trim().split('\n')).toHaveLength(1);
      expect(JSON.parse(erased.stdout)).toEqual({
        success: true,
        erased: { lead_id: leadId, visitors: 1, submissions: 1, events: 2, touches: 0, notifications: 1, receipts: 1 },
      });
      expect((await get(leadId)) as { code: string }).toMatchObject({ code: 'not_found' });
      expect(await handle.store.getVisitor(ctx.siteId, visitor)).toBeNull();
      expect(((await get(keptId)) as { status: number }).status).toBe(200);

      for (const sub of ['delete', 'export']) {
        const again = await cli('leads', sub, '--site', ctx.siteId, '--email', email);
        expect(again.code).toBe(1);
        expect(again.stderr).toBe('leadtrail: no such lead on this site\n');
        expect(again.stdout).toBe('');
      }
    });

    it('delete without --json says what it removed in a line', async () => {
      const erased = await cli('leads', 'delete', '--site', ctx.siteId, '--lead', keptId);
      expect(erased.code, erased.stderr).toBe(0);
      expect(erased.stdout).toBe(
        `deleted lead ${keptId}: 0 visitors, 0 submissions, 1 events, 1 notifications; 0 receipts emptied\n`,
      );
      expect((await get(keptId)) as { code: string }).toMatchObject({ code: 'not_found' });
    });
  });
}
