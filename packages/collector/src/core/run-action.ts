/**
 * The one core every front door calls: validate once with the protocol's schemas, apply the key's access policy,
 * run the action in a transaction, apply a submission carrying an event_id once only, and answer in the shape the
 * key may see.
 */
import { ACTIONS, ActionInputs, findForbiddenKey, type LeadsAction, validate } from '@leadtrail/protocol';
import { answerFor, checkAction, errorFor } from './access.ts';
import { create } from './actions/create.ts';
import { identify } from './actions/identify.ts';
import { list } from './actions/list.ts';
import { qualify } from './actions/qualify.ts';
import { update } from './actions/update.ts';
import type { ActionContext, ActionHandler, ActionResult } from './context.ts';
import { invalidInput, LeadsError } from './errors.ts';
import { inputProblem } from './input-guard.ts';

// biome-ignore lint/suspicious/noExplicitAny: each handler is paired with its own validated input below.
const HANDLERS: Record<LeadsAction, ActionHandler<any>> = { create, list, update, qualify, identify };

/** Free-form JSON object fields. */
const OBJECT_FIELDS = ['contact_info', 'company_info'] as const;

/** Thrown inside the transaction when a concurrent request already applied this event: roll back, replay. */
class AlreadyApplied extends Error {}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Runs one leads action. `input` is the untrusted body, with `action` in it. */
export async function runLeadsAction(ctx: ActionContext, input: unknown): Promise<ActionResult> {
  try {
    return await run(ctx, input);
  } catch (error) {
    throw errorFor(ctx.keyKind, error);
  }
}

async function run(ctx: ActionContext, input: unknown): Promise<ActionResult> {
  if (!isPlainObject(input)) throw invalidInput([{ path: '', message: 'must be a JSON object' }]);
  // Before anything walks the input recursively: bounded depth, text every store can hold.
  const problem = inputProblem(input);
  if (problem) throw invalidInput([problem]);
  const polluting = findForbiddenKey(input);
  if (polluting) throw invalidInput([{ path: polluting, message: 'is a reserved key and is not accepted' }]);
  const { action, ...rest } = input;
  if (typeof action !== 'string' || !(ACTIONS as readonly string[]).includes(action)) {
    throw invalidInput([{ path: 'action', message: `must be one of ${ACTIONS.join(', ')}` }]);
  }
  const name = action as LeadsAction;
  checkAction(ctx.keyKind, name, rest);
  // The protocol's record schema would take an array and store it as an object keyed "0", "1"...: refused instead.
  const arrays = OBJECT_FIELDS.filter((f) => Array.isArray(rest[f]));
  if (arrays.length) throw invalidInput(arrays.map((path) => ({ path, message: 'must be an object, received Array' })));
  const parsed = validate(ActionInputs[name], rest);
  if (!parsed.ok) throw invalidInput(parsed.issues);
  const value = parsed.value as { site_id?: string; event_id?: string };
  if (value.site_id !== undefined && value.site_id !== ctx.siteId) {
    throw new LeadsError('site_mismatch', 'site_id does not match the site of the API key', {
      issues: [{ path: 'site_id', message: 'does not match the site of the API key' }],
    });
  }

  const handler = HANDLERS[name];
  const now = (ctx.now ? ctx.now() : new Date()).toISOString();
  // A receipt may hold another caller's answer (the same event_id sent with a secret key): shaped again here.
  const answer = (result: ActionResult) => answerFor(ctx.keyKind, result, value);
  const eventId = value.event_id;
  if (!eventId) return answer(await ctx.store.transaction((tx) => handler(tx, ctx, value, now)));

  const prior = await ctx.store.getReceipt(ctx.siteId, eventId);
  if (prior) return answer(prior as ActionResult);
  try {
    return await ctx.store.transaction(async (tx) => {
      // The receipt keeps the answer as this caller may see it (an acknowledgement holds no lead).
      const result = answer(await handler(tx, ctx, value, now));
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
