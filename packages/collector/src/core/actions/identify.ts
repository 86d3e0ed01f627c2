/**
 * identify: stitch a visitor (one browser) to a lead. The visitor keeps its largest totals and the union of its
 * pages, so replays change nothing; then, in order: the lead named by lead_id or already linked is updated; else
 * the lead with the email is linked; else a lead is created from the email; else only the visitor is stored.
 */
import type { IdentifyInput, Visitor } from '@leadtrail/protocol';
import { type LeadOps, publicLead, type StoredLead, TransactionConflict } from '../../store/lead-store.ts';
import { normalizeEmail } from '../../store/normalize.ts';
import { type Behaviour, EMPTY_BEHAVIOUR, mergeVisitorReport, sumBehaviour, unionPages } from '../behaviour.ts';
import type { ActionContext, ActionHandler } from '../context.ts';
import { notFound } from '../errors.ts';
import { recomputeLeadBehaviour } from '../recompute.ts';
import { duplicateLead, newLead } from './create.ts';
import { applyLeadPatch, assertEmailFree } from './update.ts';

const MAX_NOTES = 20_000;

type LeadFieldsOf<I> = Omit<I, 'site_id' | 'event_id' | 'visitor_id' | 'lead_id' | keyof Behaviour>;

/** A new message is added to the notes, not written over them: a lead's earlier messages stay. */
function appendNotes(current: string | null, message: string | undefined): string | undefined {
  if (message === undefined || !message || current?.includes(message)) return undefined;
  const joined = current ? `${current}\n\n${message}` : message;
  return joined.length > MAX_NOTES ? joined.slice(joined.length - MAX_NOTES) : joined;
}

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
});

/** The lead this identify is about, and whether it had to be created. */
async function resolveLead(
  tx: LeadOps,
  ctx: ActionContext,
  input: IdentifyInput,
  linkedLeadId: string | null,
  behaviour: Behaviour,
  now: string,
): Promise<{ lead: StoredLead | null; created: boolean }> {
  if (input.lead_id) {
    const lead = await tx.getLead(ctx.siteId, input.lead_id, { lock: true });
    if (!lead) throw notFound();
    await assertEmailFree(tx, lead, input.email);
    return { lead, created: false };
  }
  if (linkedLeadId) {
    const linked = await tx.getLead(ctx.siteId, linkedLeadId, { lock: true });
    // A different email on a linked browser is another person (a shared device): it goes to that person's lead.
    const samePerson = !input.email || !linked?.email || normalizeEmail(linked.email) === normalizeEmail(input.email);
    if (linked && samePerson) {
      await assertEmailFree(tx, linked, input.email);
      return { lead: linked, created: false };
    }
  }
  if (!input.email) return { lead: null, created: false };
  const existing = await tx.findLeadByEmail(ctx.siteId, input.email, { lock: true });
  if (existing) return { lead: existing, created: false };

  const { site_id, event_id, visitor_id, lead_id, pages_visited, time_spent, visit_count, ...fields } = input;
  const name = fields.name || input.email.split('@')[0] || input.email;
  // A new lead's only visitor is this one (no other request can see the lead before this transaction commits), so
  // its figures are this visitor's: written with the lead rather than recomputed from its visitors after.
  const inserted = await tx.insertLead({
    ...newLead(ctx, { ...fields, name, email: input.email, origin: fields.origin ?? 'website' }, now),
    ...sumBehaviour([EMPTY_BEHAVIOUR, behaviour]),
  });
  // Its 'created' event is added with the 'identified' one, in one statement.
  if (inserted) return { lead: inserted, created: true };
  // Created by a concurrent identify between our look-up and insert: link to it.
  const raced = await tx.findLeadByEmail(ctx.siteId, input.email, { lock: true });
  if (!raced) throw duplicateLead(null);
  return { lead: raced, created: false };
}

export const identify: ActionHandler<IdentifyInput> = async (tx, ctx, input, now) => {
  const known = await tx.getVisitor(ctx.siteId, input.visitor_id, { lock: true });
  const visitor = known ?? freshVisitor(ctx, input.visitor_id, now);
  const behaviour = mergeVisitorReport(visitor, {
    pages_visited: unionPages(input.pages_visited ?? []),
    time_spent: input.time_spent ?? 0,
    visit_count: input.visit_count ?? 0,
  });
  const { lead: target, created } = await resolveLead(tx, ctx, input, visitor.lead_id, behaviour, now);

  const leadId = target?.id ?? visitor.lead_id;
  const state = { ...behaviour, lead_id: leadId, last_seen: now };
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
    const { site_id, event_id, visitor_id, lead_id, pages_visited, time_spent, visit_count, status, notes, ...fields } =
      input;
    // identify never changes an existing lead's status (qualify does), so a qualified lead is never reset to new.
    const patch: Partial<LeadFieldsOf<IdentifyInput>> = { ...fields, notes: appendNotes(lead.notes, notes) };
    lead = await applyLeadPatch(tx, lead, patch, now);
    lead = await recomputeLeadBehaviour(tx, lead, now);
  }
  return { status: created ? 201 : 200, body: { success: true, lead: publicLead(lead), visitor: savedVisitor } };
};
