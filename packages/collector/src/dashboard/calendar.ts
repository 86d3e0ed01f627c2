/**
 * The owner's calendar in an IANA time zone, from Intl alone: which local day an instant falls on, and the instant a
 * local day begins. Days are `YYYY-MM-DD` strings; instants are epoch milliseconds. Exact for any zone Intl knows:
 * offsets of half and quarter hours (Asia/Kolkata, Asia/Kathmandu), and days of 23 or 25 hours at a DST change,
 * including a change at midnight (the day then begins at the change).
 */

/** `YYYY-MM-DD`, a day of the proleptic Gregorian calendar with no zone attached. */
export type Day = string;

const DAY_MS = 86_400_000;
export const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, format);
  }
  return format;
}

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock time in `zone` at instant `ms`. */
export function localTime(zone: string, ms: number): LocalTime {
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(ms)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return { year, month, day, hour, minute, second };
}

/** How far `zone`'s clock is ahead of UTC at instant `ms` (negative: behind). */
export function offsetAt(zone: string, ms: number): number {
  const t = localTime(zone, ms);
  const whole = ms - (((ms % 1000) + 1000) % 1000);
  return dayNumber(toDay(t.year, t.month, t.day)) * DAY_MS + ((t.hour * 60 + t.minute) * 60 + t.second) * 1000 - whole;
}

export const toDay = (year: number, month: number, day: number): Day => `${pad(year, 4)}-${pad(month)}-${pad(day)}`;

/** Days since 1970-01-01 (negative before). */
export function dayNumber(day: Day): number {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, date);
  return Math.round(d.getTime() / DAY_MS);
}

const fromDayNumber = (n: number): Day => new Date(n * DAY_MS).toISOString().slice(0, 10);

export const addDays = (day: Day, days: number): Day => fromDayNumber(dayNumber(day) + days);

/** The first of the month `months` after `day`'s month. */
export function addMonths(day: Day, months: number): Day {
  const [year, month] = day.split('-').map(Number) as [number, number];
  const index = year * 12 + (month - 1) + months;
  return toDay(Math.floor(index / 12), (index % 12) + 1, 1);
}

/** 0 for Monday ... 6 for Sunday. */
export const weekday = (day: Day) => (((dayNumber(day) + 3) % 7) + 7) % 7;

/** Whether `text` is a real day written `YYYY-MM-DD`. */
export const isDay = (text: string): text is Day =>
  /^\d{4}-\d\d-\d\d$/.test(text) && fromDayNumber(dayNumber(text)) === text;

/** The local day instant `ms` falls on in `zone`. */
export function dayOf(zone: string, ms: number): Day {
  const t = localTime(zone, ms);
  return toDay(t.year, t.month, t.day);
}

/** Day starts are facts of the zone's rules: kept, so a page does not ask Intl for them again. */
const starts = new Map<string, number>();
const MAX_STARTS = 20_000;

/**
 * The instant `day` begins in `zone`: its local midnight, or, when the clocks jump over midnight that day, the
 * instant of the jump. The offset in force is one of those a day either side of it; of the instants they give, the
 * earliest that falls on `day` is its start.
 */
export function dayStart(zone: string, day: Day): number {
  const key = `${zone} ${day}`;
  const known = starts.get(key);
  if (known !== undefined) return known;
  const wall = dayNumber(day) * DAY_MS;
  const candidates = [...new Set([wall - DAY_MS, wall, wall + DAY_MS].map((at) => wall - offsetAt(zone, at)))];
  const start =
    candidates.filter((at) => dayOf(zone, at) === day).sort((a, b) => a - b)[0] ?? wall - offsetAt(zone, wall);
  if (starts.size >= MAX_STARTS) starts.clear();
  starts.set(key, start);
  return start;
}

/** `2026-03-01 14:05` in `zone`; '' for nothing. */
export function formatLocal(zone: string, iso: string | null | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const t = localTime(zone, ms);
  return `${toDay(t.year, t.month, t.day)} ${pad(t.hour)}:${pad(t.minute)}`;
}
