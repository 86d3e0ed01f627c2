/**
 * Aggregates of a site's leads, with the same filters as `list`: how many per status, per channel or campaign, and
 * new leads per day. The
 * store answers each with one GROUP BY, never by reading rows. They are reads, so the access policy's rules for
 * `list` apply (a publishable key reads nothing).
 */
import { LEAD_STATUSES, LeadFilters, type LeadStatus, type TouchKind } from '@leadtrail/protocol';
import type { TouchColumn } from '../store/lead-store.ts';
import { checkedInput } from './checked-input.ts';
import type { ActionContext } from './context.ts';
import { guardedInput } from './input-guard.ts';

export type CountsByStatus = Record<LeadStatus, number>;

export interface LeadCounts {
  total: number;
  by_status: CountsByStatus;
}

export interface DayCounts extends LeadCounts {
  /** The UTC day, YYYY-MM-DD. */
  day: string;
}

const noCounts = () => Object.fromEntries(LEAD_STATUSES.map((s) => [s, 0])) as CountsByStatus;
const sum = (counts: CountsByStatus) => LEAD_STATUSES.reduce((total, s) => total + counts[s], 0);

const filtersOf = (ctx: ActionContext, input: unknown) => {
  const { site_id: _, ...filters } = checkedInput(ctx, 'list', LeadFilters, guardedInput(input));
  return filters;
};

/** How many leads match `input` (list's filters), in all and per status. */
export async function countLeads(ctx: ActionContext, input: unknown): Promise<LeadCounts> {
  const rows = await ctx.store.countLeadsByStatus(ctx.siteId, filtersOf(ctx, input));
  const by_status = noCounts();
  for (const row of rows) by_status[row.status] = row.count;
  return { total: sum(by_status), by_status };
}

/**
 * How many leads match `input` (list's filters) per value of their first touch's (or latest touch's) channel,
 * campaign, ...: most first, ties by value; null collects the leads with no such value.
 */
export async function leadsByTouch(
  ctx: ActionContext,
  input: unknown,
  column: TouchColumn,
): Promise<{ value: string | null; count: number }[]> {
  const filters = filtersOf(ctx, input);
  const kind: TouchKind = filters.touch ?? 'first';
  const rows = await ctx.store.countLeadsByTouch(ctx.siteId, filters, { column, kind });
  return rows.sort((a, b) => b.count - a.count || (a.value ?? '\uffff').localeCompare(b.value ?? '\uffff'));
}

/** New leads per UTC day over `days` (YYYY-MM-DD, oldest first, consecutive), per status, matching `input`. */
export async function leadsPerDay(ctx: ActionContext, input: unknown, days: readonly string[]): Promise<DayCounts[]> {
  const first = days[0];
  const last = days.at(-1);
  if (!first || !last) return [];
  const after = new Date(Date.parse(`${last}T00:00:00.000Z`) + 86_400_000).toISOString();
  const rows = await ctx.store.countLeadsByDay(ctx.siteId, {
    ...filtersOf(ctx, input),
    created_from: `${first}T00:00:00.000Z`,
    created_before: after,
  });
  const byDay = new Map(days.map((day) => [day, noCounts()]));
  for (const row of rows) {
    const counts = byDay.get(row.day);
    if (counts) counts[row.status] += row.count;
  }
  return days.map((day) => {
    const by_status = byDay.get(day)!;
    return { day, by_status, total: sum(by_status) };
  });
}
