/**
 * The SQLite search index is brought up to date once per group commit (store/sqlite/search-queue.ts). Under a
 * concurrent mix of creates, identifies, updates and failing transactions, the index must hold exactly the leads'
 * text: FTS5's own integrity check passes, and every search finds what a plain scan finds.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteTestStore, type StoreHandle } from '../../../test/support/stores.ts';
import { createSiteWithKeys, type LeadStore, runLeadsAction } from '../src/index.ts';

let handle: StoreHandle;
let store: LeadStore;
let ctx: Parameters<typeof runLeadsAction>[0];

beforeAll(async () => {
  handle = await openSqliteTestStore();
  store = handle.store;
  const { site } = await createSiteWithKeys(store, 'Search queue', []);
  ctx = { store, siteId: site.id, ownerUserId: site.owner_user_id, keyKind: 'secret' };
});
afterAll(() => handle.cleanup());

const run = (input: Record<string, unknown>) => runLeadsAction(ctx, input).catch((error: unknown) => error);

describe('the search index, flushed once per commit', () => {
  it('matches the leads exactly after a concurrent mix of writes, failures included', async () => {
    const created = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        run({ action: 'create', name: `Orchid ${i}`, email: `orchid${i}@queue.test` }),
      ),
    );
    const ids = created.map((r) => (r as { body: { lead: { id: string } } }).body.lead.id);
    // In one burst: renames, new notes, identifies creating and linking leads, and duplicates that roll back.
    await Promise.all([
      ...ids.slice(0, 20).map((lead_id, i) => run({ action: 'update', lead_id, name: `Tulip ${i}` })),
      ...ids.slice(10, 30).map((lead_id, i) => run({ action: 'update', lead_id, notes: `asked about magnolia ${i}` })),
      ...ids.slice(0, 10).map((lead_id) => run({ action: 'update', lead_id, name: 'Orchid again' })),
      ...Array.from({ length: 20 }, (_, i) =>
        run({ action: 'identify', visitor_id: crypto.randomUUID(), email: `lily${i}@queue.test`, name: `Lily ${i}` }),
      ),
      ...Array.from({ length: 10 }, (_, i) =>
        run({
          action: 'identify',
          visitor_id: crypto.randomUUID(),
          email: `orchid${30 + i}@queue.test`,
          notes: 'peony',
        }),
      ),
      ...Array.from({ length: 10 }, (_, i) => run({ action: 'create', name: 'Dup', email: `orchid${i}@queue.test` })),
    ]);

    // FTS5 compares its index with the leads table (with rank 1, row by row) and throws on any difference.
    const raw = new Database(handle.db);
    try {
      raw.prepare("INSERT INTO leads_fts (leads_fts, rank) VALUES ('integrity-check', 1)").run();
    } finally {
      raw.close();
    }
    for (const text of ['Orchid', 'Tulip', 'magnolia', 'Lily', 'peony', 'Dup', 'queue.test', 'again']) {
      const list = await run({ action: 'list', search: text, limit: 100 });
      const found = (list as { body: { data: { leads: { name: string; email: string; notes: string | null }[] } } })
        .body.data.leads;
      const all = await store.listLeads(ctx.siteId, {
        sort_by: 'created_at',
        sort_order: 'asc',
        limit: 500,
        offset: 0,
      });
      const scanned = all.leads.filter((l) =>
        [l.name, l.email, l.notes].some((v) => v?.toLowerCase().includes(text.toLowerCase())),
      );
      expect(found.map((l) => l.email).sort(), text).toEqual(scanned.map((l) => l.email).sort());
    }
  });
});
