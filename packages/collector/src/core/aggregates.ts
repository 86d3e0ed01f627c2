/**
 * Aggregates of a site's leads, with the same filters as `list` (a creation period among them): how many per status,
 * per channel or campaign, per period of time, and when the first was created. The store answers each with one
 * aggregate query (GROUP BY, counts, MIN), never by reading rows. They are reads, so the access policy's rules for
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

export interface PeriodCounts extends LeadCounts {
  /** From this instant (inclusive, UTC ISO 8601)... */
  start: string;
  /** ...to this one (exclusive). */
  end: string;
}

/** Leads per value of a touch attribute: most first, ties by value; null collects the leads with no such value. */
export type Breakdown = { value: string | null; count: number }[];

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
 * How many leads match `input` (list's filters) per value of each of `columns` of their first touch (or latest, with
 * `touch: 'latest'`): channel, campaign, ... One read for all the columns.
 */
export async function leadsByTouches<C extends TouchColumn>(
  ctx: ActionContext,
  input: unknown,
  columns: readonly C[],
): Promise<Record<C, Breakdown>> {
  const filters = filtersOf(ctx, input);
  const kind: TouchKind = filters.touch ?? 'first';
  const counts = await ctx.store.countLeadsByTouch(ctx.siteId, filters, { columns, kind });
  const sorted = (rows: Breakdown): Breakdown =>
    [...rows].sort((a, b) => b.count - a.count || (a.value ?? '\uffff').localeCompare(b.value ?? '\uffff'));
  return Object.fromEntries(columns.map((column) => [column, sorted(counts[column])])) as Record<C, Breakdown>;
}

/** How many leads match `input` per value of one attribute of their first (or latest) touch. */
export async function leadsByTouch(ctx: ActionContext, input: unknown, column: TouchColumn): Promise<Breakdown> {
  return (await leadsByTouches(ctx, input, [column]))[column];
}

/**
 * New leads matching `input` per period, per status: period i runs from bounds[i] to bounds[i + 1] (instants,
 * ascending; the caller decides what a period is: a day or a month of the owner's calendar, say).
 */
export async function leadsPerPeriod(
  ctx: ActionContext,
  input: unknown,
  bounds: readonly string[],
): Promise<PeriodCounts[]> {
  const filters = filtersOf(ctx, input);
  const periods = bounds.slice(1).map(() => noCounts());
  for (const row of await ctx.store.countLeadsByPeriod(ctx.siteId, filters, bounds)) {
    const counts = periods[row.period];
    if (counts) counts[row.status] += row.count;
  }
  return periods.map((by_status, i) => ({ start: bounds[i]!, end: bounds[i + 1]!, by_status, total: sum(by_status) }));
}

/** When the earliest lead matching `input` was created, or null when none does. */
export async function firstLeadAt(ctx: ActionContext, input: unknown): Promise<string | null> {
  return ctx.store.firstCreatedAt(ctx.siteId, filtersOf(ctx, input));
}
