/**
 * identify: stitch a visitor (one browser) to a lead. The visitor keeps its largest totals and the union of its
 * pages, so replays change nothing; then, in order: the lead named by lead_id or already linked is updated; else
 * the lead with the email is linked; else a lead is created from the email; else only the visitor is stored.
 */
import type { IdentifyInput } from '@leadtrail/protocol';
import { type LeadOps, publicLead, type StoredLead } from '../../store/lead-store.ts';
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

async function visitorFor(tx: LeadOps, ctx: ActionContext, input: IdentifyInput, now: string) {
  const existing = await tx.getVisitor(ctx.siteId, input.visitor_id, { lock: true });
  if (existing) return existing;
  const fresh = {
    id: input.visitor_id,
    site_id: ctx.siteId,
    lead_id: null,
    pages_visited: [],
    time_spent: 0,
    visit_count: 0,
    first_seen: now,
    last_seen: now,
  };
  // Another request may have made it meanwhile; then take that one, locked.
  return (
    (await tx.insertVisitor(fresh)) ?? (await tx.getVisitor(ctx.siteId, input.visitor_id, { lock: true })) ?? fresh
  );
}

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
  if (inserted) {
    await tx.addEvent({
      site_id: ctx.siteId,
      lead_id: inserted.id,
      type: 'created',
      from: null,
      to: inserted.status,
      at: now,
    });
    return { lead: inserted, created: true };
  }
  // Created by a concurrent identify between our look-up and insert: link to it.
  const raced = await tx.findLeadByEmail(ctx.siteId, input.email, { lock: true });
  if (!raced) throw duplicateLead(null);
  return { lead: raced, created: false };
}

export const identify: ActionHandler<IdentifyInput> = async (tx, ctx, input, now) => {
  const visitor = await visitorFor(tx, ctx, input, now);
  const behaviour = mergeVisitorReport(visitor, {
    pages_visited: unionPages(input.pages_visited ?? []),
    time_spent: input.time_spent ?? 0,
    visit_count: input.visit_count ?? 0,
  });
  const { lead: target, created } = await resolveLead(tx, ctx, input, visitor.lead_id, behaviour, now);

  const leadId = target?.id ?? visitor.lead_id;
  const savedVisitor = await tx.updateVisitor(ctx.siteId, visitor.id, {
    ...behaviour,
    lead_id: leadId,
    last_seen: now,
  });

  if (visitor.lead_id && visitor.lead_id !== leadId) {
    // The browser moved to another person's lead: the previous lead loses its figures.
    const previous = await tx.getLead(ctx.siteId, visitor.lead_id, { lock: true });
    if (previous) await recomputeLeadBehaviour(tx, previous, now);
  }
  if (!target) return { status: 200, body: { success: true, lead: null, visitor: savedVisitor } };

  if (visitor.lead_id !== target.id) {
    await tx.addEvent({
      site_id: ctx.siteId,
      lead_id: target.id,
      type: 'identified',
      from: null,
      to: visitor.id,
      at: now,
    });
  }
  let lead = target;
  if (!created) {
    const { site_id, event_id, visitor_id, lead_id, pages_visited, time_spent, visit_count, status, notes, ...fields } =
      input;
    // identify never changes an existing lead's status (qualify does), so a qualified lead is never reset to new.
    const patch: Partial<LeadFieldsOf<IdentifyInput>> = { ...fields, notes: appendNotes(lead.notes, notes) };
    lead = await applyLeadPatch(tx, lead, patch, now);
  }
  if (!created) lead = await recomputeLeadBehaviour(tx, lead, now);
  return { status: created ? 201 : 200, body: { success: true, lead: publicLead(lead), visitor: savedVisitor } };
};
