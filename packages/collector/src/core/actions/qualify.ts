import type { QualifyInput } from '@leadtrail/protocol';
import type { LeadOps, StoredLead } from '../../store/lead-store.ts';
import type { ActionContext, ActionHandler } from '../context.ts';
import { LeadsError, notFound } from '../errors.ts';
import { applyLeadPatch } from '../lead-patch.ts';
import { publicLead } from '../public-lead.ts';

/** By lead_id, else email, else phone; a phone shared by several leads is refused rather than guessed. */
async function findLead(tx: LeadOps, ctx: ActionContext, input: QualifyInput): Promise<StoredLead> {
  if (input.lead_id) {
    const lead = await tx.getLead(ctx.siteId, input.lead_id, { lock: true });
    if (!lead) throw notFound();
    return lead;
  }
  if (input.email) {
    const lead = await tx.findLeadByEmail(ctx.siteId, input.email, { lock: true });
    if (!lead) throw notFound();
    return lead;
  }
  const matches = await tx.findLeadsByPhone(ctx.siteId, input.phone ?? '');
  if (matches.length > 1) {
    throw new LeadsError('ambiguous_lead', 'Several leads have this phone number; give lead_id or email', {
      lead_ids: matches.map((l) => l.id),
    });
  }
  const [only] = matches;
  if (!only) throw notFound();
  const locked = await tx.getLead(ctx.siteId, only.id, { lock: true });
  if (!locked) throw notFound();
  return locked;
}

export const qualify: ActionHandler<QualifyInput> = async (tx, ctx, input, now) => {
  const lead = await findLead(tx, ctx, input);
  if (lead.status === input.status) {
    return {
      status: 200,
      body: {
        success: true,
        message: 'Lead already has the specified status',
        lead: publicLead(lead),
        status_changed: false,
      },
    };
  }
  const updated = await applyLeadPatch(tx, lead, { status: input.status }, now);
  return {
    status: 200,
    body: {
      success: true,
      message: 'Lead status updated successfully',
      lead: publicLead(updated),
      status_changed: true,
      status_change: { from: lead.status, to: updated.status, timestamp: now },
    },
    notices: [{ type: 'lead.status_changed', status_change: { from: lead.status, to: updated.status } }],
  };
};
