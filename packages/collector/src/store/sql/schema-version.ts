/**
 * The database's schema version is the list of migrations it has run (Kysely's `kysely_migration` table). A
 * collector refuses a database that has run a migration it does not know: a newer leadtrail made it, and this one
 * would misread (or, migrating, damage) what it does not know about.
 */
import { sql } from 'kysely';
import type { SqlDialect } from './dialect.ts';

export class NewerSchemaError extends Error {}

/** The migrations the database has run, oldest first; none for a new database. */
export async function appliedMigrations(dialect: SqlDialect): Promise<string[]> {
  const table = dialect.migrationSchema
    ? sql`${sql.id(dialect.migrationSchema)}.kysely_migration`
    : sql`kysely_migration`;
  try {
    const { rows } = await sql<{ name: string }>`SELECT name FROM ${table} ORDER BY name`.execute(dialect.db);
    return rows.map((row) => row.name);
  } catch (error) {
    // No table yet: a new database. Anything else is not ours to hide.
    if (/no such table|does not exist/i.test((error as Error).message)) return [];
    throw error;
  }
}

/** Throws NewerSchemaError when the database has run migrations this collector does not know. */
export async function assertKnownSchema(dialect: SqlDialect) {
  const unknown = (await appliedMigrations(dialect)).filter((name) => !(name in dialect.migrations));
  if (unknown.length) {
    const known = Object.keys(dialect.migrations).sort().at(-1);
    throw new NewerSchemaError(
      `This database's schema is newer than this leadtrail: it has run ${unknown.join(', ')}, and this version knows ` +
        `migrations up to ${known}. Upgrade leadtrail, or restore a backup made before the upgrade.`,
    );
  }
}
