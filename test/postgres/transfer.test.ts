/**
 * Moving a site between databases: `leadtrail export` from SQLite, `leadtrail import` into PostgreSQL, and back into a
 * fresh SQLite: every lead answers `get` exactly as on the first database (lead, devices, history with its edits,
 * submissions), the list and a search agree, the keys and the site's time zone come along. Importing a site that
 * exists, or a file that is not an export, is refused with a message and changes nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LeadStore, openStore, verifyApiKey } from '@leadtrail/collector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextFor } from '../../packages/collector/src/core/context.ts';
import { runLeadsAction } from '../../packages/collector/src/core/run-action.ts';
import { setSiteTimeZone, siteTimeZone } from '../../packages/collector/src/core/time-zone.ts';
import { startTestCollector } from '../support/collector.ts';
import { createTestSchema, PG_URL, warnIfNoPostgres } from '../support/postgres.ts';
import { runCli } from '../support/processes.ts';

warnIfNoPostgres();

describe.skipIf(!PG_URL)('export and import between SQLite and Postgres', () => {
  let dir: string;
  let sqlitePath: string;
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let siteId: string;
  let secretKey: string;
  const leadIds: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leadtrail-transfer-'));
    sqlitePath = join(dir, 'source.db');
    schema = await createTestSchema();
    const store = await openStore(sqlitePath);
    const collector = await startTestCollector(store, { deliverWebhooks: false });
    siteId = collector.site.siteId;
    secretKey = collector.site.secretKey;
    try {
      for (const [name, email, company] of [
        ['Ada Lovelace', 'ada@engines.example', 'Analytical Engines'],
        ['Grace Hopper', 'grace@navy.example', 'US Navy'],
      ] as const) {
        const created = await collector.call('create', { name, email, company, phone: '+1 555 0100' });
        leadIds.push(created.body.lead.id);
      }
      await collector.call('update', { lead_id: leadIds[0], company: 'Babbage & Co', position: 'Analyst' });
      await collector.call('qualify', { lead_id: leadIds[1], status: 'qualified' });
      // A browser's form with its pages and touches (publishable key, from the allowed origin).
      const visitor = crypto.randomUUID();
      const sent = await collector.call(
        'identify',
        {
          key: collector.site.publishableKey,
          visitor_id: visitor,
          event_id: crypto.randomUUID(),
          form: [
            ['email|email', 'linus@kernel.example'],
            ['text|name', 'Linus'],
          ],
          pages_visited: [{ path: '/pricing', title: 'Pricing', at: '2026-11-02T09:00:00.000Z' }],
          touches: [{ url: '/?utm_source=news&utm_medium=email&utm_campaign=spring', at: '2026-11-02T08:59:00.000Z' }],
          time_spent: 42,
          visit_count: 1,
        },
        { key: null, headers: { origin: 'http://site.test', 'content-type': 'text/plain' } },
      );
      expect(sent.status).toBe(202);
      await setSiteTimeZone(store, siteId, 'Europe/Berlin');
      await collector.call('identify', { visitor_id: visitor, email: 'linus@kernel.example', notes: 'Wants a demo' });
    } finally {
      await collector.close();
      await store.close();
    }
  });
  afterAll(async () => {
    await schema?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Everything a secret key can read of the site: the list, each lead whole, a search. */
  async function readAll(db: string) {
    const store: LeadStore = await openStore(db);
    try {
      const ctx = contextFor(store, (await store.getSite(siteId))!, 'secret');
      const list = (await runLeadsAction(ctx, { action: 'list', sort_by: 'name', sort_order: 'asc' })).body;
      const ids = (list as unknown as { data: { leads: { id: string }[] } }).data.leads.map((l) => l.id);
      const each = await Promise.all(
        ids.map(async (id) => (await runLeadsAction(ctx, { action: 'list', lead_id: id })).body),
      );
      const search = (await runLeadsAction(ctx, { action: 'list', search: 'babbage' })).body;
      const key = (await verifyApiKey(store, secretKey))?.site.id;
      const zone = (await siteTimeZone(store, siteId)).zone;
      return { list, each, search, key, zone, ids };
    } finally {
      await store.close();
    }
  }

  it('moves a site from SQLite to Postgres and back, every answer the same', async () => {
    const exported = await runCli(['export', '--site', siteId, '--db', sqlitePath]);
    expect(exported.code, exported.stderr).toBe(0);
    const file = join(dir, 'site.jsonl');
    writeFileSync(file, exported.stdout);
    const tables = new Set(
      exported.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).table),
    );
    expect([...tables]).toEqual(
      expect.arrayContaining(['sites', 'api_keys', 'leads', 'visitors', 'lead_events', 'settings']),
    );

    const imported = await runCli(['import', '--from', file, '--db', schema.url]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/^imported \d+ rows: sites 1, /);

    const source = await readAll(sqlitePath);
    const onPostgres = await readAll(schema.url);
    expect(source.ids).toHaveLength(3);
    expect(onPostgres).toEqual(source);
    expect(source.key).toBe(siteId);
    expect(source.zone).toBe('Europe/Berlin');

    // And back, from Postgres into a new SQLite file.
    const back = await runCli(['export', '--site', siteId, '--db', schema.url]);
    expect(back.code, back.stderr).toBe(0);
    const file2 = join(dir, 'back.jsonl');
    writeFileSync(file2, back.stdout);
    const again = join(dir, 'again.db');
    expect((await runCli(['import', '--from', file2, '--db', again])).code).toBe(0);
    expect(await readAll(again)).toEqual(source);
  });

  it('refuses a site that exists, a file that is not an export, and a missing site, changing nothing', async () => {
    const before = await readAll(schema.url);
    const twice = await runCli(['import', '--from', join(dir, 'site.jsonl'), '--db', schema.url]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('exists in this database already');
    const garbage = join(dir, 'garbage.jsonl');
    writeFileSync(garbage, '{"table":"sites","row":{"id":"x"}}\nnot json at all\n');
    const bad = await runCli(['import', '--from', garbage, '--db', schema.url]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Line 2 is not JSON');
    const wrongTable = join(dir, 'wrong.jsonl');
    writeFileSync(wrongTable, '{"table":"kysely_migration","row":{"name":"x"}}\n');
    expect((await runCli(['import', '--from', wrongTable, '--db', schema.url])).stderr).toContain('unknown table');
    expect((await runCli(['export', '--site', crypto.randomUUID(), '--db', schema.url])).stderr).toContain(
      'There is no site',
    );
    expect(await readAll(schema.url)).toEqual(before);
  });
});
