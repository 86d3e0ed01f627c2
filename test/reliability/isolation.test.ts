/**
 * Tenant isolation, for every action and every front door (REST sub-routes, REST POST /leads with `action`, MCP
 * tools/call): a key of site B can neither read, change, qualify, identify into, nor learn the existence of site A's
 * leads (a foreign id, email or phone answers exactly like a missing one), and every row of site A is unchanged
 * after all of it. Revoked keys stop working at once, in this process and in a collector process revoked from the CLI.
 */
import { createApiKey } from '@leadtrail/collector';
import { ERROR_STATUS, type ErrorCode } from '@leadtrail/protocol';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestSite, type TestSite } from '../support/collector.ts';
import { uniqueEmail } from '../support/conformance.ts';
import { runCli } from '../support/processes.ts';
import {
  type Dump,
  type DumpableStore,
  mcpToolCall,
  openDumpableStore,
  type RawAnswer,
  STORES,
  send,
  startLoggedCollector,
  startLoggedProcess,
} from './support.ts';

// Generous: the suites share two cores with everything else `pnpm test` runs.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const LEADS = '/api/agents/tools/leads';
const SUB_ROUTE = {
  create: 'create',
  list: 'get',
  update: 'update',
  qualify: 'qualify',
  identify: 'identify',
} as const;
type Action = keyof typeof SUB_ROUTE;

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the answer's fields and assert on them.
  body: any;
}

interface Door {
  name: string;
  call(base: string, key: string, action: Action, input: Record<string, unknown>): Promise<Answer>;
}

