/** PostgreSQL, for several collectors sharing one database: a pool, pg_trgm GIN indexes for search. */
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { processLog } from '../../process-log.ts';
import { positiveIntFromEnv } from '../env-setting.ts';
import { migrationsFor } from '../migrations/index.ts';
import { likeContains, type SqlDialect } from '../sql/dialect.ts';
import type { Database as Schema } from '../sql/schema.ts';
import { CONFIG_CHANNEL, ConfigListener } from './config-listener.ts';
import { hotPathPool, isStalePlan, NamedStatements } from './pool.ts';
import { SchemaScopedPostgresDialect } from './schema-introspector.ts';

export interface PostgresOptions {
  /** Tables live in this schema (tests give each run its own); else the URL's search_path decides. */
  schema?: string;
  /** Connections per collector process; default LEADTRAIL_PG_POOL_SIZE, else 10. */
  poolSize?: number;
}

/**
 * SQLSTATEs of a transaction that lost a race and can be rerun as a whole: deadlock, serialization failure (and a
 * named statement gone stale, pool.ts).
 */
const TRANSIENT = new Set(['40P01', '40001']);

const codeOf = (error: unknown) =>
  typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined;

export async function openPostgresDialect(url: string, options: PostgresOptions = {}): Promise<SqlDialect> {
  const connection: pg.ClientConfig = {
    connectionString: url,
    // Names the collectors in pg_stat_activity unless the URL sets application_name.
    fallback_application_name: 'leadtrail',
    ...(options.schema ? { options: `-c search_path=${options.schema},public` } : {}),
  };
  const pool = new pg.Pool({
    ...connection,
    max: options.poolSize ?? positiveIntFromEnv('LEADTRAIL_PG_POOL_SIZE', 10),
  });
  // An idle connection the server drops (restart, failover, idle timeout) is removed from the pool and replaced on
  // the next query; without a listener the pool's 'error' event would end the process.
  pool.on('error', (error) => {
    processLog('warn', 'postgres_connection_lost', `postgres connection lost (${error.message}); it will be replaced`, {
      reason: error.message,
    });
  });
  let migrationSchema: string;
  try {
    // Fail at start-up, with the driver's reason, rather than on the first request.
    const { rows } = await pool.query<{ schema: string | null }>('SELECT current_schema() AS schema');
    const schema = rows[0]?.schema;
    if (!schema) throw new Error('No schema to create tables in: check the search_path of the database URL');
    migrationSchema = schema;
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  const statements = new NamedStatements();
  const config = new ConfigListener(
    { ...connection, connectionTimeoutMillis: 5_000, keepAlive: true },
    migrationSchema,
    (payload) => pool.query('SELECT pg_notify($1, $2)', [CONFIG_CHANNEL, payload]),
  );
  const db = new Kysely<Schema>({
    dialect: new SchemaScopedPostgresDialect({ pool: hotPathPool(pool, statements, () => config.changed()) }),
  });
  return {
    name: 'postgres',
    db,
    migrations: migrationsFor('postgres'),
    migrationSchema,
    rowLocks: true,
    configVersion: () => config.version(),
    readsInTransaction: false,
    writableCtes: true,
    searchPlan(search) {
      // Postgres text cannot hold NUL, so nothing matches it (and the driver would refuse it as a parameter).
      if (search.includes('\u0000')) return { shape: 'nothing' };
      // Like SQLite, where text under three characters has no trigram and falls back to LIKE (ASCII case folding
      // only): the "C" collation makes ILIKE fold ASCII only too. Such a search scans the site's leads on both.
      return { shape: [...search].length < 3 ? 'ascii' : 'trigram', value: likeContains(search) };
    },
    searchPredicate(shape, value) {
      if (shape === 'nothing') return sql<boolean>`false`;
      if (shape === 'ascii') {
        return sql<boolean>`(name COLLATE "C" ILIKE ${value} OR email COLLATE "C" ILIKE ${value} OR notes COLLATE "C" ILIKE ${value} OR company COLLATE "C" ILIKE ${value})`;
      }
      // Served by the leads_search_* GIN (gin_trgm_ops) indexes: a BitmapOr of four index scans, then a recheck.
      // `\` is Postgres's default LIKE escape, as likeContains expects.
      return sql<boolean>`(name ILIKE ${value} OR email ILIKE ${value} OR notes ILIKE ${value} OR company ILIKE ${value})`;
    },
    keepStatement: (text) => statements.keep(text),
    textSortKey: (column) => sql`lower(${sql.ref(column)} COLLATE "C")`,
    jsonTextArray: (column) => sql`coalesce(json_agg(${sql.ref(column)} ORDER BY ${sql.ref(column)}), '[]'::json)`,
    isUniqueViolation: (error) => codeOf(error) === '23505',
    isTransientConflict: (error) => TRANSIENT.has(String(codeOf(error))) || isStalePlan(error),
    close: async () => {
      await config.close();
      await db.destroy();
    },
  };
}
