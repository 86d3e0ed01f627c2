/**
 * The one storage interface, split by domain (leads, visitors, history, receipts, outbox, erasure, sites, settings,
 * sessions; each domain's types and operations in its own file, beside its SQL in sql/). The core runs every action
 * through it; SQLite and PostgreSQL implement it (one Kysely codebase, two dialects) and pass the same conformance
 * suite.
 */
import type { ErasureRows } from './erasure.ts';
import type { HistoryRows } from './history.ts';
import type { LeadRows } from './leads.ts';
import type { OutboxRows, WebhookRows } from './outbox.ts';
import type { ReceiptRows, ReceiptUpkeep } from './receipts.ts';
import type { SessionRows } from './sessions.ts';
import type { SettingsRows } from './settings.ts';
import type { SiteRows } from './sites.ts';
import type { VisitorRows } from './visitors.ts';

export type * from './erasure.ts';
export type * from './history.ts';
export * from './leads.ts';
export type * from './outbox.ts';
export type * from './receipts.ts';
export type * from './sessions.ts';
export type * from './settings.ts';
export type * from './sites.ts';
export type * from './visitors.ts';

/** Reads and writes of one unit of work; inside `transaction` they commit or roll back together. */
export interface LeadOps
  extends LeadRows,
    VisitorRows,
    HistoryRows,
    ReceiptRows,
    OutboxRows,
    WebhookRows,
    ErasureRows {}

export interface LeadStore extends LeadOps, ReceiptUpkeep, SiteRows, SettingsRows, SessionRows {
  readonly kind: 'sqlite' | 'postgres';
  /** Changes whenever sites or keys may have changed; null when the store cannot tell cheaply (look again). */
  configVersion(): string | null;
  /** Runs `fn` in a transaction; reruns it (a few times) when it throws TransactionConflict or loses a race. */
  transaction<T>(fn: (tx: LeadOps) => Promise<T>): Promise<T>;
  /**
   * Runs `fn`, which only reads, where the store serves reads best: on Postgres outside a transaction (each statement
   * sees committed data either way, and two round trips are saved), on SQLite inside one (the open group commit).
   */
  read<T>(fn: (ops: LeadOps) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  /** The newest migration the database has run, and the ones this code knows that it has not. */
  schemaState(): Promise<{ applied: string | null; pending: string[] }>;
  close(): Promise<void>;
}

/**
 * Thrown inside a transaction that found its premise changed by a concurrent one (a row it saw missing now exists):
 * the transaction is rolled back and run again, then seeing that row.
 */
export class TransactionConflict extends Error {}
