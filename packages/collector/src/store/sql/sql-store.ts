/**
 * The LeadStore in one Kysely codebase for both SQL dialects (after atproto's pds/src/db): the dialect object
 * supplies the connection, migrations, the search predicate and row locks; each domain's queries are written once,
 * in its own file (leads.ts, visitors.ts, history.ts, receipts.ts, outbox.ts, erasure.ts, sites.ts, settings.ts,
 * sessions.ts). This file opens the store, migrates it and runs transactions.
 */
import { Migrator, sql } from 'kysely';
import { type LeadOps, type LeadStore, TransactionConflict } from '../lead-store.ts';
import type { SqlDialect } from './dialect.ts';
import { SqlErasure } from './erasure.ts';
import { SqlHistory } from './history.ts';
import { SqlLeads } from './leads.ts';
import { SqlOutbox } from './outbox.ts';
import type { Queryable } from './queryable.ts';
import { SqlReceipts } from './receipts.ts';
import { appliedMigrations, assertKnownSchema } from './schema-version.ts';
import { SqlSessions } from './sessions.ts';
import { SqlSettings } from './settings.ts';
import { SqlSites } from './sites.ts';
import { SqlVisitors } from './visitors.ts';

/** Runs of a transaction that keeps losing races before the error is let through. */
const TRANSACTION_ATTEMPTS = 5;

/** The method names of each part's class, found once per class (a transaction combines its parts anew). */
const methodNames = new WeakMap<object, string[]>();
function methodsOf(proto: Record<string, unknown>): string[] {
  let names = methodNames.get(proto);
  if (!names) {
    names = Object.getOwnPropertyNames(proto).filter(
      (name) => name !== 'constructor' && typeof proto[name] === 'function',
    );
    methodNames.set(proto, names);
  }
  return names;
}

/** One object with the methods of each part, each bound to its part. */
function combine<T extends object>(...parts: object[]): T {
  const combined: Record<string, unknown> = {};
  for (const part of parts) {
    const proto = Object.getPrototypeOf(part) as Record<string, unknown>;
    for (const name of methodsOf(proto)) combined[name] = (proto[name] as (...args: unknown[]) => unknown).bind(part);
  }
  return combined as T;
}

/** The reads and writes of one unit of work, on the database or on one transaction. */
const unitOfWork = (db: Queryable, dialect: SqlDialect): LeadOps =>
  combine<LeadOps>(
    new SqlLeads(db, dialect),
    new SqlVisitors(db, dialect),
    new SqlHistory(db, dialect),
    new SqlReceipts(db, dialect),
    new SqlOutbox(db, dialect),
    new SqlErasure(db, dialect),
  );

/** A store on a dialect, after `SqlLeadStore.open`: the LeadStore, plus its migration for `leadtrail migrate`. */
export type SqlLeadStore = LeadStore & { readonly dialect: SqlDialect; migrate(): Promise<string[]> };

async function migrate(dialect: SqlDialect): Promise<string[]> {
  await assertKnownSchema(dialect);
  const migrator = new Migrator({
    db: dialect.db,
    provider: { getMigrations: async () => dialect.migrations },
    ...(dialect.migrationSchema ? { migrationTableSchema: dialect.migrationSchema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Runs fn in one transaction. On Postgres, a transaction that lost a race (deadlock 40P01, serialization failure
 * 40001) is rolled back and run again as a whole, a few times with jittered backoff; fn must therefore have no
 * effects outside the transaction (the actions have none). A TransactionConflict reruns it on either dialect.
 */
async function transaction<T>(dialect: SqlDialect, fn: (tx: LeadOps) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await dialect.db.transaction().execute((trx) => fn(unitOfWork(trx, dialect)));
    } catch (error) {
      const rerun = error instanceof TransactionConflict || dialect.isTransientConflict?.(error);
      if (attempt >= TRANSACTION_ATTEMPTS || !rerun) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
    }
  }
}

export const SqlLeadStore = {
  /** Opens the store and brings its schema up to date (a migration lock makes concurrent starts safe). */
  async open(dialect: SqlDialect): Promise<SqlLeadStore> {
    await migrate(dialect);
    dialect.afterMigrate?.();
    const { db } = dialect;
    const domains = combine<Omit<LeadStore, 'kind' | 'transaction' | 'ping' | 'close'>>(
      new SqlLeads(db, dialect),
      new SqlVisitors(db, dialect),
      new SqlHistory(db, dialect),
      new SqlReceipts(db, dialect),
      new SqlOutbox(db, dialect),
      new SqlErasure(db, dialect),
      new SqlSites(db, dialect),
      new SqlSettings(db),
      new SqlSessions(db),
    );
    return {
      ...domains,
      kind: dialect.name,
      configVersion: () => dialect.configVersion?.() ?? null,
      dialect,
      migrate: () => migrate(dialect),
      transaction: (fn) => transaction(dialect, fn),
      read: (fn) => (dialect.readsInTransaction ? transaction(dialect, fn) : fn(unitOfWork(db, dialect))),
      ping: async () => {
        await sql`select 1`.execute(db);
      },
      schemaState: async () => {
        const applied = await appliedMigrations(dialect);
        const pending = Object.keys(dialect.migrations).filter((name) => !applied.includes(name));
        return { applied: applied.at(-1) ?? null, pending: pending.sort() };
      },
      close: () => dialect.close(),
    };
  },
};