const json = (key: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${key}` });

/** MCP answers carry the REST body; the status is the one REST gives for it. */
function fromMcp(answer: RawAnswer): Answer {
  const result = answer.json?.result;
  if (!result) return { status: answer.status, body: answer.json };
  const body = JSON.parse(result.content[0].text);
  return { status: result.isError ? ERROR_STATUS[body.error.code as ErrorCode] : 200, body };
}

const DOORS: Door[] = [
  {
    name: 'REST sub-route',
    async call(base, key, action, input) {
      const a = await send(`${base}${LEADS}/${SUB_ROUTE[action]}`, { headers: json(key), body: JSON.stringify(input) });
      return { status: a.status, body: a.json };
    },
  },
  {
    name: 'REST POST /leads',
    async call(base, key, action, input) {
      const a = await send(`${base}${LEADS}`, { headers: json(key), body: JSON.stringify({ action, ...input }) });
      return { status: a.status, body: a.json };
    },
  },
  {
    name: 'MCP tools/call',
    async call(base, key, action, input) {
      return fromMcp(await mcpToolCall(base, key, { action, ...input }));
    },
  },
];

/** Rows of one site, in every table. */
function rowsOf(dump: Dump, siteId: string): Dump {
  const out = {} as Dump;
  for (const [table, rows] of Object.entries(dump) as [keyof Dump, Record<string, unknown>[]][]) {
    out[table] = rows.filter((row) => (table === 'sites' ? row.id : row.site_id) === siteId);
  }
  return out;
}

for (const kind of STORES) {
  describe.skipIf(!kind.available)(`tenant isolation on every front door [${kind.name}]`, () => {
    let handle: DumpableStore;
    let collector: Awaited<ReturnType<typeof startLoggedCollector>>;
    let a: TestSite;
    let b: TestSite;
    const seed = { leadId: '', email: '', phone: '+44 20 7946 0958', visitorId: crypto.randomUUID() };

    beforeAll(async () => {
      handle = await openDumpableStore(kind.name);
      collector = await startLoggedCollector(handle);
      a = collector.site;
      b = await createTestSite(handle.store, ['http://b.test']);
      seed.email = uniqueEmail('site-a');
      const made = await send(`${collector.url}${LEADS}/identify`, {
        headers: json(a.secretKey),
        body: JSON.stringify({
          visitor_id: seed.visitorId,
          email: seed.email,
          name: 'Alice of A',
          phone: seed.phone,
          notes: 'private to A',
          time_spent: 100,
          visit_count: 3,
        }),
      });
      expect(made.status).toBe(201);
      seed.leadId = made.json.lead.id;
      expect(
        (
          await send(`${collector.url}${LEADS}/qualify`, {
            headers: json(a.secretKey),
            body: JSON.stringify({ lead_id: seed.leadId, status: 'qualified' }),
          })
        ).status,
      ).toBe(200);
    });

    afterAll(async () => {
      await collector?.close();
      await handle?.cleanup();
    });

    for (const door of DOORS) {
      it(`${door.name}: site B's secret key cannot read, change, qualify, identify into or detect site A's leads`, async () => {
        const before = rowsOf(await handle.dump(), a.siteId);
        const asB = (action: Action, input: Record<string, unknown>) =>
          door.call(collector.url, b.secretKey, action, input);
        const missingId = crypto.randomUUID();

        // Foreign and missing are indistinguishable, action by action.
        const pairs: [Action, Record<string, unknown>, Record<string, unknown>][] = [
          ['list', { lead_id: seed.leadId }, { lead_id: missingId }],
          ['update', { lead_id: seed.leadId, name: 'pwned' }, { lead_id: missingId, name: 'pwned' }],
          ['update', { lead_id: seed.leadId, status: 'lost' }, { lead_id: missingId, status: 'lost' }],
          ['qualify', { lead_id: seed.leadId, status: 'lost' }, { lead_id: missingId, status: 'lost' }],
          ['qualify', { email: seed.email, status: 'lost' }, { email: uniqueEmail('nobody'), status: 'lost' }],
          ['qualify', { phone: seed.phone, status: 'lost' }, { phone: '+1 000 000 0000', status: 'lost' }],
          [
            'identify',
            { visitor_id: crypto.randomUUID(), lead_id: seed.leadId, name: 'pwned' },
            { visitor_id: crypto.randomUUID(), lead_id: missingId, name: 'pwned' },
          ],
          // site_id of A is refused exactly as any other site's id would be.
          ['list', { site_id: a.siteId }, { site_id: crypto.randomUUID() }],
          [
            'create',
            { site_id: a.siteId, name: 'x', email: uniqueEmail() },
            { site_id: crypto.randomUUID(), name: 'x', email: uniqueEmail() },
          ],
        ];
        for (const [action, foreign, missing] of pairs) {
          const f = await asB(action, foreign);
          const m = await asB(action, missing);
          const label = `${action} ${JSON.stringify(foreign)}`;
          expect(f.status, label).toBeGreaterThanOrEqual(400);
          expect(f, label).toEqual(m);
        }

        // Lists and searches see only B's own leads.
        const all = await asB('list', { limit: 500 });
        expect(all.status).toBe(200);
        expect(all.body.data.leads.every((l: { site_id: string }) => l.site_id === b.siteId)).toBe(true);
        for (const search of [seed.email, 'Alice of A', 'private to A']) {
          expect((await asB('list', { search })).body.data.pagination.total, search).toBe(0);
        }

        // A's email, phone and visitor id mean nothing on B: B makes its own records, and is not told A has them.
        const ownEmail = uniqueEmail(`b-${door.name.length}`);
        const created = await asB('create', { name: 'B lead', email: ownEmail, phone: seed.phone });
        expect(created.body.success).toBe(true);
        const sameEmail = await asB('update', { lead_id: created.body.lead.id, email: seed.email });
        expect(sameEmail.body.success).toBe(true);
        expect(sameEmail.body.lead.site_id).toBe(b.siteId);
        const identified = await asB('identify', { visitor_id: seed.visitorId, email: uniqueEmail('b-visitor') });
        expect(identified.body.success).toBe(true);
        expect(identified.body.lead.site_id).toBe(b.siteId);
        expect(identified.body.lead.id).not.toBe(seed.leadId);
        expect(identified.body.visitor.site_id).toBe(b.siteId);
        // B's own lead with A's phone: qualify by phone finds B's lead only.
        const byPhone = await asB('qualify', { phone: seed.phone, status: 'contacted' });
        expect(byPhone.body.success).toBe(true);
        expect(byPhone.body.lead.id).toBe(created.body.lead.id);
        // Leave B's lead without A's email and phone, so the next door starts alike.
        await asB('update', { lead_id: created.body.lead.id, email: uniqueEmail('b-reset'), phone: null });

        expect(rowsOf(await handle.dump(), a.siteId)).toEqual(before);
      });
    }

    it("site B's publishable key, from B's own origin, cannot identify into or detect site A's leads", async () => {
      const before = rowsOf(await handle.dump(), a.siteId);
      const browser = (key: string, origin: string, input: Record<string, unknown>) =>
        send(`${collector.url}${LEADS}/identify`, {
          headers: { 'content-type': 'text/plain', origin },
          body: JSON.stringify({ key, ...input }),
        });
      const foreign = await browser(b.publishableKey, 'http://b.test', {
        visitor_id: crypto.randomUUID(),
        lead_id: seed.leadId,
      });
      const missing = await browser(b.publishableKey, 'http://b.test', {
        visitor_id: crypto.randomUUID(),
        lead_id: crypto.randomUUID(),
      });
      // A browser never names a lead: a lead id is refused before anything is looked up, foreign or missing alike.
      expect(foreign.status).toBe(403);
      expect(foreign.json).toEqual(missing.json);
      // The same visitor id and email as on A: B's own records.
      const own = await browser(b.publishableKey, 'http://b.test', { visitor_id: seed.visitorId, email: seed.email });
      expect(own.status).toBe(202);
      const ofB = await send(`${collector.url}${LEADS}/get`, {
        headers: json(b.secretKey),
        body: JSON.stringify({ search: seed.email }),
      });
      expect(ofB.json.data.leads.map((l: { site_id: string }) => l.site_id)).toEqual([b.siteId]);
      // A's publishable key from B's origin, or B's from A's: refused before anything is looked at.
      expect(
        (await browser(a.publishableKey, 'http://b.test', { visitor_id: crypto.randomUUID() })).json.error.code,
      ).toBe('origin_not_allowed');
      expect(
        (await browser(b.publishableKey, 'http://site.test', { visitor_id: crypto.randomUUID() })).json.error.code,
      ).toBe('origin_not_allowed');
      expect(rowsOf(await handle.dump(), a.siteId)).toEqual(before);
    });

    it('a revoked key stops working at once, on every front door', async () => {
      const c = await createTestSite(handle.store, ['http://c.test']);
      const keys = await handle.store.listApiKeys(c.siteId);
      for (const door of DOORS) {
        expect((await door.call(collector.url, c.secretKey, 'list', {})).status, door.name).toBe(200);
      }
      const pk = () =>
        send(`${collector.url}${LEADS}/identify`, {
          headers: { 'content-type': 'text/plain', origin: 'http://c.test' },
          body: JSON.stringify({ key: c.publishableKey, visitor_id: crypto.randomUUID() }),
        });
      expect((await pk()).status).toBe(202);
      const now = new Date().toISOString();
      for (const key of keys) expect(await handle.store.revokeApiKey(key.id, now)).toBe(true);
      for (const door of DOORS) {
        const answer = await door.call(collector.url, c.secretKey, 'list', {});
        expect(answer.status, door.name).toBe(401);
        expect(answer.body.error.code, door.name).toBe('invalid_api_key');
      }
      const revoked = await pk();
      expect(revoked.status).toBe(401);
      expect(revoked.json.error.code).toBe('invalid_api_key');
    });
  });
}

describe('revocation across processes', () => {
  it('a key revoked with `leadtrail keys revoke` fails on a running collector process at its next request', async () => {
    const handle = await openDumpableStore('sqlite');
    const site = await createTestSite(handle.store);
    const [secret] = (await handle.store.listApiKeys(site.siteId)).filter((k) => k.kind === 'secret');
    // A site keeps one live secret key: a second one lets the first be revoked.
    await createApiKey(handle.store, site.siteId, 'secret');
    await handle.store.close();
    const collector = await startLoggedProcess(handle.db);
    try {
      const list = () => send(`${collector.url}${LEADS}/get`, { headers: json(site.secretKey), body: '{}' });
      const mcp = () => mcpToolCall(collector.url, site.secretKey, { action: 'list' });
      expect((await list()).status).toBe(200);
      expect((await mcp()).status).toBe(200);
      const revoked = await runCli(['keys', 'revoke', secret!.id, '--db', handle.db]);
      expect(revoked.code, revoked.stderr).toBe(0);
      expect((await list()).status).toBe(401);
      expect((await mcp()).status).toBe(401);
    } finally {
      await collector.stop();
      const { rmSync } = await import('node:fs');
      rmSync(handle.db.slice(0, handle.db.lastIndexOf('/')), { recursive: true, force: true });
    }
  });
});
