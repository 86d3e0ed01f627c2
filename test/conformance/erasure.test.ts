/**
 * A person's data on both stores, through REST: the export holds everything about the lead; the erasure leaves no row
 * of any table (every table of the database is read, the search index's own tables included) holding the lead's id,
 * its visitors' ids, its notification ids, its email, name or phone, and leaves every other row as it was; the search
 * finds nothing of it; its receipts keep their keys, so replaying any of its events (browser or owner) creates nothing
 * and answers nothing of the person, while a new event from the same browser is a new lead. Publishable keys, another
 * site's key and bad input are refused and change nothing; a second erasure is a 404.
 *
 * Not describeEachStore: its collector sends webhooks, and an attempt would change delivery rows between the dumps.
 */
import { normalizePhone } from '@leadtrail/protocol';
import { type Kysely, sql } from 'kysely';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportResponse } from '../../packages/collector/src/core/erasure.ts';
import type { SqlLeadStore } from '../../packages/collector/src/store/sql/sql-store.ts';
import { createTestSite, startTestCollector, type TestCollector, type TestSite } from '../support/collector.ts';
import { uniqueEmail, uuid } from '../support/conformance.ts';
import { STORE_KINDS, type StoreHandle } from '../support/stores.ts';

const ORIGIN = 'http://site.test';
const browser = { key: null, headers: { origin: ORIGIN, 'content-type': 'text/plain' } };
/** A rare trigram in the person's name, to search for. */
const RARE = 'qzx';

type Rows = Record<string, string[]>;

/** A row as text: blobs as their bytes (latin1), so text inside an index page can be looked for. */
const rowText = (row: Record<string, unknown>) =>
  JSON.stringify(
    Object.fromEntries(
      Object.entries(row).map(([k, value]) => [
        k,
        value instanceof Uint8Array
          ? Buffer.from(value).toString('latin1')
          : typeof value === 'bigint'
            ? `${value}`
            : value,
      ]),
    ),
  );

/** Every row of every table of the store's database (SQLite: its temporary tables too), found in its catalogue. */
async function dumpEveryTable(handle: StoreHandle): Promise<Rows> {
  // biome-ignore lint/suspicious/noExplicitAny: the dump reads tables by name, outside the typed schema.
  const db = (handle.store as SqlLeadStore).dialect.db as Kysely<any>;
  const tables =
    handle.store.kind === 'sqlite'
      ? await sql<{ schema: string; name: string }>`
          SELECT 'main' AS schema, name FROM sqlite_schema WHERE type = 'table'
          UNION ALL SELECT 'temp', name FROM sqlite_temp_schema WHERE type = 'table'`.execute(db)
      : await sql<{ schema: string; name: string }>`
          SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`.execute(db);
  const dump: Rows = {};
  for (const { schema, name } of tables.rows) {
    const { rows } = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(`${schema}.${name}`)}`.execute(db);
    dump[name] = rows.map(rowText).sort();
  }
  return dump;
}

/**
 * SQLite: how many term instances the FTS5 index holds for the lead's row, as the index resolves them (fts5vocab reads
 * every segment, with deletions applied), and whether the index still matches its table (FTS5's integrity check).
 */
async function indexedInstances(handle: StoreHandle, seq: number) {
  // biome-ignore lint/suspicious/noExplicitAny: raw statements of the index.
  const db = (handle.store as SqlLeadStore).dialect.db as Kysely<any>;
  await sql`CREATE VIRTUAL TABLE IF NOT EXISTS temp.erasure_vocab USING fts5vocab(main, 'leads_fts', 'instance')`.execute(
    db,
  );
  await sql`INSERT INTO leads_fts (leads_fts, rank) VALUES ('integrity-check', 1)`.execute(db);
  const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM temp.erasure_vocab WHERE doc = ${seq}`.execute(
    db,
  );
  return Number(rows[0]!.n);
}

/** The search index's own tables: their pages change as a whole when any lead leaves it. */
const isIndexInternal = (table: string) => /^leads_fts_(data|idx|docsize|config)$/.test(table);

