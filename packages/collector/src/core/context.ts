import type { KeyKind, LeadOps, LeadStore, Site } from '../store/lead-store.ts';
import type { Notice } from './outbox.ts';

/** Who is calling and against what: the key decides the site; nothing in the input can widen it. */
export interface ActionContext {
  store: LeadStore;
  siteId: string;
  /** The site owner's user id: the default `user_id` of new leads. */
  ownerUserId: string;
  keyKind: KeyKind;
  /** Current time; injectable so tests can move the clock. */
  now?: () => Date;
}

/** What an action answers: the HTTP status REST uses, and the body every front door returns. */
export interface ActionResult {
  status: 200 | 201 | 202;
  body: Record<string, unknown> & { success: true };
  /** Events for the owner's notifications about the answer's lead, written to the outbox in this transaction. */
  notices?: Notice[];
}

/** An action's handler: runs inside one transaction, with the validated input and one timestamp. */
export type ActionHandler<I> = (tx: LeadOps, ctx: ActionContext, input: I, now: string) => Promise<ActionResult>;

/**
 * The context of an authenticated caller: the site its key (or the owner's session) belongs to and the kind of key.
 * Every front door builds its context here; the dashboard and the CLI act with the owner's (secret) rights.
 */
export function contextFor(store: LeadStore, site: Site, keyKind: KeyKind, now?: () => Date): ActionContext {
  return { store, siteId: site.id, ownerUserId: site.owner_user_id, keyKind, ...(now ? { now } : {}) };
}
