/** Running a migration's SQL text: one statement at a time, as both drivers need. */
import { type Kysely, sql } from 'kysely';

/**
 * Runs SQL text statement by statement. A statement ends with ";" at the end of a line followed by a line that
 * starts a new statement in column 0, so the ";" inside a trigger's body does not split it.
 */
export async function runStatements(db: Kysely<unknown>, statements: string) {
  for (const statement of statements.split(/;\s*\n(?=CREATE|ALTER|DROP|INSERT|UPDATE)/).filter((s) => s.trim())) {
    await sql.raw(statement).execute(db);
  }
}

/** A migration that runs fixed SQL text. */
export const sqlMigration = (statements: string) => ({
  up: (db: Kysely<unknown>) => runStatements(db, statements),
});
