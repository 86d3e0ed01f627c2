/**
 * What a browser may send. A publishable key is public (it is in every page's HTML), so a browser's input is a
 * narrower schema than the action's: contact fields and behaviour, never the owner's fields (status, score,
 * assignee...) and never a lead id. The collector's access policy refuses the rest by name; the tracker's payload
 * type is derived from these schemas.
 */
import * as v from 'valibot';
import { createEntries, identifyEntries } from './actions.ts';

/** The body field that carries a publishable key (a browser cannot set headers on a beacon). */
export const BROWSER_KEY_FIELD = 'key';
export const BROWSER_BODY_LIMIT = 32 * 1024;

/** The contact fields of a browser submission: what a form (or the page's `identify`) tells about a person. */
export const SUBMISSION_FIELDS = [
  'name',
  'email',
  'phone',
  'position',
  'company',
  'notes',
  'origin',
  'source',
  'contact_info',
  'company_info',
  'interest_level',
  'product_interest',
] as const;
export type SubmissionField = (typeof SUBMISSION_FIELDS)[number];

const pick = <T extends Record<string, unknown>, K extends keyof T>(entries: T, keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, entries[k]])) as Pick<T, K>;

/** identify from a browser: its visitor id, contact fields and the running totals of its behaviour. */
export const BrowserIdentifyInput = v.strictObject(
  pick(identifyEntries, [
    'site_id',
    'event_id',
    'visitor_id',
    ...SUBMISSION_FIELDS,
    'form',
    'pages_visited',
    'time_spent',
    'visit_count',
    'touches',
  ]),
);
/** create from a browser: contact fields only (behaviour needs a visitor: send it with identify). */
export const BrowserCreateInput = v.strictObject(pick(createEntries, ['site_id', 'event_id', ...SUBMISSION_FIELDS]));

export type BrowserIdentifyInput = v.InferOutput<typeof BrowserIdentifyInput>;
export type BrowserCreateInput = v.InferOutput<typeof BrowserCreateInput>;

/** The tracker's wire payload: a browser identify plus the publishable key, posted as text/plain JSON. */
export type TrackerPayload = BrowserIdentifyInput & { key: string; event_id: string };
