/** What the API answers with: the lead, the visitor, the status history, and each action's response. */
import * as v from 'valibot';
import { CHANNELS, LEAD_STATUSES } from './constants.ts';

const nullableString = v.nullable(v.string());
const timestamp = v.pipe(v.string(), v.isoTimestamp());

export const StoredPage = v.object({
  path: v.string(),
  title: v.optional(v.string()),
  at: v.optional(v.string()),
});
export type StoredPage = v.InferOutput<typeof StoredPage>;

/**
 * A touch as the collector stores it: the landing page (path and query, without utm_* parameters and click ids),
 * the referrer (origin and path; null when none or the same site), the campaign's utm_* values, the click id, the
 * channel it falls in and a short source name (utm_source, else the click id's platform, else the referrer's host).
 */
export const TouchDetails = v.object({
  landing_page: v.string(),
  referrer: nullableString,
  referrer_host: nullableString,
  utm_source: nullableString,
  utm_medium: nullableString,
  utm_campaign: nullableString,
  utm_term: nullableString,
  utm_content: nullableString,
  click_id_kind: nullableString,
  click_id: nullableString,
  channel: v.picklist(CHANNELS),
  source: nullableString,
  at: v.string(),
});
export type TouchDetails = v.InferOutput<typeof TouchDetails>;

/**
 * Where a lead came from: the first touch of its earliest visitor, the newest touch with a source of any of its
 * visitors (the first touch when none came with a source), and the first touch's channel (null with no touch).
 */
export const Attribution = v.object({
  first_touch: v.nullable(TouchDetails),
  latest_touch: v.nullable(TouchDetails),
  channel: v.nullable(v.picklist(CHANNELS)),
});
export type Attribution = v.InferOutput<typeof Attribution>;

/** Behaviour figures: the pages read, active seconds, visits (a visitor's, or summed over a lead's visitors). */
export const Behaviour = v.object({
  pages_visited: v.array(StoredPage),
  time_spent: v.number(),
  visit_count: v.number(),
});
export type Behaviour = v.InferOutput<typeof Behaviour>;

export const Lead = v.object({
  id: v.string(),
  site_id: v.string(),
  user_id: nullableString,
  name: v.string(),
  email: nullableString,
  phone: nullableString,
  position: nullableString,
  company: nullableString,
  notes: nullableString,
  status: v.picklist(LEAD_STATUSES),
  origin: nullableString,
  source: nullableString,
  segment_id: nullableString,
  campaign_id: nullableString,
  assignee_id: nullableString,
  lead_score: v.nullable(v.number()),
  contact_info: v.nullable(v.record(v.string(), v.unknown())),
  company_info: v.nullable(v.record(v.string(), v.unknown())),
  interest_level: nullableString,
  product_interest: nullableString,
  pages_visited: v.array(StoredPage),
  time_spent: v.number(),
  visit_count: v.number(),
  created_at: timestamp,
  updated_at: timestamp,
  status_changed_at: v.nullable(timestamp),
  attribution: Attribution,
});
export type Lead = v.InferOutput<typeof Lead>;

export const Visitor = v.object({
  id: v.string(),
  site_id: v.string(),
  lead_id: nullableString,
  pages_visited: v.array(StoredPage),
  time_spent: v.number(),
  visit_count: v.number(),
  first_seen: timestamp,
  last_seen: timestamp,
  first_touch: v.nullable(TouchDetails),
  latest_touch: v.nullable(TouchDetails),
});
export type Visitor = v.InferOutput<typeof Visitor>;

export const LEAD_EVENT_TYPES = ['created', 'updated', 'status_changed', 'identified'] as const;
export const LeadEvent = v.object({
  type: v.picklist(LEAD_EVENT_TYPES),
  from: nullableString,
  to: nullableString,
  at: timestamp,
  /**
   * On an `updated` event that changed contact fields (name, email, phone, company, position): each one's value
   * before and after, so the history keeps what an edit replaced. Beyond the seed.
   */
  changes: v.optional(v.record(v.string(), v.object({ from: nullableString, to: nullableString }))),
});
export type LeadEvent = v.InferOutput<typeof LeadEvent>;

/**
 * A browser submission as it arrived (a form, or the page's `identify`, with a publishable key): the contact fields
 * as sent, the page it came from (the newest page of its history), and which of those fields it filled on the lead
 * (a browser fills empty fields and its own earlier ones, never the owner's).
 */
export const Submission = v.object({
  id: v.string(),
  visitor_id: nullableString,
  event_id: nullableString,
  page: nullableString,
  fields: v.record(v.string(), v.unknown()),
  applied: v.array(v.string()),
  at: timestamp,
});
export type Submission = v.InferOutput<typeof Submission>;

export const Pagination = v.object({
  total: v.number(),
  count: v.number(),
  offset: v.number(),
  limit: v.number(),
  has_more: v.boolean(),
});
export type Pagination = v.InferOutput<typeof Pagination>;

export const CreateResponse = v.object({ success: v.literal(true), lead: Lead });
export const UpdateResponse = CreateResponse;
export const ListResponse = v.object({
  success: v.literal(true),
  data: v.object({ leads: v.array(Lead), pagination: Pagination }),
});
/**
 * list with `lead_id`: the published shape plus the lead's visitors (devices), status history and browser
 * submissions (newest first, at most MAX_SUBMISSIONS_SHOWN).
 */
export const GetOneResponse = v.object({
  success: v.literal(true),
  data: v.object({
    lead: Lead,
    pagination: v.null(),
    visitors: v.array(Visitor),
    events: v.array(LeadEvent),
    submissions: v.array(Submission),
  }),
});
export const MAX_SUBMISSIONS_SHOWN = 100;
export const QualifyResponse = v.object({
  success: v.literal(true),
  message: v.string(),
  lead: Lead,
  status_changed: v.boolean(),
  status_change: v.optional(v.object({ from: v.picklist(LEAD_STATUSES), to: v.picklist(LEAD_STATUSES), timestamp })),
});
export const IdentifyResponse = v.object({ success: v.literal(true), lead: v.nullable(Lead), visitor: Visitor });
/**
 * What a publishable key gets back from identify or create, whatever is stored: only what the caller sent itself.
 * An existing email and a new one answer alike (202, this shape).
 */
export const Acknowledgement = v.object({
  success: v.literal(true),
  visitor_id: v.optional(v.string()),
  event_id: v.optional(v.string()),
});
export type Acknowledgement = v.InferOutput<typeof Acknowledgement>;

export type CreateResponse = v.InferOutput<typeof CreateResponse>;
export type UpdateResponse = v.InferOutput<typeof UpdateResponse>;
export type ListResponse = v.InferOutput<typeof ListResponse>;
export type GetOneResponse = v.InferOutput<typeof GetOneResponse>;
export type QualifyResponse = v.InferOutput<typeof QualifyResponse>;
export type IdentifyResponse = v.InferOutput<typeof IdentifyResponse>;
