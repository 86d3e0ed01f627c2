/**
 * identify: stitch a visitor (one browser) to a lead. The visitor keeps its largest totals and the union of its
 * pages, so replays change nothing; then, in order: the lead named by lead_id or already linked is updated; else
 * the lead with the email is linked; else a lead is created from the email; else only the visitor is stored.
 * An owner's caller (secret key) writes the fields it gives; a browser's (publishable key) fills under the rule of
 * submissions.ts.
 */
import { type Behaviour, type IdentifyInput, normalizeEmail, type Visitor } from '@leadtrail/protocol';
import { type LeadOps, type StoredLead, TransactionConflict } from '../../store/lead-store.ts';
import type { VisitorTouches } from '../../store/visitors.ts';
import { ACCESS } from '../access.ts';
import { withoutCampaign } from '../attribution/channel.ts';
import { leadAttribution, mergeTouches, NO_TOUCHES, originAndSource } from '../attribution/touches.ts';
import { EMPTY_BEHAVIOUR, mergeVisitorReport, sumBehaviour, unionPages } from '../behaviour.ts';
import type { ActionContext, ActionHandler } from '../context.ts';
import { notFound } from '../errors.ts';
import { type FormPair, mapForm } from '../form-fields.ts';
import { uuidv7 } from '../ids.ts';
import { applyLeadPatch, assertEmailFree, type Writer } from '../lead-patch.ts';
import { duplicateLead, nameFromEmail, newLead } from '../new-lead.ts';
import { publicLead } from '../public-lead.ts';
import { recomputeLeadBehaviour } from '../recompute.ts';
import {
  appendNotes,
  browserFieldsOfNewLead,
  recordSubmission,
  type SubmissionSource,
  type SubmittedFields,
  submissionPage,
  submitToLead,
  submittedFields,
} from '../submissions.ts';

/** A visitor this site has not seen: no lead, no behaviour yet. */
const freshVisitor = (ctx: ActionContext, id: string, now: string): Visitor => ({
  id,
  site_id: ctx.siteId,
  lead_id: null,
  pages_visited: [],
  time_spent: 0,
  visit_count: 0,
  first_seen: now,
  last_seen: now,
  ...NO_TOUCHES,
});

/** What this identify tells: the writer, the contact fields as sent, and where they came from. */
interface Telling {
  writer: Writer;
  fields: SubmittedFields;
  source: SubmissionSource;
}

/** The lead's own fields of an identify: not the ids, the behaviour or the touches (those are the visitor's). */
function leadFieldsOf(input: IdentifyInput) {
  const { site_id, event_id, visitor_id, lead_id, pages_visited, time_spent, visit_count, touches, ...fields } = input;
  return fields;
}

/** The linked lead, unless the browser now names another person (a shared device) by another email. */
async function linkedLead(tx: LeadOps, ctx: ActionContext, input: IdentifyInput, linkedLeadId: string) {
  const linked = await tx.getLead(ctx.siteId, linkedLeadId, { lock: true });
  const samePerson = !input.email || !linked?.email || normalizeEmail(linked.email) === normalizeEmail(input.email);
  return linked && samePerson ? linked : null;
}

/** The lead this identify is about, and whether it had to be created. */
async function resolveLead(
  tx: LeadOps,
  ctx: ActionContext,
  input: IdentifyInput,
  linkedLeadId: string | null,
  behaviour: Behaviour,
  touches: VisitorTouches,
  telling: Telling,
  now: string,
): Promise<{ lead: StoredLead | null; created: boolean }> {
  if (input.lead_id) {
    const lead = await tx.getLead(ctx.siteId, input.lead_id, { lock: true });
    if (!lead) throw notFound();
    await assertEmailFree(tx, lead, input.email);
    return { lead, created: false };
  }
  const linked = linkedLeadId ? await linkedLead(tx, ctx, input, linkedLeadId) : null;
  // The owner's caller may give a linked lead without an email this one (refused if another lead has it); a browser
  // naming an email that another lead has is that lead's person.
  if (linked && (telling.writer === 'owner' || !input.email || linked.email)) {
    if (telling.writer === 'owner') await assertEmailFree(tx, linked, input.email);
    return { lead: linked, created: false };
  }
  if (!input.email) return { lead: null, created: false };
  const existing = await tx.findLeadByEmail(ctx.siteId, input.email, { lock: true });
  if (existing) return { lead: existing, created: false };
  if (linked) return { lead: linked, created: false };

  const fields = leadFieldsOf(input);
  const attribution = leadAttribution([touches]);
  // The seed's origin and source from the first touch, unless given.
  const derived = originAndSource(attribution);
  const source = fields.source ?? derived?.source;
  const name = fields.name || nameFromEmail(input.email);
  const submissionId = uuidv7();
  const browserFields =
    telling.writer === 'browser'
      ? browserFieldsOfNewLead(telling.fields, telling.source, submissionId, !fields.name)
      : fields.name
        ? null
        : { name: null };
  // A new lead's only visitor is this one (no other request can see the lead before this transaction commits), so
  // its figures are this visitor's: written with the lead rather than recomputed from its visitors after.
  const inserted = await tx.insertLead({
    ...newLead(
      ctx,
      {
        ...fields,
        name,
        email: input.email,
        origin: fields.origin ?? derived?.origin ?? 'website',
        ...(source ? { source } : {}),
      },
      now,
      browserFields,
    ),
    ...sumBehaviour([EMPTY_BEHAVIOUR, behaviour]),
    attribution,
  });
  if (inserted) {
    if (telling.writer === 'browser') {
      await recordSubmission(
        tx,
        inserted,
        telling.fields,
        telling.source,
        Object.keys(telling.fields),
        now,
        submissionId,
      );
    }
    return { lead: inserted, created: true };
  }
  // Created by a concurrent identify between our look-up and insert: link to it.
  const raced = await tx.findLeadByEmail(ctx.siteId, input.email, { lock: true });
  if (!raced) throw duplicateLead(null);
  return { lead: raced, created: false };
}

