import { DEFAULT_LIMIT, type ListInput, MAX_SUBMISSIONS_SHOWN } from '@leadtrail/protocol';
import type { ActionHandler } from '../context.ts';
import { notFound } from '../errors.ts';
import { publicLead } from '../public-lead.ts';

export const list: ActionHandler<ListInput> = async (tx, ctx, input) => {
  if (input.lead_id) {
    const lead = await tx.getLead(ctx.siteId, input.lead_id);
    if (!lead) throw notFound();
    const [visitors, events, submissions] = await Promise.all([
      tx.listLeadVisitors(ctx.siteId, lead.id),
      tx.listEvents(ctx.siteId, lead.id),
      tx.listSubmissions(ctx.siteId, lead.id, MAX_SUBMISSIONS_SHOWN),
    ]);
    return {
      status: 200,
      body: { success: true, data: { lead: publicLead(lead), pagination: null, visitors, events, submissions } },
    };
  }
  const { site_id: _, lead_id: __, limit = DEFAULT_LIMIT, offset = 0, ...filters } = input;
  const { leads, total } = await tx.listLeads(ctx.siteId, {
    ...filters,
    sort_by: input.sort_by ?? 'created_at',
    sort_order: input.sort_order ?? 'desc',
    limit,
    offset,
  });
  const pagination = { total, count: leads.length, offset, limit, has_more: offset + leads.length < total };
  return { status: 200, body: { success: true, data: { leads: leads.map(publicLead), pagination } } };
};
