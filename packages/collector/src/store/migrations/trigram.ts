/** PostgreSQL's trigram operator class, for the search indexes (the pg_trgm extension). */
import { type Kysely, sql } from 'kysely';

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Makes sure pg_trgm is installed and returns the qualified name of its GIN operator class. The extension may live
 * in any schema (often `public`, or `extensions` on managed services), not necessarily one on our search path.
 */
export async function trigramOpclass(db: Kysely<unknown>): Promise<string> {
  const find = () =>
    sql<{ schema: string }>`
      SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
      WHERE e.extname = 'pg_trgm'`.execute(db);
  let { rows } = await find();
  if (!rows.length) {
    // Needs the CREATE privilege on the database (pg_trgm is a trusted extension since PostgreSQL 13).
    await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);
    ({ rows } = await find());
  }
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('The pg_trgm extension is required (CREATE EXTENSION pg_trgm)');
  return `${quoteIdent(schema)}.gin_trgm_ops`;
}
