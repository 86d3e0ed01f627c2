/** What differs between SQLite and Postgres; everything else is one Kysely codebase (sql-store.ts). */
import type { Expression, Kysely, Migration, SqlBool } from 'kysely';
import type { Database } from './schema.ts';

export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres';
  readonly db: Kysely<Database>;
  readonly migrations: Record<string, Migration>;
  /** Row locks for read-modify-write inside a transaction (SQLite serialises writers instead). */
  readonly rowLocks: boolean;
  /** Case-insensitive substring match over name, email and notes, answered from an index. */
  searchLeads(search: string): Expression<SqlBool>;
  isUniqueViolation(error: unknown): boolean;
  close(): Promise<void>;
}

/** LIKE pattern for a literal substring, with `\` as the escape character. */
export const likeContains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
