/**
 * Prepared queries (store/sql/prepared.ts) on both stores: built and compiled once per shape, then run with new
 * values that reach the database as parameters, never as SQL text.
 */
import type { Insertable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadQuery } from '../../packages/collector/src/store/lead-store.ts';
import { prepare } from '../../packages/collector/src/store/sql/prepared.ts';
import type { VisitorsTable } from '../../packages/collector/src/store/sql/schema.ts';
import type { SqlLeadStore } from '../../packages/collector/src/store/sql/sql-store.ts';
import { createTestSite } from '../support/collector.ts';
import { newLead } from '../support/leads.ts';
import { STORE_KINDS, type StoreHandle } from '../support/stores.ts';

for (const kind of STORE_KINDS) {
  describe.skipIf(!kind.available)(`prepared queries [${kind.name}]`, () => {
    let handle: StoreHandle;
    let store: SqlLeadStore;

    beforeAll(async () => {
      handle = await kind.open();
      store = handle.store as SqlLeadStore;
    });
    afterAll(() => handle?.cleanup());

    it('builds once per shape and runs each time with that call’s values', async () => {
      let builds = 0;
      const insert = prepare<{ id: string; name: string; created_at: string }, never>((db, $) => {
        builds++;
        return db.insertInto('sites').values({ ...$, owner_user_id: crypto.randomUUID() });
      });
      const byName = prepare<{ name: string }, { id: string; name: string }>((db, $) => {
        builds++;
        return db.selectFrom('sites').select(['id', 'name']).where('name', '=', $.name).orderBy('id');
      });
      const { dialect } = store;
      const at = new Date().toISOString();
      const ids = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
      // A value that looks like SQL is only ever a parameter.
      const names = ['Prepared one', "Prepared 'two'; drop table sites; --", 'Prepared one'];
      for (const [i, id] of ids.entries()) {
        await insert.run(store.dialect.db, dialect, { id, name: names[i]!, created_at: at });
      }
      expect(builds).toBe(1);
      const ones = await byName.run(dialect.db, dialect, { name: 'Prepared one' });
      expect(ones.rows.map((row) => row.id)).toEqual([ids[0], ids[2]].sort());
      const two = await byName.first(dialect.db, dialect, { name: names[1]! });
      expect(two).toEqual({ id: ids[1], name: names[1] });
      expect(await byName.first(dialect.db, dialect, { name: 'nobody' })).toBeUndefined();
      expect(builds).toBe(2);
      // Inside a transaction too: the same compiled query on the transaction's connection.
      await dialect.db.transaction().execute(async (trx) => {
        expect((await byName.first(trx, dialect, { name: names[1]! }))?.id).toBe(ids[1]);
      });
      expect(builds).toBe(2);
    });

    it('refuses a builder that drops or inspects a value (it would be lost at run time)', async () => {
      const dropsOne = prepare<{ name: string; unused: string }, { id: string }>((db, $) =>
        db.selectFrom('sites').select('id').where('name', '=', $.name),
      );
      await expect(dropsOne.run(store.dialect.db, store.dialect, { name: 'x', unused: 'y' })).rejects.toThrow(
        /leaves out unused/,
      );
    });

    it('compiles one form per set of given keys: an absent column takes its default, not null', async () => {
      const insert = prepare<
        {
          site_id: string;
          id: string;
          first_seen: string;
          last_seen: string;
          visit_count: number;
          pages_visited: string;
          time_spent?: number;
        },
        never
      >((db, $) => db.insertInto('visitors').values($ as Insertable<VisitorsTable>));
      const { dialect } = store;
      const at = new Date().toISOString();
      const site = crypto.randomUUID();
      await dialect.db
        .insertInto('sites')
        .values({ id: site, name: 'Visits', owner_user_id: crypto.randomUUID(), created_at: at })
        .execute();
      const [plain, timed] = [crypto.randomUUID(), crypto.randomUUID()];
      const base = { site_id: site, first_seen: at, last_seen: at, visit_count: 1, pages_visited: '[]' };
      await insert.run(dialect.db, dialect, { ...base, id: plain, time_spent: undefined });
      await insert.run(dialect.db, dialect, { ...base, id: timed, time_spent: 42 });
      const rows = await dialect.db
        .selectFrom('visitors')
        .select(['id', 'time_spent'])
        .where('site_id', '=', site)
        .execute();
      const spent = Object.fromEntries(rows.map((row) => [row.id, Number(row.time_spent)]));
      expect(spent).toEqual({ [plain]: 0, [timed]: 42 });
    });

    it('runs each list shape (filters, sort, how a search runs) with its own values, in any order', async () => {
      const { siteId } = await createTestSite(store);
      const owner = (await store.getSite(siteId))!.owner_user_id;
      const statuses = ['new', 'contacted', 'qualified'] as const;
      const leads = Array.from({ length: 12 }, (_, i) => ({
        id: crypto.randomUUID(),
        name: `Shape ${String(i).padStart(2, '0')} ${i % 3 === 0 ? 'Zebra' : 'Ant'}`,
        status: statuses[i % 3]!,
        created_at: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
      }));
      for (const lead of leads) {
        await store.insertLead(newLead(siteId, { ...lead, user_id: owner, email: `${lead.id}@shapes.test` }));
      }
      type Case = { query: Partial<LeadQuery>; match: (lead: (typeof leads)[number]) => boolean };
      const cases: Case[] = [
        { query: {}, match: () => true },
        { query: { status: 'contacted', sort_order: 'asc' }, match: (l) => l.status === 'contacted' },
        { query: { search: 'Zebra' }, match: (l) => l.name.includes('Zebra') },
        { query: { search: 'ze' }, match: (l) => l.name.includes('Ze') },
        { query: { search: 'Ze', status: 'new', sort_order: 'asc' }, match: (l) => l.name.includes('Ze') },
        {
          query: { search: 'An', status: 'qualified' },
          match: (l) => l.name.includes('An') && l.status === 'qualified',
        },
        { query: { search: 'Shape 1' }, match: (l) => l.name.startsWith('Shape 1') },
        { query: { search: 'a\u0000b' }, match: () => false },
        { query: { limit: 2, offset: 3 }, match: () => true },
        { query: { status: 'new', limit: 1, offset: 1, sort_order: 'asc' }, match: (l) => l.status === 'new' },
      ];
      const run = async ({ query, match }: Case) => {
        const full = { sort_by: 'created_at', sort_order: 'desc', limit: 50, offset: 0, ...query } as LeadQuery;
        const matching = leads.filter(match).map((lead) => lead.id);
        if (full.sort_order === 'desc') matching.reverse();
        const got = await store.listLeads(siteId, full);
        expect({ ids: got.leads.map((lead) => lead.id), total: got.total }, JSON.stringify(query)).toEqual({
          ids: matching.slice(full.offset, full.offset + full.limit),
          total: matching.length,
        });
      };
      // Twice over, in two orders: a shape compiled for one query is never run with another's structure.
      for (const one of cases) await run(one);
      for (const one of [...cases].reverse()) await run(one);
    });
  });
}
