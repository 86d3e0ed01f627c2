/**
 * Browser submissions: contact fields that arrive with a publishable key. Anyone holding that key (it is in every
 * page) could send them, so they never overwrite what the owner knows. A submission fills a lead's empty fields, and
 * fields the same visitor (browser) filled before, so a visitor can correct a typo; a value the owner, a secret-key
 * caller or another visitor set stays. A form message is added to the notes. Every submission is kept as sent,
 * with its page and time, for the owner to see and adopt.
 *
 * Who wrote each field is kept on the lead (`browser_fields`: field -> the visitor id that filled it). A field not
 * named there is the owner's once it has a value. A name made up from the email's local part is named with null: a
 * placeholder any browser may replace with a real name.
 */
import { MAX_NOTES, type PageVisit, SUBMISSION_FIELDS, type SubmissionField } from '@leadtrail/protocol';
import {
  type BrowserFields,
  DuplicateEmailError,
  type LeadOps,
  type StoredLead,
  TransactionConflict,
} from '../store/lead-store.ts';
import { uuidv7 } from './ids.ts';
import { applyLeadPatch } from './lead-patch.ts';

export type SubmittedFields = Partial<Record<SubmissionField, unknown>>;

/** Where a submission came from. */
export interface SubmissionSource {
  /** The browser's visitor id; null for a browser create, which has none. */
  visitorId: string | null;
  eventId: string | null;
  /** The page it was sent from. */
  page: string | null;
  /** The fields of a submitted form that map to no contact field, as sent (kept for the owner to read). */
  unmapped?: readonly (readonly [string, string])[];
}

/** A new message is added to the notes, not written over them: a lead's earlier messages stay. */
export function appendNotes(current: string | null, message: string | undefined): string | undefined {
  if (message === undefined || !message || current?.includes(message)) return undefined;
  const joined = current ? `${current}\n\n${message}` : message;
  return joined.length > MAX_NOTES ? joined.slice(joined.length - MAX_NOTES) : joined;
}

/** The contact fields of a (validated) input, as sent. */
export function submittedFields(input: object): SubmittedFields {
  const record = input as Record<string, unknown>;
  return Object.fromEntries(SUBMISSION_FIELDS.filter((f) => record[f] !== undefined).map((f) => [f, record[f]]));
}

/** The page a submission was sent from: the newest page of the history sent with it. */
export function submissionPage(pages: readonly PageVisit[] | undefined): string | null {
  let newest: PageVisit | undefined;
  for (const page of pages ?? []) if (!newest || (page.at ?? '') >= (newest.at ?? '')) newest = page;
  return newest?.path ?? null;
}

const isEmpty = (value: unknown) =>
  value === null ||
  value === undefined ||
  value === '' ||
  (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0);

/** Who may replace what a submission fills: its visitor, or (without one) nobody but the owner. */
const writerOf = (source: SubmissionSource, submissionId: string) => source.visitorId ?? submissionId;

/** The browser fields of a lead made by a submission: every field it sent is its own (a made-up name, anyone's). */
export function browserFieldsOfNewLead(
  fields: SubmittedFields,
  source: SubmissionSource,
  submissionId: string,
  nameMadeUp: boolean,
): BrowserFields {
  const writer = writerOf(source, submissionId);
  const written: BrowserFields = Object.fromEntries(Object.keys(fields).map((f) => [f, writer]));
  if (nameMadeUp) written.name = null;
  return written;
}

/** The part of a submission this browser may write on the lead, and the lead's browser fields after it. */
function browserPatch(lead: StoredLead, fields: SubmittedFields, writer: string) {
  const patch: Record<string, unknown> = {};
  const written: BrowserFields = { ...(lead.browser_fields ?? {}) };
  for (const field of SUBMISSION_FIELDS) {
    const value = fields[field];
    if (value === undefined || field === 'notes') continue;
    const filledBy = lead.browser_fields && field in lead.browser_fields ? lead.browser_fields[field] : undefined;
    const mayReplace = filledBy === null || filledBy === writer;
    if (!isEmpty(lead[field]) && !mayReplace) continue;
    patch[field] = value;
    written[field] = writer;
  }
  const notes = appendNotes(lead.notes, fields.notes as string | undefined);
  if (notes !== undefined) patch.notes = notes;
  return { patch, written: Object.keys(written).length ? written : null };
}

/** Keeps the submission on the lead, as sent, with the fields it filled. */
export async function recordSubmission(
  tx: LeadOps,
  lead: StoredLead,
  fields: SubmittedFields,
  source: SubmissionSource,
  applied: string[],
  now: string,
  id: string = uuidv7(),
) {
  if (!Object.keys(fields).length) return;
  await tx.addSubmission({
    id,
    site_id: lead.site_id,
    lead_id: lead.id,
    visitor_id: source.visitorId,
    event_id: source.eventId,
    page: source.page,
    fields: source.unmapped?.length ? { ...fields, form: source.unmapped } : fields,
    applied,
    at: now,
  });
}

/** Applies a browser submission to an existing lead under the rule above, and keeps it. */
export async function submitToLead(
  tx: LeadOps,
  lead: StoredLead,
  fields: SubmittedFields,
  source: SubmissionSource,
  now: string,
): Promise<StoredLead> {
  if (!Object.keys(fields).length) return lead;
  const id = uuidv7();
  const { patch, written } = browserPatch(lead, fields, writerOf(source, id));
  const applied = Object.keys(patch).filter(
    (f) => JSON.stringify(patch[f]) !== JSON.stringify(lead[f as keyof StoredLead] ?? null),
  );
  let updated: StoredLead;
  try {
    updated = await applyLeadPatch(tx, lead, { ...patch, browser_fields: written }, now, 'browser');
  } catch (error) {
    // Filling an empty email that a concurrent request gave another lead meanwhile: rerun, and find that lead.
    if (error instanceof DuplicateEmailError) throw new TransactionConflict('The email was taken meanwhile');
    throw error;
  }
  await recordSubmission(tx, updated, fields, source, applied, now, id);
  return updated;
}
