/**
 * One valibot schema per parameter of the seed's table (the Makinari `leads` tool), with its description.
 * Action schemas pick from these, so a parameter's type, bounds and words are written once.
 */
import * as v from 'valibot';
import { CHANNELS, LEAD_STATUSES, SORT_COLUMNS, TOUCH_KINDS } from './constants.ts';
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

/** Cut to `max` characters: what a browser read off a page is kept in part rather than losing the submission. */
const cut = (max: number) => v.transform((text: string) => text.slice(0, max));

const isoTimestamp = v.pipe(v.string(), v.isoTimestamp('must be an ISO 8601 timestamp'));

/** A date and time with its offset: `2026-03-01T00:00:00Z`, `2026-03-01T05:30+05:30` (seconds and fraction optional). */
const INSTANT = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d\d):?(\d\d))$/i;

/**
 * The instant `text` names, as stored timestamps are written (UTC, milliseconds: `2026-02-28T18:30:00.000Z`), so
 * it compares with them as text too; null when it is no real date and time (a 30 February, a 24:00) or falls outside
 * the years 0000 to 9999.
 */
export function instantOf(text: string): string | null {
  const m = INSTANT.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((part) => Number(part ?? 0)) as number[];
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offset = m[8] ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  if (hour! > 23 || minute! > 59 || second! > 59 || Number(m[11] ?? 0) > 59) return null;
  const date = new Date(0);
  date.setUTCFullYear(year!, month! - 1, day);
  // The calendar moves a 30 February on to 2 March: a date that does not come back as written does not exist.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month! - 1 || date.getUTCDate() !== day) return null;
  date.setUTCHours(hour!, minute! - offset, second, millis);
  const at = date.getUTCFullYear();
  return at >= 0 && at <= 9999 ? date.toISOString() : null;
}

const INSTANT_MESSAGE = 'must be an ISO 8601 date and time with its offset, e.g. 2026-03-01T00:00:00Z';
/** A filter's bound in time; kept as UTC text (instantOf). */
const instant = (description: string) =>
  v.pipe(
    v.string('must be a string'),
    v.trim(),
    v.check((text) => instantOf(text) !== null, INSTANT_MESSAGE),
    v.transform((text) => instantOf(text)!),
    v.description(description),
  );

/** A URL's path and query (no hash); anything that is not an absolute URL is taken as a path already. */
export const pathOf = (value: string) => {
  const text = value.trim();
  if (!/^[a-z][a-z\d+.-]*:\/\//i.test(text)) return text;
  try {
    const url = new URL(text);
    return url.pathname + url.search;
  } catch {
    return text;
  }
};

// Cut rather than refused: a page's address and title are the site's, and a lead is not lost to a long one.
const pageTitle = v.optional(v.pipe(v.string('must be a string'), cut(512)));
const pagePath = v.pipe(v.string('must be a string'), cut(2048), v.minLength(1, 'must not be empty'));

/**
 * A page visited, as the tracker records it ({path, title, at}); for callers of the published tool also a path
 * string, a full URL string or {url, title, at} (a URL keeps its path and query). A page that is none of them is
 * refused with one message that says all that is accepted.
 */
export const PageVisit = v.union(
  [
    v.strictObject({ path: pagePath, title: pageTitle, at: v.optional(isoTimestamp) }),
    v.pipe(
      v.strictObject({ url: pagePath, title: pageTitle, at: v.optional(isoTimestamp) }),
      v.transform(({ url, ...rest }) => ({ ...rest, path: pathOf(url) })),
    ),
    v.pipe(
      pagePath,
      v.transform((path): { path: string; title?: string; at?: string } => ({ path: pathOf(path) })),
    ),
  ],
  'must be a path, a URL, or an object {path, title, at} ({url, title, at} also accepted)',
);
export type PageVisit = v.InferOutput<typeof PageVisit>;

export const MAX_TOUCHES = 20;
/** How a visit arrived: the landing page, the page before it on another site, and when. */
export const TouchInput = v.strictObject({
  url: v.pipe(
    v.string('must be a string'),
    v.trim(),
    cut(2048),
    v.minLength(1, 'must not be empty'),
    v.description('The landing page: a full URL (utm_* parameters and click ids included), or a path with its query'),
  ),
  referrer: v.optional(
    v.pipe(
      v.string('must be a string'),
      v.trim(),
      cut(2048),
      v.description('The page the visitor came from (origin and path); empty or absent for none'),
    ),
  ),
  at: isoTimestamp,
});
export type TouchInput = v.InferOutput<typeof TouchInput>;

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
    v.description('Text search in name, email, notes and company (company: beyond the seed)'),
  ),
  /** Not in the seed: a period of creation, from inclusive to exclusive. */
  created_from: instant(
    'Created at or after this instant: ISO 8601 with its offset (2026-03-01T00:00:00Z, 2026-03-01T00:00:00+05:30)',
  ),
  created_to: instant('Created before this instant (exclusive): ISO 8601 with its offset; not before created_from'),
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
    v.unknown(),
    // The published tool's MCP schema declares one comma-separated string of paths; its callers send that.
    v.transform((pages) =>
      typeof pages === 'string'
        ? pages
            .split(',')
            .map((path) => path.trim())
            .filter(Boolean)
        : pages,
    ),
    v.array(PageVisit, 'must be an array of pages (paths, URLs or {path, title, at}) or one comma-separated string'),
    v.maxLength(MAX_PAGES, `must hold at most ${MAX_PAGES} pages`),
    v.description('Pages visited'),
  ),
  time_spent: int(0, 1_000_000_000, 'Time spent'),
  /** Not in the seed: how the visitor arrived (the tracker sends its first and its latest touch with a source). */
  touches: v.pipe(
    v.array(TouchInput, 'must be an array of touches {url, referrer, at}'),
    v.maxLength(MAX_TOUCHES, `must hold at most ${MAX_TOUCHES} touches`),
    v.description(
      "How the visitor arrived, one touch per visit that came with a source: {url, referrer, at}. The collector keeps the earliest as the visitor's first touch and the newest with a source as its latest, and classifies each into a channel.",
    ),
  ),
  channel: v.pipe(v.picklist(CHANNELS, `must be one of ${CHANNELS.join(', ')}`), v.description('Marketing channel')),
  utm_source: text(200, 'utm_source of the touch'),
  utm_medium: text(200, 'utm_medium of the touch'),
  utm_campaign: text(200, 'utm_campaign of the touch'),
  referrer_host: text(253, "Referrer's host (without www.)"),
  touch: v.pipe(
    v.picklist(TOUCH_KINDS, 'must be first or latest'),
    v.description("Which touch the attribution filters look at: the lead's first (default) or its latest"),
  ),
  visit_count: int(0, 10_000_000, 'Visit count'),
  /** Not in the seed: an idempotency key, so a retried submission is applied once. */
  event_id: uuid('Idempotency key: a repeated request with the same event_id is applied once'),
  /** Not in the seed: a submitted form as the tracker read it, mapped to contact fields by the collector. */
  form: v.pipe(
    v.array(
      v.tuple([
        // Hints (a field's label among them) are cut: a long label must not lose the form.
        v.pipe(v.string(), cut(MAX_FORM_HINTS)),
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
