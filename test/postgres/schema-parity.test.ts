/**
 * Both dialects' migration histories end with the same tables and columns, and the same indexes but for the
 * differences each migration documents (listed here with their reason): a test that fails when a migration is added
 * to one dialect and forgotten in the other.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgresDialect, openSqliteDialect, SqlLeadStore } from '@leadtrail/collector';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { createTestSchema, PG_URL, warnIfNoPostgres } from '../support/postgres.ts';

warnIfNoPostgres();

/** Tables of one dialect only: SQLite's FTS5 search table and its shadow tables (Postgres searches by index). */
const SQLITE_ONLY_TABLE = /^leads_fts/;
/** Kysely's migration bookkeeping. */
const BOOKKEEPING = /^kysely_migration/;

/** Indexes of one dialect only, with the reason the migration gives (001-initial.ts). */
const POSTGRES_ONLY_INDEXES: Record<string, string> = {
  leads_search_name: 'pg_trgm GIN index (SQLite: the leads_fts table)',
  leads_search_email: 'pg_trgm GIN index (SQLite: the leads_fts table)',
  leads_search_notes: 'pg_trgm GIN index (SQLite: the leads_fts table)',
  leads_search_company: 'pg_trgm GIN index (SQLite: the leads_fts table, 097-search-company.ts)',
  leads_site_status_updated: "the list's sort by update within a status",
  leads_site_name: 'the list\'s sort by name, lower(name COLLATE "C")',
};

interface Shape {
  columns: Record<string, string[]>;
  indexes: string[];
}

async function sqliteShape(): Promise<Shape> {
  const dir = mkdtempSync(join(tmpdir(), 'leadtrail-parity-'));
  const dialect = openSqliteDialect(join(dir, 'leadtrail.db'));
  const store = await SqlLeadStore.open(dialect);
  try {
    const tables = dialect.raw
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as { name: string }[];
    const columns: Record<string, string[]> = {};
    for (const { name } of tables) {
      if (SQLITE_ONLY_TABLE.test(name) || BOOKKEEPING.test(name)) continue;
      const info = dialect.raw.prepare(`SELECT name FROM pragma_table_info(?)`).all(name) as { name: string }[];
      columns[name] = info.map((c) => c.name).sort();
    }
    const indexes = (
      dialect.raw
        .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'")
        .all() as { name: string }[]
    ).map((i) => i.name);
    return { columns, indexes: indexes.sort() };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresShape(): Promise<Shape> {
  const schema = await createTestSchema();
  const dialect = await openPostgresDialect(schema.url);
  const store = await SqlLeadStore.open(dialect);
  try {
    const { rows: cols } = await sql<{ table_name: string; column_name: string }>`
      SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = ${schema.schema}`.execute(dialect.db);
    const columns: Record<string, string[]> = {};
    for (const { table_name, column_name } of cols) {
      if (BOOKKEEPING.test(table_name)) continue;
      columns[table_name] = [...(columns[table_name] ?? []), column_name];
    }
    for (const list of Object.values(columns)) list.sort();
    // Indexes made by constraints (primary keys, UNIQUE columns) are SQLite's automatic indexes: left out on both.
    const { rows } = await sql<{ indexname: string }>`
      SELECT i.indexname FROM pg_indexes i
      WHERE i.schemaname = ${schema.schema}
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`.execute(dialect.db);
    return {
      columns,
      indexes: rows
        .map((r) => r.indexname)
        .filter((name) => !BOOKKEEPING.test(name))
        .sort(),
    };
  } finally {
    await store.close();
    await schema.drop();
  }
}

it.skipIf(!PG_URL)('SQLite and PostgreSQL end with the same tables, columns and (documented) indexes', async () => {
  const [lite, pg] = await Promise.all([sqliteShape(), postgresShape()]);
  expect(Object.keys(pg.columns).sort()).toEqual(Object.keys(lite.columns).sort());
  for (const [table, columns] of Object.entries(lite.columns)) expect(pg.columns[table], table).toEqual(columns);
  expect(pg.indexes.filter((name) => !(name in POSTGRES_ONLY_INDEXES))).toEqual(lite.indexes);
  // Each documented difference is real (a stale entry would hide a new one).
  for (const name of Object.keys(POSTGRES_ONLY_INDEXES)) expect(pg.indexes).toContain(name);
});
