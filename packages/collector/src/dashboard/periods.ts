/**
 * The chart's bars: the days a date range covers, cut into periods of the owner's calendar. Days while there are at
 * most MAX_BARS of them (three months), then weeks (Monday to Sunday), then months, then years, so a chart never has
 * more than MAX_BARS bars. A first or last period cut by the range is shorter. Each period runs from the start of its
 * first local day to the start of the next period's, so the periods cover the range exactly, once.
 */
import { addDays, addMonths, type Day, dayNumber, dayStart, weekday } from './calendar.ts';
import type { DateRange } from './range.ts';

export const MAX_BARS = 92;
/** An open range (all time, or no from day) starts at its first lead, but covers this many days at least. */
export const MIN_OPEN_DAYS = 30;

export const UNITS = ['day', 'week', 'month', 'year'] as const;
export type Unit = (typeof UNITS)[number];

export interface Periods {
  unit: Unit;
  /** The first day of each period, then the day after the last one. */
  days: Day[];
  /** The instants those days begin in the zone (UTC ISO 8601): period i runs from bounds[i] to bounds[i + 1]. */
  bounds: string[];
}

const next: Record<Unit, (day: Day) => Day> = {
  day: (day) => addDays(day, 1),
  week: (day) => addDays(day, 7 - weekday(day)),
  month: (day) => addMonths(day, 1),
  year: (day) => `${String(Number(day.slice(0, 4)) + 1).padStart(4, '0')}-01-01`,
};

/** The days each period of `unit` begins, from `first` to `end` (exclusive, then appended); null past MAX_BARS. */
function cut(unit: Unit, first: Day, end: Day): Day[] | null {
  const days = [first];
  for (let day = next[unit](first); day < end; day = next[unit](day)) {
    if (days.length === MAX_BARS) return null;
    days.push(day);
  }
  return [...days, end];
}

/** The periods of the days from `first` up to `end` (exclusive) in `zone`: the finest unit that fits MAX_BARS. */
export function periodsOf(zone: string, first: Day, end: Day): Periods {
  const last = end > first ? end : addDays(first, 1);
  for (const unit of UNITS) {
    const days = unit === 'day' && dayNumber(last) - dayNumber(first) > MAX_BARS ? null : cut(unit, first, last);
    if (days) return { unit, days, bounds: days.map((day) => new Date(dayStart(zone, day)).toISOString()) };
  }
  throw new Error('unreachable: years always fit');
}

/**
 * The days the chart covers for a range: its own days, up to today (later days can hold no lead yet). An open start
 * is the day of the first matching lead, or MIN_OPEN_DAYS before the end when that is later (or there is none).
 * Returns the first day and the day after the last.
 */
export function chartSpan(range: DateRange, today: Day, firstLeadDay: Day | null): { first: Day; end: Day } {
  const tomorrow = addDays(today, 1);
  const end =
    range.lastDay && (range.lastDay < today || (range.firstDay ?? '') > today) ? addDays(range.lastDay, 1) : tomorrow;
  const earliest = addDays(end, -MIN_OPEN_DAYS);
  const chosen = range.firstDay ?? (firstLeadDay && firstLeadDay < earliest ? firstLeadDay : earliest);
  // Years fit MAX_BARS only so far back; no lead is older than the collector anyway.
  const limit = addMonths(end, -12 * MAX_BARS);
  if (chosen < limit) return { first: limit, end };
  return { first: chosen, end: end > chosen ? end : addDays(chosen, 1) };
}
