/**
 * The leads list's date range: a preset (today, the last 7 days, last month...) or the owner's own from and to
 * days, turned into a period of instants in the owner's time zone: from its first day's start (inclusive) to the
 * start of the day after its last (exclusive), the core's created_from and created_to.
 */
import { addDays, addMonths, type Day, dayOf, dayStart, isDay } from './calendar.ts';

export const PRESETS = {
  today: 'Today',
  yesterday: 'Yesterday',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
  month: 'This month',
  'last-month': 'Last month',
  all: 'All time',
} as const;
export type Preset = keyof typeof PRESETS;

/** What a list shows first: recent leads, whatever the size of the site's history. */
export const DEFAULT_PRESET: Preset = '30d';

/** The range as the URL holds it: a preset, or the owner's days (either may be left open). */
export type RangeChoice = { preset: Preset } | { from: Day | ''; to: Day | '' };

/** A range in the owner's zone. */
export interface DateRange {
  choice: RangeChoice;
  /** Its first day and its last (inclusive); null where it is open. */
  firstDay: Day | null;
  lastDay: Day | null;
  /** The core's created_from and created_to (UTC ISO 8601); absent where it is open. */
  from?: string;
  to?: string;
  /** `Last 7 days`, `2026-03-01 – 2026-03-10`. */
  label: string;
}

export const isPreset = (value: string): value is Preset => Object.hasOwn(PRESETS, value);

/** Reads the URL leniently: days that are not real days are left out, an unknown preset is the default. */
export function parseRange(query: Record<string, string | undefined>): RangeChoice {
  const from = (query.from ?? '').trim();
  const to = (query.to ?? '').trim();
  const days = { from: isDay(from) ? from : '', to: isDay(to) ? to : '' } as const;
  if (days.from || days.to) return days;
  const preset = query.range ?? '';
  return { preset: isPreset(preset) ? preset : DEFAULT_PRESET };
}

/** The query parameters of a choice that differ from the default. */
export function rangeParams(choice: RangeChoice): Record<string, string> {
  if ('preset' in choice) return choice.preset === DEFAULT_PRESET ? {} : { range: choice.preset };
  return { ...(choice.from ? { from: choice.from } : {}), ...(choice.to ? { to: choice.to } : {}) };
}

/** A problem the owner can fix (the from day after the to day), or null. */
export function rangeProblem(choice: RangeChoice): string | null {
  if ('preset' in choice || !choice.from || !choice.to || choice.from <= choice.to) return null;
  return 'The “From” day is after the “To” day: choose a From day on or before the To day.';
}

/** The first and last day (inclusive) of a preset, on the calendar of `today`. */
function presetDays(preset: Preset, today: Day): [Day | null, Day | null] {
  const firstOfMonth = `${today.slice(0, 8)}01`;
  switch (preset) {
    case 'today':
      return [today, today];
    case 'yesterday':
      return [addDays(today, -1), addDays(today, -1)];
    case '7d':
      return [addDays(today, -6), today];
    case '30d':
      return [addDays(today, -29), today];
    case 'month':
      return [firstOfMonth, today];
    case 'last-month':
      return [addMonths(today, -1), addDays(firstOfMonth, -1)];
    case 'all':
      return [null, null];
  }
}

/** The choice as a period of instants, in `zone`, at `now`. */
export function resolveRange(choice: RangeChoice, zone: string, now: Date): DateRange {
  const today = dayOf(zone, now.getTime());
  const [firstDay, lastDay] =
    'preset' in choice ? presetDays(choice.preset, today) : [choice.from || null, choice.to || null];
  const label =
    'preset' in choice
      ? PRESETS[choice.preset]
      : firstDay && lastDay
        ? firstDay === lastDay
          ? firstDay
          : `${firstDay} – ${lastDay}`
        : firstDay
          ? `Since ${firstDay}`
          : `Until ${lastDay}`;
  return {
    choice,
    firstDay,
    lastDay,
    ...(firstDay ? { from: new Date(dayStart(zone, firstDay)).toISOString() } : {}),
    ...(lastDay ? { to: new Date(dayStart(zone, addDays(lastDay, 1))).toISOString() } : {}),
    label,
  };
}
