/** PostgreSQL, for several collectors sharing one database: a pool, pg_trgm GIN indexes for search. */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { likeContains, type SqlDialect } from '../sql/dialect.ts';
import type { Database as Schema } from '../sql/schema.ts';
import { postgresMigrations } from './migrations.ts';

export interface PostgresOptions {
  /** Tables live in this schema (tests give each run its own). */
  schema?: string;
  poolSize?: number;
}

export async function openPostgresDialect(url: string, options: PostgresOptions = {}): Promise<SqlDialect> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema},public` } : {}),
  });
  // Fail at start-up, with the driver's reason, rather than on the first request.
  const client = await pool.connect();
  client.release();
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return {
    name: 'postgres',
    db,
    migrations: postgresMigrations,
    rowLocks: true,
    searchLeads(search) {
      const pattern = likeContains(search);
      return sql<boolean>`(name ILIKE ${pattern} OR email ILIKE ${pattern} OR notes ILIKE ${pattern})`;
    },
    isUniqueViolation: (error) =>
      typeof error === 'object' && error !== null && 'code' in error && error.code === '23505',
    close: () => db.destroy(),
  };
}
