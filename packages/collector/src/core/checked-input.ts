/**
 * The core's entry check of an input, once, in order: the key's access policy (action and fields), the protocol's
 * schema, then the site (the key decides it; a different `site_id` is refused rather than obeyed).
 */
import { type LeadsAction, validate } from '@leadtrail/protocol';
import type * as v from 'valibot';
import { checkAction } from './access.ts';
import type { ActionContext } from './context.ts';
import { invalidInput, LeadsError } from './errors.ts';

/** Free-form JSON object fields. */
const OBJECT_FIELDS = ['contact_info', 'company_info'] as const;

export function checkedInput<S extends v.GenericSchema>(
  ctx: ActionContext,
  action: LeadsAction,
  schema: S,
  input: Record<string, unknown>,
): v.InferOutput<S> {
  checkAction(ctx.keyKind, action, input);
  // The protocol's record schema would take an array and store it as an object keyed "0", "1"...: refused instead.
  const arrays = OBJECT_FIELDS.filter((f) => Array.isArray(input[f]));
  if (arrays.length) throw invalidInput(arrays.map((path) => ({ path, message: 'must be an object, received Array' })));
  const parsed = validate(schema, input);
  if (!parsed.ok) throw invalidInput(parsed.issues);
  assertSameSite(ctx, (parsed.value as { site_id?: string }).site_id);
  return parsed.value;
}

/** A `site_id` in the input may repeat the caller's site, never name another (403 rather than obeyed). */
export function assertSameSite(ctx: ActionContext, siteId: string | undefined) {
  if (siteId !== undefined && siteId !== ctx.siteId) {
    throw new LeadsError('site_mismatch', 'site_id does not match the site of the API key', {
      issues: [{ path: 'site_id', message: 'does not match the site of the API key' }],
    });
  }
}
