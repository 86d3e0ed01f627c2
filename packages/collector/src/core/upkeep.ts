/** Upkeep of what the core keeps only for a while, and the store's health. */
import type { LeadStore } from '../store/lead-store.ts';

/** How long a submission's event_id is remembered: a browser retries within hours, not weeks. */
export const RECEIPT_DAYS = 7;

/** Forgets receipts older than RECEIPT_DAYS; returns how many. */
export const forgetOldReceipts = (store: LeadStore, nowMs = Date.now()) =>
  store.pruneReceipts(new Date(nowMs - RECEIPT_DAYS * 86_400_000).toISOString());

/** How long the outbox keeps a sent (or given up) event: the dashboard's delivery log reaches this far back. */
export const OUTBOX_DAYS = 7;

/** Forgets outbox events older than OUTBOX_DAYS with nothing left to send; returns how many. */
export const forgetOldOutbox = (store: LeadStore, nowMs = Date.now()) =>
  store.pruneOutbox(new Date(nowMs - OUTBOX_DAYS * 86_400_000).toISOString());

/** Whether the collector can serve: the store answers and has run every migration this collector knows. */
export async function storeReadiness(store: LeadStore) {
  try {
    const { applied, pending } = await store.schemaState();
    const base = { store: store.kind, schema: applied, pending };
    return pending.length
      ? { ...base, ready: false as const, reason: 'The database schema is not up to date: run leadtrail migrate' }
      : { ...base, ready: true as const };
  } catch (error) {
    // The kind of failure only: a driver's message may quote the connection string.
    return {
      ready: false as const,
      store: store.kind,
      reason: `The store does not answer (${(error as Error)?.name})`,
    };
  }
}

/** Whether the store answers: throws when it does not. */
export async function storeHealth(store: LeadStore) {
  await store.ping();
  return { ok: true as const, store: store.kind };
}