/** The tables (at least one row each) that hold any of `needles`, case-insensitively. */
function holding(dump: Rows, needles: string[]) {
  const lower = needles.map((n) => n.toLowerCase());
  return Object.entries(dump)
    .map(([table, rows]) => [table, rows.filter((row) => lower.some((n) => row.toLowerCase().includes(n)))] as const)
    .filter(([, rows]) => rows.length > 0);
}

for (const kind of STORE_KINDS) {
  describe.skipIf(!kind.available)(`erasure and export [${kind.name}]`, () => {
    let handle: StoreHandle;
    let api: TestCollector;
    let other: TestSite;
    /** The person to erase: their lead, devices, events' ids (browser and owner), contact details. */
    const person = {
      email: uniqueEmail('erin'),
      name: `Erin ${RARE}v Erasable`,
      phone: '+1 555 014 7788',
      devices: [uuid(), uuid()],
      browserEvents: [uuid(), uuid(), uuid(), uuid()],
      ownerEvent: uuid(),
      leadId: '',
      /** SQLite: the lead's row number, which its search-index entries are keyed by. */
      seq: 0,
      outboxIds: [] as string[],
    };
    /** What the browser sent, each kept to be sent again. */
    const sent: { body: Record<string, unknown>; key: 'publishable' | 'secret' }[] = [];
    let keep: { leadId: string; email: string };
    let before: Rows;

    const post = async (body: Record<string, unknown>, as: 'publishable' | 'secret') => {
      sent.push({ body, key: as });
      return as === 'publishable'
        ? api.call('identify', { key: api.site.publishableKey, ...body }, browser)
        : api.call('identify', body);
    };
    const leadData = async (leadId: string) => (await api.call('get', { lead_id: leadId })).body.data;

    beforeAll(async () => {
      handle = await kind.open();
      api = await startTestCollector(handle.store, { deliverWebhooks: false });
      other = await createTestSite(handle.store);
      // An endpoint, so every notification event also has a delivery row.
      await handle.store.addWebhookEndpoint({
        id: uuid(),
        site_id: api.site.siteId,
        url: 'https://hooks.example.com/leads',
        format: 'standard',
        events: null,
        secret: 'whsec_dGVzdHNlY3JldHRlc3RzZWNyZXR0ZXN0c2VjcmV0',
        created_at: new Date().toISOString(),
      });
      const [first, second] = person.devices as [string, string];
      const [e1, e2, e3, e4] = person.browserEvents as [string, string, string, string];
      // Device 1 sends the form (a campaign brought it); device 2 later sends the email again.
      const made = await post(
        {
          event_id: e1,
          visitor_id: first,
          form: [
            ['text|name|name', person.name],
            ['email|email|email', person.email],
            ['tel|tel|phone', person.phone],
            ['textarea||message', 'Call me about the enterprise plan'],
          ],
          pages_visited: [
            { path: '/pricing', title: 'Pricing', at: '2026-11-02T10:00:00.000Z' },
            { path: '/contact', title: 'Contact', at: '2026-11-02T10:01:00.000Z' },
          ],
          time_spent: 75,
          visit_count: 1,
          touches: [{ url: '/pricing?utm_source=Newsletter&utm_campaign=erin-spring', at: '2026-11-02T10:00:00.000Z' }],
        },
        'publishable',
      );
      expect(made.status).toBe(202);
      const lead = (await api.call('get', { search: person.email })).body.data.leads[0];
      person.leadId = lead.id;
      const device2 = { event_id: e2, visitor_id: second, email: person.email, company: 'Erasable Ltd' };
      expect(
        (await post({ ...device2, pages_visited: [{ path: '/app', at: '2026-11-03T08:00:00.000Z' }] }, 'publishable'))
          .status,
      ).toBe(202);
      // A behaviour sync (no submission is recorded; its receipt names device 1 only).
      expect(
        (await post({ event_id: e3, visitor_id: first, time_spent: 90, visit_count: 2 }, 'publishable')).status,
      ).toBe(202);
      // A browser create with the same email: a submission without a device.
      const created = await api.call(
        'create',
        { key: api.site.publishableKey, event_id: e4, name: person.name, email: person.email, position: 'CTO' },
        browser,
      );
      expect(created.status).toBe(202);
      sent.push({
        body: { action: 'create', event_id: e4, name: person.name, email: person.email },
        key: 'publishable',
      });
      // The owner's server: an identify with an event id (its receipt holds the whole lead), an edit, a qualify.
      expect(
        (await post({ event_id: person.ownerEvent, visitor_id: first, phone: person.phone, position: 'CTO' }, 'secret'))
          .status,
      ).toBe(200);
      expect((await api.call('update', { lead_id: lead.id, notes: `Met ${person.name} at the fair` })).status).toBe(
        200,
      );
      expect((await api.call('qualify', { lead_id: lead.id, status: 'qualified' })).status).toBe(200);
      person.outboxIds = (await handle.store.listOutboxEvents(api.site.siteId, { limit: 1000 }))
        .filter((event) => event.lead_id === lead.id)
        .map((event) => event.id);
      expect(person.outboxIds.length).toBeGreaterThanOrEqual(2);

      // Someone else, through the same doors: must not change at all.
      keep = { leadId: '', email: uniqueEmail('olga') };
      expect(
        (
          await api.call(
            'identify',
            {
              key: api.site.publishableKey,
              event_id: uuid(),
              visitor_id: uuid(),
              form: [
                ['email|email|email', keep.email],
                ['text|name|name', 'Olga Keep'],
              ],
              touches: [{ url: '/?utm_source=ads', at: '2026-11-01T00:00:00.000Z' }],
            },
            browser,
          )
        ).status,
      ).toBe(202);
      keep.leadId = (await api.call('get', { search: keep.email })).body.data.leads[0].id;
      await api.call('identify', { event_id: uuid(), visitor_id: uuid(), email: keep.email, notes: 'keep me' });
      await api.call('qualify', { lead_id: keep.leadId, status: 'contacted' });
      before = await dumpEveryTable(handle);
    });

    afterAll(async () => {
      await api?.close();
      await handle?.cleanup();
    });

    const secrets = () => [
      person.leadId,
      ...person.devices,
      ...person.outboxIds,
      person.email,
      person.name,
      person.phone,
      normalizePhone(person.phone)!,
    ];

    it('seeds the person into every kind of table (so the checks below can fail)', () => {
      const tables = holding(before, secrets()).map(([table]) => table);
      for (const table of [
        'leads',
        'visitors',
        'lead_events',
        'lead_submissions',
        'lead_touches',
        'ingest_receipts',
        'outbox',
        'webhook_deliveries',
      ]) {
        expect(tables, table).toContain(table);
      }
      if (kind.name === 'sqlite')
        person.seq = Number(JSON.parse(before.leads!.find((r) => r.includes(person.leadId))!).seq);
    });

    it('exports everything about the person, as the API shows it, and nothing of anyone else', async () => {
      const answer = await api.call('export', { email: person.email.toUpperCase() });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(v.safeParse(ExportResponse, answer.body).success).toBe(true);
      const data = answer.body.data;
      const shown = await leadData(person.leadId);
      expect(data.lead).toEqual(shown.lead);
      expect(data.site_id).toBe(api.site.siteId);
      expect(data.visitors).toEqual(shown.visitors);
      expect(data.visitors.map((d: { id: string }) => d.id).sort()).toEqual([...person.devices].sort());
      expect(data.events).toEqual(shown.events);
      expect(data.submissions).toEqual([...shown.submissions].reverse());
      expect(data.submissions).toHaveLength(3);
      expect(data.submissions[0].fields).toMatchObject({ name: person.name, email: person.email, phone: person.phone });
      // Every page of every device, each naming its device, oldest first.
      expect(data.pages).toEqual([
        { visitor_id: person.devices[0], path: '/pricing', title: 'Pricing', at: '2026-11-02T10:00:00.000Z' },
        { visitor_id: person.devices[0], path: '/contact', title: 'Contact', at: '2026-11-02T10:01:00.000Z' },
        { visitor_id: person.devices[1], path: '/app', at: '2026-11-03T08:00:00.000Z' },
      ]);
      expect(data.touches).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ visitor_id: null, kind: 'first', utm_campaign: 'erin-spring' }),
          expect.objectContaining({ visitor_id: person.devices[0], kind: 'first', utm_source: 'Newsletter' }),
        ]),
      );
      expect(Date.parse(data.exported_at)).toBeGreaterThan(Date.now() - 60_000);
      const text = JSON.stringify(data).toLowerCase();
      expect(text).not.toContain(keep.email);
      expect(text).not.toContain(keep.leadId);
      // By lead_id: the same document.
      const byId = await api.call('export', { lead_id: person.leadId });
      expect({ ...byId.body.data, exported_at: null }).toEqual({ ...data, exported_at: null });
    });

    it('refuses publishable keys, another site, bad input and other methods, changing nothing', async () => {
      const publishable = api.site.publishableKey;
      for (const route of ['erase', 'export']) {
        const lookups = [{ lead_id: person.leadId }, { email: person.email }];
        for (const body of lookups) {
          const header = await api.call(route, body, { key: publishable, headers: { origin: ORIGIN } });
          expect(header.status, `${route} publishable`).toBe(403);
          expect(header.body.error.code).toBe('forbidden');
          expect(header.body.error.message).toContain('secret key');
          const inBody = await api.call(route, { ...body, key: publishable }, { key: null });
          expect(inBody.status).toBe(403);
          expect(inBody.body.error.code).toBe('forbidden');
          const elsewhere = await api.call(route, body, { key: other.secretKey });
          expect(elsewhere.status, `${route} another site`).toBe(404);
          expect(elsewhere.body.error.code).toBe('not_found');
        }
        const refusals: [unknown, number, string, Record<string, unknown>?][] = [
          [{}, 400, 'invalid_input'],
          [{ lead_id: person.leadId, email: person.email }, 400, 'invalid_input'],
          [{ lead_id: 'not-a-uuid' }, 400, 'invalid_input'],
          [{ email: 'not an email' }, 400, 'invalid_input'],
          [{ lead_id: person.leadId, colour: 'red' }, 400, 'invalid_input'],
          [{ lead_id: person.leadId, site_id: other.siteId }, 403, 'site_mismatch'],
          [{ lead_id: person.leadId }, 401, 'unauthorized', { key: null }],
          [{ lead_id: person.leadId }, 401, 'invalid_api_key', { key: 'lt_sk_notAKeyOfAnySite0000000000' }],
          [{ lead_id: person.leadId }, 403, 'forbidden', { headers: { origin: 'https://evil.example' } }],
          [null, 400, 'invalid_json', { raw: '{"lead_id":' }],
          [null, 415, 'unsupported_media_type', { raw: '{}', headers: { 'content-type': 'text/plain' } }],
        ];
        for (const [body, status, code, init] of refusals) {
          const answer = await api.call(route, body, init ?? {});
          expect(answer.status, `${route} ${JSON.stringify(body)} ${JSON.stringify(init)}`).toBe(status);
          expect(answer.body.error.code).toBe(code);
          expect(JSON.stringify(answer.body)).not.toContain(person.email);
        }
        const got = await fetch(`${api.url}/api/agents/tools/leads/${route}`, {
          headers: { authorization: `Bearer ${api.site.secretKey}` },
        });
        expect(got.status).toBe(405);
        expect(got.headers.get('allow')).toBe('POST');
        expect(((await got.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
      }
      expect(await dumpEveryTable(handle)).toEqual(before);
    });

    it('erases the person from every table, the search index included, in one request, and nothing else', async () => {
      const shown = await leadData(person.leadId);
      if (kind.name === 'sqlite') expect(await indexedInstances(handle, person.seq)).toBeGreaterThan(20);
      const answer = await api.call('erase', { email: person.email });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        success: true,
        erased: {
          lead_id: person.leadId,
          visitors: 2,
          submissions: 3,
          events: shown.events.length,
          touches: 2,
          notifications: person.outboxIds.length,
          receipts: person.browserEvents.length + 1,
        },
      });
      const after = await dumpEveryTable(handle);
      expect(holding(after, secrets())).toEqual([]);

      // Every other row is as it was: the person's rows are gone, their receipts kept with an empty answer.
      const mine = (row: string) => secrets().some((s) => row.toLowerCase().includes(s.toLowerCase()));
      const receiptKeys = [...person.browserEvents, person.ownerEvent];
      const isMyReceipt = (row: string) => receiptKeys.some((id) => row.includes(`"event_id":"${id}"`));
      for (const [table, rows] of Object.entries(before)) {
        if (isIndexInternal(table)) continue;
        const expected = rows.filter((row) => !mine(row) && !(table === 'ingest_receipts' && isMyReceipt(row)));
        const kept = (after[table] ?? []).filter((row) => !(table === 'ingest_receipts' && isMyReceipt(row)));
        expect(kept, table).toEqual(expected);
      }
      const receipts = (after.ingest_receipts ?? []).filter(isMyReceipt).map((row) => JSON.parse(row));
      expect(receipts).toHaveLength(receiptKeys.length);
      for (const receipt of receipts) {
        expect(receipt.status).toBe(202);
        expect(typeof receipt.body === 'string' ? JSON.parse(receipt.body) : receipt.body).toEqual({ success: true });
      }

      // Nothing of them is found by search; the other lead still is.
      for (const text of [person.email, `${RARE}v`, 'Erasable', 'the fair']) {
        expect((await api.call('get', { search: text })).body.data.leads, text).toEqual([]);
      }
      expect((await api.call('get', { search: 'Olga' })).body.data.leads.map((l: { id: string }) => l.id)).toEqual([
        keep.leadId,
      ]);
      expect((await api.call('get', { lead_id: person.leadId })).status).toBe(404);
      if (kind.name === 'sqlite') {
        // The index itself holds no entry of the row, and still matches its table exactly.
        expect(await indexedInstances(handle, person.seq)).toBe(0);
      }
      before = after;
    });

    it('a replay of any of the erased person’s events creates nothing and answers nothing of them', async () => {
      for (const { body, key } of sent) {
        const { action = 'identify', ...rest } = body as { action?: string };
        const answer =
          key === 'publishable'
            ? await api.call(action, { key: api.site.publishableKey, ...rest }, browser)
            : await api.call(action, rest);
        expect(answer.status, JSON.stringify(body)).toBe(202);
        const text = JSON.stringify(answer.body).toLowerCase();
        for (const secret of [person.leadId, person.email, person.name.toLowerCase(), person.phone]) {
          expect(text).not.toContain(secret.toLowerCase());
        }
        if (key === 'secret') expect(answer.body).toEqual({ success: true });
      }
      expect(await dumpEveryTable(handle)).toEqual(before);
    });

    it('erasing again, by id or email, is a 404 that changes nothing', async () => {
      for (const body of [{ lead_id: person.leadId }, { email: person.email }]) {
        for (const route of ['erase', 'export']) {
          const answer = await api.call(route, body);
          expect(answer.status).toBe(404);
          expect(answer.body.error.code).toBe('not_found');
        }
      }
      expect(await dumpEveryTable(handle)).toEqual(before);
    });

    it('a new submission (a new event id) from the same browser is new consent: a new lead', async () => {
      const answer = await api.call(
        'identify',
        {
          key: api.site.publishableKey,
          event_id: uuid(),
          visitor_id: person.devices[0],
          form: [['email|email|email', person.email]],
        },
        browser,
      );
      expect(answer.status).toBe(202);
      const found = (await api.call('get', { search: person.email })).body.data.leads;
      expect(found).toHaveLength(1);
      expect(found[0].id).not.toBe(person.leadId);
      // Only what this submission sent: the erased name, phone and history are not back.
      expect(found[0]).toMatchObject({ email: person.email, phone: null, status: 'new' });
      expect(found[0].name).not.toBe(person.name);
      const data = await leadData(found[0].id);
      expect(data.submissions).toHaveLength(1);
    });
  });
}
