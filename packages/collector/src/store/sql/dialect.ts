/** What differs between SQLite and Postgres; everything else is one Kysely codebase (sql-store.ts). */
import type { Expression, Kysely, Migration, RawBuilder, SqlBool } from 'kysely';
import type { Database } from './schema.ts';

export interface SearchPlan {
  shape: string;
  value?: string;
}

export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres';
  readonly db: Kysely<Database>;
  readonly migrations: Record<string, Migration>;
  /**
   * The schema that holds Kysely's migration tables (Postgres: the connection's current schema). Without it the
   * Migrator would take those tables from any schema of the database for its own.
   */
  readonly migrationSchema?: string;
  /** Row locks for read-modify-write inside a transaction (SQLite serialises writers instead). */
  readonly rowLocks: boolean;
  /**
   * Whether reads go in a transaction. SQLite: yes, a read outside one commits the open group early (group-commit.ts).
   * Postgres: no, a read-only transaction at READ COMMITTED sees what its statements would see alone, for two more
   * round trips (BEGIN, COMMIT).
   */
  readonly readsInTransaction: boolean;
  /** Whether a WITH may hold an INSERT (Postgres): two dependent writes then go in one statement, one round trip. */
  readonly writableCtes: boolean;
  /**
   * A query text that runs often with new values and one plan for all (prepared.ts): the dialect may keep it parsed
   * (Postgres: a named statement per connection, pool.ts).
   */
  keepStatement?(text: string): void;
  /**
   * How a case-insensitive substring match over name, email, notes and company runs (answered from an index where
   * the text is long enough): `shape` names its SQL, `value` is what that SQL binds (none: nothing can match).
   */
  searchPlan(search: string): SearchPlan;
  /** The search's predicate for a plan's shape, over its value (or a slot standing for it, prepared.ts). */
  searchPredicate(shape: string, value: string | undefined): Expression<SqlBool>;
  /**
   * The sort key of a text column: ASCII-lowercased, compared byte by byte (SQLite's lower() and BINARY
   * collation). Defaults to `lower(column)`, which is exactly that on SQLite.
   */
  textSortKey?(column: string): Expression<unknown>;
  /** The text values of a column over a group as a JSON array, in order (`[]` for none): JSON text or a value. */
  jsonTextArray(column: string): RawBuilder<unknown>;
  /**
   * A value that changes whenever sites or keys may have changed, for caching key look-ups (SQLite: its data_version
   * and this connection's writes of them; Postgres: notifications, config-listener.ts); null while that cannot be
   * told.
   */
  configVersion?(): string | null;
  /** Runs once the schema is up to date (SQLite: installs this connection's search queue). */
  afterMigrate?(): void;
  isUniqueViolation(error: unknown): boolean;
  /** A transaction that failed only because of concurrency (deadlock, serialization) and may simply be rerun. */
  isTransientConflict?(error: unknown): boolean;
  close(): Promise<void>;
}

/** LIKE pattern for a literal substring, with `\` as the escape character. */
export const likeContains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
