import type { UpdateInput } from '@leadtrail/protocol';
import { EMPTY_BEHAVIOUR, unionPages } from '../behaviour.ts';
import type { ActionHandler } from '../context.ts';
import { notFound } from '../errors.ts';
import { applyLeadPatch, assertEmailFree } from '../lead-patch.ts';
import { publicLead } from '../public-lead.ts';
import { recomputeLeadBehaviour } from '../recompute.ts';

const BEHAVIOUR_FIELDS = ['pages_visited', 'time_spent', 'visit_count'] as const;

export const update: ActionHandler<UpdateInput> = async (tx, ctx, input, now) => {
  const { site_id: _, lead_id, pages_visited, time_spent, visit_count, ...fields } = input;
  const lead = await tx.getLead(ctx.siteId, lead_id, { lock: true });
  if (!lead) throw notFound();
  await assertEmailFree(tx, lead, fields.email);

  const behaviourGiven = BEHAVIOUR_FIELDS.some((k) => input[k] !== undefined);
  const own = lead.own_behaviour ?? EMPTY_BEHAVIOUR;
  const ownBehaviour = behaviourGiven
    ? {
        pages_visited: pages_visited === undefined ? own.pages_visited : unionPages(pages_visited ?? []),
        time_spent: time_spent === undefined ? own.time_spent : (time_spent ?? 0),
        visit_count: visit_count === undefined ? own.visit_count : (visit_count ?? 0),
      }
    : undefined;
  let updated = await applyLeadPatch(tx, lead, { ...fields, own_behaviour: ownBehaviour }, now);
  if (behaviourGiven) updated = await recomputeLeadBehaviour(tx, updated, now);
  return {
    status: 200,
    body: { success: true, lead: publicLead(updated) },
    notices:
      updated.status === lead.status
        ? []
        : [{ type: 'lead.status_changed', status_change: { from: lead.status, to: updated.status } }],
  };
};
