/** What every domain's SQL runs on: the database, or one transaction of it; and the helpers they share. */
import type { Kysely, Transaction } from 'kysely';
import type { SqlDialect } from './dialect.ts';
import type { Database } from './schema.ts';

export type Queryable = Kysely<Database> | Transaction<Database>;

/** Row locks for a read that a write in the same transaction depends on (SQLite serialises writers instead). */
export function lockable<Q extends { forUpdate(): Q }>(dialect: SqlDialect, query: Q, lock?: boolean): Q {
  return lock && dialect.rowLocks ? query.forUpdate() : query;
}

/** Ids given on the command line reach the store unvalidated; Postgres would refuse a non-UUID with an error. */
export { isUuid } from '@leadtrail/protocol';
