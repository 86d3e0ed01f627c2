/** Rows to records: one place that knows how each dialect hands back JSON and timestamps. */
import type { Behaviour, Lead, LeadEvent, StoredPage, Submission, TouchDetails, Visitor } from '@leadtrail/protocol';
import type { Selectable } from 'kysely';
import type { BrowserFields, DashboardSession, StoredLead } from '../lead-store.ts';
import type {
  DashboardSessionsTable,
  LeadEventsTable,
  LeadSubmissionsTable,
  LeadsTable,
  VisitorsTable,
} from './schema.ts';

export const decodeJson = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : value);
export const encodeJson = (value: unknown): string => JSON.stringify(value);
export const encodeNullableJson = (value: unknown): string | null => (value == null ? null : JSON.stringify(value));

export const toIso = (value: string | Date): string =>
  value instanceof Date ? value.toISOString() : new Date(value).toISOString();
const touchOf = (value: unknown) => (decodeJson(value) as TouchDetails | null) ?? null;

export const toIsoOrNull = (value: string | Date | null): string | null => (value == null ? null : toIso(value));

/** A lead's attribution from its two touches; its channel is the first touch's. */
export const attributionOf = (first: TouchDetails | null, latest: TouchDetails | null): Lead['attribution'] => ({
  first_touch: first,
  latest_touch: latest,
  channel: first?.channel ?? null,
});

export function rowToLead(row: Selectable<LeadsTable>): StoredLead {
  return {
    id: row.id,
    site_id: row.site_id,
    user_id: row.user_id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    position: row.position,
    company: row.company,
    notes: row.notes,
    status: row.status,
    origin: row.origin,
    source: row.source,
    segment_id: row.segment_id,
    campaign_id: row.campaign_id,
    assignee_id: row.assignee_id,
    lead_score: row.lead_score == null ? null : Number(row.lead_score),
    contact_info: decodeJson(row.contact_info) as Lead['contact_info'],
    company_info: decodeJson(row.company_info) as Lead['company_info'],
    interest_level: row.interest_level,
    product_interest: row.product_interest,
    pages_visited: decodeJson(row.pages_visited) as StoredPage[],
    time_spent: Number(row.time_spent),
    visit_count: Number(row.visit_count),
    created_at: toIso(row.created_at),
    updated_at: toIso(row.updated_at),
    status_changed_at: toIsoOrNull(row.status_changed_at),
    attribution: attributionOf(touchOf(row.first_touch), touchOf(row.latest_touch)),
    own_behaviour: decodeJson(row.own_behaviour) as Behaviour | null,
    browser_fields: decodeJson(row.browser_fields) as BrowserFields | null,
  };
}

export function rowToVisitor(row: Selectable<VisitorsTable>): Visitor {
  return {
    id: row.id,
    site_id: row.site_id,
    lead_id: row.lead_id,
    pages_visited: decodeJson(row.pages_visited) as StoredPage[],
    time_spent: Number(row.time_spent),
    visit_count: Number(row.visit_count),
    first_seen: toIso(row.first_seen),
    last_seen: toIso(row.last_seen),
    first_touch: touchOf(row.first_touch),
    latest_touch: touchOf(row.latest_touch),
  };
}

export function rowToEvent(row: Selectable<LeadEventsTable>): LeadEvent {
  const event: LeadEvent = { type: row.type, from: row.from_value, to: row.to_value, at: toIso(row.at) };
  if (row.changes) event.changes = JSON.parse(row.changes) as NonNullable<LeadEvent['changes']>;
  return event;
}

export function rowToSubmission(row: Selectable<LeadSubmissionsTable>): Submission {
  return {
    id: row.id,
    visitor_id: row.visitor_id,
    event_id: row.event_id,
    page: row.page,
    fields: decodeJson(row.fields) as Submission['fields'],
    applied: decodeJson(row.applied) as string[],
    at: toIso(row.at),
  };
}

export function rowToSession(row: Selectable<DashboardSessionsTable>): DashboardSession {
  return {
    id: row.id,
    site_id: row.site_id,
    method: row.method,
    ref: row.ref,
    nonce: row.nonce,
    created_at: toIso(row.created_at),
    expires_at: toIso(row.expires_at),
  };
}
