/**
 * Search is answered from the FTS5 trigram index, never by scanning leads: shown on 100,000 leads with the
 * query plan of the exact SQL the store runs. The time is printed for the docs, not asserted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createSiteWithKeys } from '../src/core/sites.ts';
import type { LeadStore } from '../src/store/lead-store.ts';
import type { Database } from '../src/store/sql/schema.ts';
import { SqlLeadStore } from '../src/store/sql/sql-store.ts';
import { FLUSH_SQL } from '../src/store/sqlite/search-queue.ts';
import { openSqliteDialect } from '../src/store/sqlite/sqlite-dialect.ts';

const N = 100_000;
const dir = mkdtempSync(join(tmpdir(), 'leadtrail-search-'));
const queries: { sql: string; parameters: readonly unknown[] }[] = [];
let store: LeadStore;
let raw: ReturnType<typeof openSqliteDialect>['raw'];
let siteId = '';

beforeAll(async () => {
  const dialect = openSqliteDialect(join(dir, 'search.db'));
  raw = dialect.raw;
  // The store's own dialect, with a query log so the test can EXPLAIN exactly what it runs.
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: raw }),
    log: (event) => {
      queries.push({ sql: event.query.sql, parameters: event.query.parameters });
    },
  });
  store = await SqlLeadStore.open({ ...dialect, db });
  siteId = (await createSiteWithKeys(store, 'Search', [])).site.id;
  const insert = raw.prepare(
    `INSERT INTO leads (id, site_id, name, email, email_norm, notes, status, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, 'new', ?, ?)`,
  );
  const first = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Ken', 'Dennis', 'Margaret', 'Linus'];
  const last = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Thompson', 'Ritchie', 'Hamilton'];
  raw.transaction(() => {
    for (let i = 0; i < N; i++) {
      const name = `${first[i % first.length]} ${last[(i * 7) % last.length]} ${i}`;
      const email = `user${i}@company${i % 997}.example`;
      const at = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString();
      insert.run(
        crypto.randomUUID(),
        siteId,
        name,
        email,
        email,
        i % 50 === 0 ? `asked about plan ${i}` : null,
        at,
        at,
      );
    }
  })();
  // Rows written straight to the file, past the store: index them all at once, as a bulk load would.
  raw.exec("INSERT INTO leads_fts (leads_fts) VALUES ('rebuild'); DELETE FROM temp.leads_fts_queue");
  // What the collector's hourly maintenance does (and opening the file does): refresh the planner's statistics.
  raw.pragma('optimize');
}, 120_000);

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function planOf(sql: string, parameters: readonly unknown[]): string {
  return raw
    .prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .all(...(parameters as unknown[]))
    .map((row) => (row as { detail: string }).detail)
    .join('\n');
}

it('answers a search over 100,000 leads from the trigram index, for both the page and the total', async () => {
  const query = { search: 'company42.exam', sort_by: 'created_at', sort_order: 'desc', limit: 50, offset: 0 } as const;
  queries.length = 0;
  const result = await store.listLeads(siteId, query);
  expect(result.total).toBe(Math.ceil((N - 42) / 997));
  expect(result.leads.every((l) => l.email?.includes('company42.exam'))).toBe(true);

  const searches = queries.filter((q) => q.sql.includes('leads_fts'));
  expect(searches).toHaveLength(2);
  for (const query of searches) {
    const plan = planOf(query.sql, query.parameters);
    // Matches come from the trigram index and are fetched by rowid; no walk of the leads table or a site index.
    expect(plan).toMatch(/SCAN leads_fts VIRTUAL TABLE INDEX \d+:M/);
    expect(plan).toMatch(/SEARCH leads USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    expect(plan).not.toMatch(/SCAN leads\b(?!_fts)|leads_site_/);
    console.log(`search plan:\n${plan}`);
  }
  const times: number[] = [];
  for (let i = 0; i < 21; i++) {
    const started = performance.now();
    await store.listLeads(siteId, query);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(`search over ${N} leads (page + total), median of 21: ${times[10]!.toFixed(2)} ms`);
});

it('finds a rare fragment in notes and names case-insensitively', async () => {
  const notes = await store.listLeads(siteId, {
    search: 'PLAN 4950',
    sort_by: 'created_at',
    sort_order: 'desc',
    limit: 5,
    offset: 0,
  });
  expect(notes.leads.map((l) => l.notes)).toEqual(['asked about plan 49500', 'asked about plan 4950']);
  const names = await store.listLeads(siteId, {
    search: 'lovelace 99990',
    sort_by: 'name',
    sort_order: 'asc',
    limit: 5,
    offset: 0,
  });
  expect(names.total).toBe(1);
});

it("updates the index at commit by looking up the queue's leads, never by scanning the leads table", () => {
  // With planner statistics for 100,000 leads and none for the small temporary queue.
  for (const sql of Object.values(FLUSH_SQL)) {
    const plan = planOf(sql, []);
    expect(plan).toMatch(/SCAN q|SCAN leads_fts_queue/);
    expect(plan).not.toMatch(/SCAN l\b|SCAN leads\b(?!_fts)|COVERING INDEX sqlite_autoindex_leads/);
  }
  expect(planOf(FLUSH_SQL.add, [])).toMatch(/SEARCH l USING INTEGER PRIMARY KEY \(rowid=\?\)/);
});
