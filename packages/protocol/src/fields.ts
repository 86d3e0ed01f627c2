/**
 * One valibot schema per parameter of the seed's table (the Makinari `leads` tool), with its description.
 * Action schemas pick from these, so a parameter's type, bounds and words are written once.
 */
import * as v from 'valibot';
import { LEAD_STATUSES, SORT_COLUMNS } from './constants.ts';
import { jsonObjectChecks } from './json-object.ts';

const text = (max: number, description: string) =>
  v.pipe(v.string(), v.trim(), v.maxLength(max, `must be at most ${max} characters`), v.description(description));

/** UUIDs compare case-insensitively: stored and matched in lower case on both stores. */
const uuid = (description: string) =>
  v.pipe(v.string(), v.trim(), v.uuid('must be a UUID'), v.toLowerCase(), v.description(description));

const int = (min: number, max: number, description: string) =>
  v.pipe(
    v.number('must be a number'),
    v.integer('must be an integer'),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
    v.description(description),
  );

export const MAX_PAGES = 500;
/** The longest notes a lead holds; appended form messages push the oldest text out past it. */
export const MAX_NOTES = 20_000;
/** A submitted form: at most this many fields, each described by at most this many characters of hints. */
export const MAX_FORM_FIELDS = 50;
export const MAX_FORM_HINTS = 500;

/** A page as the tracker records it; a bare string is taken as a path, for callers of the published tool. */
export const PageVisit = v.union([
  v.strictObject({
    path: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(2048)),
    title: v.optional(v.pipe(v.string(), v.maxLength(512))),
    at: v.optional(v.pipe(v.string(), v.isoTimestamp('must be an ISO 8601 timestamp'))),
  }),
  v.pipe(
    v.string(),
    v.minLength(1, 'must not be empty'),
    v.maxLength(2048),
    v.transform((path): { path: string; title?: string; at?: string } => ({ path })),
  ),
]);
export type PageVisit = v.InferOutput<typeof PageVisit>;

export const fields = {
  action: v.pipe(
    v.picklist(['create', 'list', 'update', 'qualify', 'identify']),
    v.description('Action to perform on leads. Enum: create, list, update, qualify, identify'),
  ),
  lead_id: uuid('Lead UUID'),
  name: v.pipe(text(200, 'Lead full name'), v.minLength(1, 'must not be empty')),
  email: v.pipe(
    v.string(),
    v.trim(),
    v.maxLength(254, 'must be at most 254 characters'),
    v.email('must be a valid email address'),
    v.description('Email address'),
  ),
  phone: text(64, 'Phone number'),
  position: text(200, 'Job title/position'),
  company: text(200, 'Company name'),
  notes: text(MAX_NOTES, 'Notes'),
  status: v.pipe(v.picklist(LEAD_STATUSES), v.description('new, contacted, qualified, converted, lost')),
  origin: text(100, 'Lead source (e.g. website, referral)'),
  segment_id: uuid('Segment UUID'),
  campaign_id: uuid('Campaign UUID'),
  assignee_id: uuid('Assignee user UUID'),
  site_id: uuid('Filter by site UUID'),
  user_id: uuid('Filter by user UUID'),
  search: v.pipe(
    v.string(),
    v.trim(),
    v.maxLength(200, 'must be at most 200 characters'),
    v.description('Text search in name, email, notes'),
  ),
  limit: int(1, 500, 'Max results (default 50)'),
  offset: int(0, 1_000_000_000, 'Pagination offset'),
  sort_by: v.pipe(
    v.picklist(SORT_COLUMNS, `must be one of ${SORT_COLUMNS.join(', ')}`),
    v.description('Field to sort by'),
  ),
  sort_order: v.pipe(v.picklist(['asc', 'desc'], 'must be asc or desc'), v.description('Sort order. Enum: asc, desc')),
  visitor_id: uuid('Visitor UUID'),
  lead_score: int(1, 100, 'Score 1-100'),
  source: text(100, 'Lead source'),
  contact_info: v.pipe(v.record(v.string(), v.unknown()), ...jsonObjectChecks, v.description('Contact details')),
  company_info: v.pipe(v.record(v.string(), v.unknown()), ...jsonObjectChecks, v.description('Company details')),
  interest_level: text(100, 'Interest level'),
  product_interest: text(500, 'Product interest'),
  pages_visited: v.pipe(
    v.array(PageVisit, 'must be an array of pages'),
    v.maxLength(MAX_PAGES, `must hold at most ${MAX_PAGES} pages`),
    v.description('Pages visited'),
  ),
  time_spent: int(0, 1_000_000_000, 'Time spent'),
  visit_count: int(0, 10_000_000, 'Visit count'),
  /** Not in the seed: an idempotency key, so a retried submission is applied once. */
  event_id: uuid('Idempotency key: a repeated request with the same event_id is applied once'),
  /** Not in the seed: a submitted form as the tracker read it, mapped to contact fields by the collector. */
  form: v.pipe(
    v.array(
      v.tuple([
        v.pipe(v.string(), v.maxLength(MAX_FORM_HINTS, `must be at most ${MAX_FORM_HINTS} characters`)),
        v.pipe(v.string(), v.maxLength(MAX_NOTES, `must be at most ${MAX_NOTES} characters`)),
      ]),
      'must be an array of [hints, value] pairs',
    ),
    v.maxLength(MAX_FORM_FIELDS, `must hold at most ${MAX_FORM_FIELDS} fields`),
    v.description(
      'A submitted form: each readable field as [hints, value], hints being its type, autocomplete, name, id, ' +
        'label, placeholder and aria-label joined by `|`. The collector maps them to name, email, phone, company, position and ' +
        'notes (in several languages) and keeps the fields it cannot map on the submission.',
    ),
  ),
} as const;
