/** A new lead record, and the conflict a second lead with the same email is. */
import type { CreateInput } from '@leadtrail/protocol';
import type { BrowserFields, NewLead } from '../store/lead-store.ts';
import { unionPages } from './behaviour.ts';
import type { ActionContext } from './context.ts';
import { LeadsError } from './errors.ts';
import { uuidv7 } from './ids.ts';

export const duplicateLead = (leadId: string | null) =>
  new LeadsError(
    'duplicate_lead',
    'A lead with this email already exists on this site',
    leadId ? { lead_id: leadId } : {},
  );

/**
 * A new lead record from create's or identify's fields; behaviour given here is the lead's own contribution.
 * `browserFields` names the fields a browser wrote (see submissions.ts); null when the owner's caller made it.
 */
export function newLead(
  ctx: ActionContext,
  input: Omit<CreateInput, 'site_id' | 'event_id'>,
  now: string,
  browserFields: BrowserFields | null = null,
): NewLead {
  const { pages_visited, time_spent, visit_count, ...fields } = input;
  const hasBehaviour = pages_visited !== undefined || time_spent !== undefined || visit_count !== undefined;
  const own = hasBehaviour
    ? { pages_visited: unionPages(pages_visited ?? []), time_spent: time_spent ?? 0, visit_count: visit_count ?? 0 }
    : null;
  return {
    id: uuidv7(),
    site_id: ctx.siteId,
    user_id: fields.user_id ?? ctx.ownerUserId,
    name: fields.name,
    email: fields.email,
    phone: fields.phone ?? null,
    position: fields.position ?? null,
    company: fields.company ?? null,
    notes: fields.notes ?? null,
    status: fields.status ?? 'new',
    origin: fields.origin ?? null,
    source: fields.source ?? null,
    segment_id: fields.segment_id ?? null,
    campaign_id: fields.campaign_id ?? null,
    assignee_id: fields.assignee_id ?? null,
    lead_score: fields.lead_score ?? null,
    contact_info: fields.contact_info ?? null,
    company_info: fields.company_info ?? null,
    interest_level: fields.interest_level ?? null,
    product_interest: fields.product_interest ?? null,
    pages_visited: own?.pages_visited ?? [],
    time_spent: own?.time_spent ?? 0,
    visit_count: own?.visit_count ?? 0,
    own_behaviour: own,
    browser_fields: browserFields,
    created_at: now,
    status_changed_at: now,
  };
}

/** The name of a lead known only by its email: the address's local part. */
export const nameFromEmail = (email: string) => email.split('@')[0] || email;
