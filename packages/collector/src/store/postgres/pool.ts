/**
 * The pool Kysely gets: pg's, with two things added on its clients. Named statements for the hot queries, and word
 * of each committed write to sites, keys or origins (for config-listener.ts).
 *
 * Named statements: each connection parses a kept query once, then only binds and runs it.
 *
 * A query sent without a name is parsed and planned by Postgres on every call; a named one is parsed once per
 * connection (node-postgres remembers which it has sent). That is about 55 µs less per statement on this project's
 * machine (189 to 135 µs a round trip), and an identify runs about ten. Only the texts the store keeps (prepared.ts:
 * point look-ups and writes, whose plan does not depend on the values) are named: a search or a list keeps a plan
 * made for its own values.
 *
 * A named statement that reads rows fails with "cached plan must not change result type" once another collector's
 * migration changes a table it reads (`SELECT *` gets a column). Its text then gets a new name, so every connection
 * parses it again; a query outside a transaction is rerun at once, and a transaction is rerun as a whole (the
 * dialect counts the error as transient).
 */
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import { isConfigWrite } from './config-listener.ts';

/** The error of a named statement whose result type changed under it (SQLSTATE 0A000, feature_not_supported). */
export const isStalePlan = (error: unknown) =>
  typeof error === 'object' &&
  error !== null &&
  (error as { code?: unknown }).code === '0A000' &&
  /cached plan must not change result type/.test(String((error as { message?: unknown }).message));

/** Texts named at most: each stays parsed on every connection of the pool, for as long as the connection lives. */
const MOST_NAMED = 500;

export class NamedStatements {
  private readonly names = new Map<string, string>();
  private count = 0;

  /** Names this text from now on (the kept texts are few: one per query shape). */
  keep(text: string) {
    if (!this.names.has(text) && this.names.size < MOST_NAMED) this.names.set(text, `leadtrail_${++this.count}`);
  }

  nameOf(text: string): string | undefined {
    return this.names.get(text);
  }

  /** A new name for a text whose statement went stale: each connection parses it again under that name. */
  renew(text: string) {
    if (this.names.has(text)) this.names.set(text, `leadtrail_${++this.count}`);
  }
}

/**
 * The pool Kysely gets: pg's pool, whose clients send a kept text as a named statement, and call `configCommitted`
 * once a write to sites, keys or origins has committed. Transactions are told by the `begin` and `commit`/`rollback`
 * Kysely sends on the client.
 */
export function hotPathPool(
  pool: pg.Pool,
  statements: NamedStatements,
  configCommitted: () => void = () => {},
): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let inTransaction = false;
    let configWritten = false;
    const run = (text: string, values: unknown[]) => {
      const name = statements.nameOf(text);
      return client.query(name ? { name, text, values } : { text, values });
    };
    const runOnce = async (text: string, values: unknown[]) => {
      try {
        return await run(text, values);
      } catch (error) {
        if (!isStalePlan(error)) throw error;
        statements.renew(text);
        if (inTransaction) throw error;
        return run(text, values);
      }
    };
    const query = async (text: string, values: unknown[]) => {
      if (text === 'begin' || text.startsWith('start transaction')) inTransaction = true;
      const result = await runOnce(text, values).finally(() => {
        if (text === 'commit' || text === 'rollback') inTransaction = false;
      });
      if (isConfigWrite(text)) configWritten = true;
      if (configWritten && !inTransaction) {
        // Committed (by itself, or with its transaction); a rolled back one changed nothing, but counts the same.
        configWritten = false;
        configCommitted();
      }
      return result;
    };
    const release = (destroy?: boolean) => {
      inTransaction = false;
      configWritten = false;
      client.release(destroy);
    };
    // Kysely sends text and values (streaming, with a cursor, is not configured).
    return { query, release } as unknown as PostgresPoolClient;
  };
  return {
    async connect() {
      const client = await pool.connect();
      let found = wrapped.get(client);
      if (!found) {
        found = wrap(client);
        wrapped.set(client, found);
      }
      return found;
    },
    end: () => pool.end(),
  };
}
