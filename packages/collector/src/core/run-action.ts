/**
 * The one core every front door calls: validate once with the protocol's schemas, apply the key's access policy,
 * run the action in a transaction (one that only reads: with the store's reads), apply a submission carrying an
 * event_id once only, and answer in the shape the key may see.
 */
import { ACTIONS, ActionInputs, type Lead, type LeadsAction } from '@leadtrail/protocol';
import type { LeadOps } from '../store/lead-store.ts';
import { answerFor, errorFor } from './access.ts';
import { create } from './actions/create.ts';
import { identify } from './actions/identify.ts';
import { list } from './actions/list.ts';
import { qualify } from './actions/qualify.ts';
import { update } from './actions/update.ts';
import { checkedInput } from './checked-input.ts';
import type { ActionContext, ActionHandler, ActionResult } from './context.ts';
import { invalidInput } from './errors.ts';
import { guardedInput } from './input-guard.ts';
import { outboxEvents } from './outbox.ts';

// biome-ignore lint/suspicious/noExplicitAny: each handler is paired with its own validated input below.
const HANDLERS: Record<LeadsAction, ActionHandler<any>> = { create, list, update, qualify, identify };
/** The actions that write nothing: run with the store's reads (LeadStore.read), not in a transaction of their own. */
const READ_ONLY: ReadonlySet<LeadsAction> = new Set(['list']);

/** Thrown inside the transaction when a concurrent request already applied this event: roll back, replay. */
class AlreadyApplied extends Error {}

/** Runs one leads action. `input` is the untrusted body, with `action` in it. */
export async function runLeadsAction(ctx: ActionContext, input: unknown): Promise<ActionResult> {
  try {
    return await run(ctx, input);
  } catch (error) {
    throw errorFor(ctx.keyKind, error);
  }
}

async function run(ctx: ActionContext, input: unknown): Promise<ActionResult> {
  // Before anything walks the input recursively: bounded depth, no reserved keys, text every store can hold.
  const { action, ...rest } = guardedInput(input);
  if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) {
    throw invalidInput([{ path: 'action', message: `must be one of ${ACTIONS.join(', ')}` }]);
  }
  const name = action as LeadsAction;
  const value = checkedInput(ctx, name, ActionInputs[name], rest) as { visitor_id?: string; event_id?: string };

  const handler = HANDLERS[name];
  /** The action, and its notices written to the outbox in the same transaction. */
  const handled = async (tx: LeadOps) => {
    const { notices, ...result } = await handler(tx, ctx, value, now);
    const lead = result.body.lead as Lead | null | undefined;
    if (notices?.length && lead) await tx.addOutboxEvents(...outboxEvents(ctx.siteId, lead, notices, now));
    return result;
  };
  const now = (ctx.now ? ctx.now() : new Date()).toISOString();
  // A receipt may hold another caller's answer (the same event_id sent with a secret key): shaped again here.
  const answer = (result: ActionResult) => answerFor(ctx.keyKind, result, value);
  const eventId = value.event_id;
  if (READ_ONLY.has(name)) return answer(await ctx.store.read((ops) => handled(ops)));
  if (!eventId) return answer(await ctx.store.transaction((tx) => handled(tx)));

  const prior = await ctx.store.getReceipt(ctx.siteId, eventId);
  if (prior) return answer(prior as ActionResult);
  try {
    return await ctx.store.transaction(async (tx) => {
      // The receipt keeps the answer as this caller may see it (an acknowledgement holds no lead).
      const result = answer(await handled(tx));
      if (!(await tx.putReceipt(ctx.siteId, eventId, result, now))) throw new AlreadyApplied();
      return result;
    });
  } catch (error) {
    // A concurrent copy of this event may have won (we then failed on its effects, e.g. duplicate_lead): replay it.
    const applied = await ctx.store.getReceipt(ctx.siteId, eventId);
    if (!applied) throw error;
    return answer(applied as ActionResult);
  }
}
