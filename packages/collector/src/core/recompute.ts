import type { LeadOps, StoredLead } from '../store/lead-store.ts';
import { EMPTY_BEHAVIOUR, sumBehaviour } from './behaviour.ts';

/** Brings a lead's behaviour figures in line with its own contribution plus all its visitors'. */
export async function recomputeLeadBehaviour(tx: LeadOps, lead: StoredLead, now: string): Promise<StoredLead> {
  const visitors = await tx.listLeadVisitors(lead.site_id, lead.id);
  const totals = sumBehaviour([lead.own_behaviour ?? EMPTY_BEHAVIOUR, ...visitors]);
  const unchanged =
    totals.time_spent === lead.time_spent &&
    totals.visit_count === lead.visit_count &&
    JSON.stringify(totals.pages_visited) === JSON.stringify(lead.pages_visited);
  return unchanged ? lead : tx.updateLead(lead.site_id, lead.id, { ...totals, updated_at: now });
}
