/** A lead as the store takes it (LeadStore.insertLead), for tests that write through the store directly. */
import type { NewLead } from '../../packages/collector/src/store/lead-store.ts';

/** A new lead of the site with an empty history; `fields` fill or replace any column. */
export const newLead = (siteId: string, fields: Partial<NewLead> = {}): NewLead => ({
  id: crypto.randomUUID(),
  site_id: siteId,
  user_id: null,
  name: fields.email ?? 'Test lead',
  email: null,
  phone: null,
  position: null,
  company: null,
  notes: null,
  status: 'new',
  origin: null,
  source: null,
  segment_id: null,
  campaign_id: null,
  assignee_id: null,
  lead_score: null,
  contact_info: null,
  company_info: null,
  interest_level: null,
  product_interest: null,
  pages_visited: [],
  time_spent: 0,
  visit_count: 0,
  own_behaviour: null,
  created_at: new Date().toISOString(),
  status_changed_at: null,
  ...fields,
});
