import type { UpdateInput } from '@leadtrail/protocol';
import { type LeadOps, type LeadPatch, publicLead, type StoredLead } from '../../store/lead-store.ts';
import { normalizeEmail } from '../../store/normalize.ts';
import { EMPTY_BEHAVIOUR, unionPages } from '../behaviour.ts';
import type { ActionHandler } from '../context.ts';
import { notFound } from '../errors.ts';
import { recomputeLeadBehaviour } from '../recompute.ts';
import { duplicateLead } from './create.ts';

const BEHAVIOUR_FIELDS = ['pages_visited', 'time_spent', 'visit_count'] as const;

/** Refuses an email that another lead of the site already has. */
export async function assertEmailFree(tx: LeadOps, lead: StoredLead, email: string | undefined) {
  if (email === undefined || (lead.email && normalizeEmail(lead.email) === normalizeEmail(email))) return;
  const other = await tx.findLeadByEmail(lead.site_id, email);
  if (other && other.id !== lead.id) throw duplicateLead(other.id);
}

/** Applies a patch of lead fields, recording status changes and edits in the lead's history. */
export async function applyLeadPatch(
  tx: LeadOps,
  lead: StoredLead,
  fields: Omit<LeadPatch, 'updated_at'>,
  now: string,
): Promise<StoredLead> {
  const patch: LeadPatch = { updated_at: now };
  const changed: string[] = [];
  for (const [key, value] of Object.entries(fields) as [keyof StoredLead, unknown][]) {
    if (value === undefined || JSON.stringify(value) === JSON.stringify(lead[key] ?? null)) continue;
    (patch as Record<string, unknown>)[key] = value;
    changed.push(key);
  }
  if (!changed.length) return lead;
  const statusChanged = patch.status !== undefined && patch.status !== lead.status;
  if (statusChanged) patch.status_changed_at = now;
  const updated = await tx.updateLead(lead.site_id, lead.id, patch);
  if (statusChanged) {
    await tx.addEvent({
      site_id: lead.site_id,
      lead_id: lead.id,
      type: 'status_changed',
      from: lead.status,
      to: updated.status,
      at: now,
    });
  }
  const edited = changed.filter((k) => k !== 'status' && k !== 'own_behaviour');
  if (edited.length) {
    await tx.addEvent({
      site_id: lead.site_id,
      lead_id: lead.id,
      type: 'updated',
      from: null,
      to: edited.join(','),
      at: now,
    });
  }
  return updated;
}

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
  return { status: 200, body: { success: true, lead: publicLead(updated) } };
};
