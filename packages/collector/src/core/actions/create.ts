/**
 * create: a new lead; an email the site already has is a conflict (409 with its id). From a browser (publishable
 * key), an email the site already has is a submission to that lead instead (submissions.ts), and either way the
 * browser learns nothing of it (core/access.ts).
 */
import type { CreateInput } from '@leadtrail/protocol';
import { type LeadOps, TransactionConflict } from '../../store/lead-store.ts';
import { ACCESS } from '../access.ts';
import type { ActionContext, ActionHandler, ActionResult } from '../context.ts';
import { uuidv7 } from '../ids.ts';
import { duplicateLead, newLead } from '../new-lead.ts';
import { publicLead } from '../public-lead.ts';
import { browserFieldsOfNewLead, recordSubmission, submitToLead, submittedFields } from '../submissions.ts';

type Fields = Omit<CreateInput, 'site_id' | 'event_id'>;

async function createFromBrowser(
  tx: LeadOps,
  ctx: ActionContext,
  fields: Fields,
  eventId: string | null,
  now: string,
): Promise<ActionResult> {
  const submitted = submittedFields(fields);
  const source = { visitorId: null, eventId, page: null };
  const existing = await tx.findLeadByEmail(ctx.siteId, fields.email, { lock: true });
  if (existing) {
    const lead = await submitToLead(tx, existing, submitted, source, now);
    const submission = { visitor_id: null, page: null, fields: submitted };
    return {
      status: 200,
      body: { success: true, lead: publicLead(lead) },
      notices: Object.keys(submitted).length ? [{ type: 'lead.submission', submission }] : [],
    };
  }
  const submissionId = uuidv7();
  const lead = await tx.insertLead(
    newLead(ctx, fields, now, browserFieldsOfNewLead(submitted, source, submissionId, false)),
  );
  // A concurrent request made the lead between the look-up and the insert: run again, as a submission to it.
  if (!lead) throw new TransactionConflict('A lead with this email was created meanwhile');
  await tx.addEvent({ site_id: ctx.siteId, lead_id: lead.id, type: 'created', from: null, to: lead.status, at: now });
  await recordSubmission(tx, lead, submitted, source, Object.keys(submitted), now, submissionId);
  return { status: 201, body: { success: true, lead: publicLead(lead) }, notices: [{ type: 'lead.created' }] };
}

export const create: ActionHandler<CreateInput> = async (tx, ctx, input, now) => {
  const { site_id: _, event_id, ...fields } = input;
  if (ACCESS[ctx.keyKind].writes === 'fill-empty') return createFromBrowser(tx, ctx, fields, event_id ?? null, now);
  const existing = await tx.findLeadByEmail(ctx.siteId, fields.email);
  if (existing) throw duplicateLead(existing.id);
  const lead = await tx.insertLead(newLead(ctx, fields, now));
  if (!lead) throw duplicateLead((await tx.findLeadByEmail(ctx.siteId, fields.email))?.id ?? null);
  await tx.addEvent({ site_id: ctx.siteId, lead_id: lead.id, type: 'created', from: null, to: lead.status, at: now });
  return { status: 201, body: { success: true, lead: publicLead(lead) }, notices: [{ type: 'lead.created' }] };
};