/** Writes what an identify tells to a lead that already existed. */
async function tellLead(tx: LeadOps, lead: StoredLead, input: IdentifyInput, telling: Telling, now: string) {
  if (telling.writer === 'browser') return submitToLead(tx, lead, telling.fields, telling.source, now);
  const { status, notes, ...fields } = leadFieldsOf(input);
  // identify never changes an existing lead's status (qualify does), so a qualified lead is never reset to new.
  return applyLeadPatch(tx, lead, { ...fields, notes: appendNotes(lead.notes, notes) }, now);
}

/** The input with the contact fields of its submitted form, if it has one (fields given as such win). */
function withFormFields(given: IdentifyInput): { input: IdentifyInput; unmapped: FormPair[] } {
  if (!given.form) return { input: given, unmapped: [] };
  const { form, ...rest } = given;
  const mapped = mapForm(form);
  return { input: { ...mapped.fields, ...rest }, unmapped: mapped.unmapped };
}

export const identify: ActionHandler<IdentifyInput> = async (tx, ctx, given, now) => {
  const { input, unmapped } = withFormFields(given);
  const telling: Telling = {
    writer: ACCESS[ctx.keyKind].writes === 'fill-empty' ? 'browser' : 'owner',
    fields: submittedFields(input),
    source: {
      visitorId: input.visitor_id,
      eventId: input.event_id ?? null,
      page: submissionPage(input.pages_visited),
      unmapped,
    },
  };
  const known = await tx.getVisitor(ctx.siteId, input.visitor_id, { lock: true });
  const visitor = known ?? freshVisitor(ctx, input.visitor_id, now);
  const behaviour = mergeVisitorReport(visitor, {
    pages_visited: unionPages(
      (input.pages_visited ?? []).map((page) => ({ ...page, path: withoutCampaign(page.path) })),
    ),
    time_spent: input.time_spent ?? 0,
    visit_count: input.visit_count ?? 0,
  });
  const touches = mergeTouches(visitor, input.touches);
  const { lead: target, created } = await resolveLead(
    tx,
    ctx,
    input,
    visitor.lead_id,
    behaviour,
    touches,
    telling,
    now,
  );

  const leadId = target?.id ?? visitor.lead_id;
  const state = { ...behaviour, ...touches, lead_id: leadId, last_seen: now };
  // A new visitor is written once, complete. If a concurrent identify of the same browser stored it first, this
  // transaction reruns and takes the path of a known visitor (locked, merged).
  const savedVisitor = known
    ? await tx.updateVisitor(ctx.siteId, visitor.id, state)
    : await tx.insertVisitor({ ...visitor, ...state });
  if (!savedVisitor) throw new TransactionConflict('The visitor was stored by a concurrent request');

  if (visitor.lead_id && visitor.lead_id !== leadId) {
    // The browser moved to another person's lead: the previous lead loses its figures.
    const previous = await tx.getLead(ctx.siteId, visitor.lead_id, { lock: true });
    if (previous) await recomputeLeadBehaviour(tx, previous, now);
  }
  if (!target) return { status: 200, body: { success: true, lead: null, visitor: savedVisitor } };

  const event = { site_id: ctx.siteId, lead_id: target.id, from: null, at: now };
  const events = [
    ...(created ? [{ ...event, type: 'created' as const, to: target.status }] : []),
    ...(visitor.lead_id !== target.id ? [{ ...event, type: 'identified' as const, to: visitor.id }] : []),
  ];
  await tx.addEvent(...events);
  let lead = target;
  if (!created) {
    lead = await tellLead(tx, lead, input, telling, now);
    lead = await recomputeLeadBehaviour(tx, lead, now);
  }
  // The owner hears of a new lead, and of a browser's submission adding to one (not of a behaviour sync).
  const submitted = telling.writer === 'browser' && Object.keys(telling.fields).length > 0;
  const submission = { visitor_id: visitor.id, page: telling.source.page, fields: telling.fields };
  return {
    status: created ? 201 : 200,
    body: { success: true, lead: publicLead(lead), visitor: savedVisitor },
    notices: created ? [{ type: 'lead.created' }] : submitted ? [{ type: 'lead.submission', submission }] : [],
  };
};
