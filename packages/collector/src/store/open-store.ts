import type { LeadStore } from './lead-store.ts';
import { SqlLeadStore } from './sql/sql-store.ts';
import { openSqliteDialect } from './sqlite/sqlite-dialect.ts';

export const DEFAULT_DB_PATH = './data/leadtrail.db';

export const isPostgresUrl = (db: string) => /^postgres(ql)?:\/\//i.test(db);

/** `--db`, else DATABASE_URL, else the embedded default. */
export const resolveDb = (flag?: string) => flag || process.env.DATABASE_URL || DEFAULT_DB_PATH;

/** Opens (and migrates) the store a `--db` value names: a postgres:// URL, or a SQLite file path. */
export async function openStore(db: string): Promise<LeadStore> {
  if (isPostgresUrl(db)) {
    const { openPostgresDialect } = await import('./postgres/postgres-dialect.ts');
    return SqlLeadStore.open(await openPostgresDialect(db));
  }
  return SqlLeadStore.open(openSqliteDialect(db));
}
