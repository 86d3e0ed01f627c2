/**
 * The dashboard's only way to leads: `runLeadsAction`, the core every front door calls, with a secret-kind context
 * for the signed-in site. Listing, counts, the chart, the export, qualify and notes all go through it.
 */
import type { GetOneResponse, Lead, LeadStatus, ListResponse, Pagination } from '@leadtrail/protocol';
import { countLeads, leadsByTouches } from '../core/aggregates.ts';
import { type ActionContext, contextFor } from '../core/context.ts';
import { LeadsError } from '../core/errors.ts';
import { runLeadsAction } from '../core/run-action.ts';
import type { Site } from '../store/lead-store.ts';
import type { AppOptions } from '../web/options.ts';
import { filterInput, type LeadFilters, listFilters, PAGE_SIZE } from './query.ts';
import type { DateRange } from './range.ts';

export type LeadDetail = GetOneResponse['data'];

/** The signed-in owner acts with a secret key's rights on their site. */
export const ownerContext = (options: AppOptions, site: Site): ActionContext =>
  contextFor(options.store, site, 'secret', options.now);

export async function listLeads(
  ctx: ActionContext,
  input: Record<string, unknown>,
): Promise<{ leads: Lead[]; pagination: Pagination }> {
  const result = await runLeadsAction(ctx, { action: 'list', ...input });
  return (result.body as ListResponse).data;
}

export const listPage = (ctx: ActionContext, filters: LeadFilters, range: DateRange) =>
  listLeads(ctx, { ...listFilters(filters, range), limit: PAGE_SIZE, offset: (filters.page - 1) * PAGE_SIZE });

/** How many leads match the filters but the status (the tiles choose it), in all and per status: one GROUP BY. */
export async function statusCounts(ctx: ActionContext, filters: LeadFilters, range: DateRange) {
  const counts = await countLeads(ctx, filterInput(filters, range, { status: true }));
  return { all: counts.total, byStatus: counts.by_status };
}

/** How many leads match the filters per first-touch channel and per campaign (the top 10): one GROUP BY. */
export async function sourceBreakdown(ctx: ActionContext, filters: LeadFilters, range: DateRange) {
  const { channel, utm_campaign } = await leadsByTouches(ctx, filterInput(filters, range), ['channel', 'utm_campaign']);
  return { byChannel: channel, byCampaign: utm_campaign.slice(0, 10) };
}

/** The lead with its visitors (devices) and history; null when the site has no such lead. */
export async function leadDetail(ctx: ActionContext, id: string): Promise<LeadDetail | null> {
  try {
    const result = await runLeadsAction(ctx, { action: 'list', lead_id: id });
    return (result.body as GetOneResponse).data;
  } catch (error) {
    if (error instanceof LeadsError && (error.code === 'not_found' || error.code === 'invalid_input')) return null;
    throw error;
  }
}

export const setStatus = (ctx: ActionContext, id: string, status: LeadStatus) =>
  runLeadsAction(ctx, { action: 'qualify', lead_id: id, status });

export const setNotes = (ctx: ActionContext, id: string, notes: string) =>
  runLeadsAction(ctx, { action: 'update', lead_id: id, notes: notes.trim() ? notes.replace(/\r\n?/g, '\n') : null });

/** Writes contact fields as the owner's (null clears one), through update: the history records each change. */
export const updateLead = (ctx: ActionContext, id: string, fields: Record<string, string | null>) =>
  runLeadsAction(ctx, { action: 'update', lead_id: id, ...fields });

/** Makes a submitted value the lead's own: an owner's edit through update, so the history records it. */
export const adoptValue = (ctx: ActionContext, id: string, field: string, value: unknown) =>
  runLeadsAction(ctx, { action: 'update', lead_id: id, [field]: value });
