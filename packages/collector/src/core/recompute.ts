/**
 * A lead's figures kept in line with its visitors: behaviour (its own contribution plus all its visitors') and
 * attribution (their touches rolled up). The seed's origin and source are filled from the first touch when empty;
 * a value anyone set, the collector included, stays (the attribution is the live answer).
 */
import type { LeadOps, LeadPatch, StoredLead } from '../store/lead-store.ts';
import { leadAttribution, originAndSource, sameAttribution } from './attribution/touches.ts';
import { EMPTY_BEHAVIOUR, sumBehaviour } from './behaviour.ts';

export async function recomputeLeadBehaviour(tx: LeadOps, lead: StoredLead, now: string): Promise<StoredLead> {
  const visitors = await tx.listLeadVisitors(lead.site_id, lead.id);
  const totals = sumBehaviour([lead.own_behaviour ?? EMPTY_BEHAVIOUR, ...visitors]);
  const attribution = leadAttribution(visitors);
  const derived = originAndSource(attribution);
  const behaviourChanged =
    totals.time_spent !== lead.time_spent ||
    totals.visit_count !== lead.visit_count ||
    JSON.stringify(totals.pages_visited) !== JSON.stringify(lead.pages_visited);
  const patch: Omit<LeadPatch, 'updated_at'> = {
    ...(behaviourChanged ? totals : {}),
    ...(sameAttribution(attribution, lead.attribution) ? {} : { attribution }),
    ...(derived && lead.origin == null ? { origin: derived.origin } : {}),
    ...(derived && lead.source == null ? { source: derived.source } : {}),
  };
  return Object.keys(patch).length ? tx.updateLead(lead.site_id, lead.id, { ...patch, updated_at: now }) : lead;
}
