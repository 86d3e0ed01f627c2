/**
 * The owner's calendar, without a store: where local days begin in zones with half- and quarter-hour offsets and
 * across DST changes (a 23-hour and a 25-hour day, and a day whose midnight the clocks skip), the chart's periods
 * (days, then Monday weeks, months and years, never more than 92, covering the range exactly), the date range presets
 * for a fixed moment, and the list's times in the zone.
 */
import { describe, expect, it } from 'vitest';
import { addDays, dayOf, dayStart, formatLocal, isDay, weekday } from '../src/dashboard/calendar.ts';
import { chartSpan, MAX_BARS, periodsOf } from '../src/dashboard/periods.ts';
import { type Preset, parseRange, rangeProblem, resolveRange } from '../src/dashboard/range.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const HOUR = 3_600_000;
/** How long a local day lasts, in hours. */
const hours = (zone: string, day: string) => (dayStart(zone, addDays(day, 1)) - dayStart(zone, day)) / HOUR;

describe('local days', () => {
  it('begin at the local midnight of half- and quarter-hour zones', () => {
    expect(iso(dayStart('Asia/Kolkata', '2026-03-02'))).toBe('2026-03-01T18:30:00.000Z');
    expect(iso(dayStart('Asia/Kathmandu', '2026-03-02'))).toBe('2026-03-01T18:15:00.000Z');
    expect(iso(dayStart('America/St_Johns', '2026-01-15'))).toBe('2026-01-15T03:30:00.000Z');
    expect(iso(dayStart('UTC', '2026-03-02'))).toBe('2026-03-02T00:00:00.000Z');
    expect(dayOf('Asia/Kolkata', Date.parse('2026-03-01T18:29:59.999Z'))).toBe('2026-03-01');
    expect(dayOf('Asia/Kolkata', Date.parse('2026-03-01T18:30:00.000Z'))).toBe('2026-03-02');
  });

  it('last 23 or 25 hours across a DST change, and start at the change when it skips midnight', () => {
    expect(hours('America/New_York', '2026-03-08')).toBe(23);
    expect(hours('America/New_York', '2026-11-01')).toBe(25);
    expect(hours('Europe/Berlin', '2026-03-29')).toBe(23);
    expect(hours('Europe/Berlin', '2026-10-25')).toBe(25);
    expect(hours('Europe/Berlin', '2026-10-26')).toBe(24);
    expect(iso(dayStart('Europe/Berlin', '2026-10-26'))).toBe('2026-10-25T23:00:00.000Z');
    expect(iso(dayStart('Europe/Berlin', '2026-10-25'))).toBe('2026-10-24T22:00:00.000Z');
    // Santiago moves from 00:00 to 01:00 on 6 September 2026: that day begins at 04:00 UTC, at 01:00 local time.
    expect(iso(dayStart('America/Santiago', '2026-09-06'))).toBe('2026-09-06T04:00:00.000Z');
    expect(dayOf('America/Santiago', Date.parse('2026-09-06T03:59:59.999Z'))).toBe('2026-09-05');
    expect(hours('America/Santiago', '2026-09-06')).toBe(23);
  });

  it('are read and written as YYYY-MM-DD, Monday first', () => {
    expect(isDay('2026-02-28')).toBe(true);
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2026-3-1')).toBe(false);
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(weekday('2026-03-02')).toBe(0);
    expect(weekday('2026-03-08')).toBe(6);
  });

  it('show the list’s times in the zone', () => {
    expect(formatLocal('Asia/Kolkata', '2026-03-01T18:45:00.000Z')).toBe('2026-03-02 00:15');
    expect(formatLocal('America/New_York', '2026-03-08T07:30:00.000Z')).toBe('2026-03-08 03:30');
    expect(formatLocal('UTC', null)).toBe('');
  });
});

describe('the chart’s periods', () => {
  it('are days for up to 92 days, each from its local midnight to the next', () => {
    const { unit, days, bounds } = periodsOf('America/New_York', '2026-03-01', '2026-03-31');
    expect(unit).toBe('day');
    expect(days).toHaveLength(31);
    expect(bounds[0]).toBe('2026-03-01T05:00:00.000Z');
    // The DST change on 8 March: that day is an hour shorter, and the days after start at 04:00 UTC.
    expect(bounds[7]).toBe('2026-03-08T05:00:00.000Z');
    expect(bounds[8]).toBe('2026-03-09T04:00:00.000Z');
    expect(bounds.at(-1)).toBe('2026-03-31T04:00:00.000Z');
    expect(periodsOf('UTC', '2026-01-01', addDays('2026-01-01', MAX_BARS)).unit).toBe('day');
  });

  it('are Monday weeks, then months, then years for longer ranges, never more than 92, covering the range', () => {
    const weeks = periodsOf('Europe/Berlin', '2026-01-01', '2026-12-31');
    expect(weeks.unit).toBe('week');
    expect(weeks.days[0]).toBe('2026-01-01');
    expect(weeks.days.slice(1, -1).every((day) => weekday(day) === 0)).toBe(true);
    expect(weeks.days.at(-1)).toBe('2026-12-31');
    const months = periodsOf('Asia/Kolkata', '2024-02-15', '2026-03-11');
    expect(months.unit).toBe('month');
    expect(months.days.slice(0, 3)).toEqual(['2024-02-15', '2024-03-01', '2024-04-01']);
    expect(months.bounds[1]).toBe('2024-02-29T18:30:00.000Z');
    const years = periodsOf('UTC', '1990-01-01', '2026-03-11');
    expect(years.unit).toBe('year');
    for (const periods of [weeks, months, years]) {
      expect(periods.days.length - 1).toBeLessThanOrEqual(MAX_BARS);
      expect(periods.bounds).toHaveLength(periods.days.length);
      expect([...periods.bounds].sort()).toEqual(periods.bounds);
    }
  });

  it('span the range up to today, and an open range from its first lead or 30 days back', () => {
    const now = new Date('2026-03-10T12:00:00.000Z');
    const range = (preset: Preset) => resolveRange({ preset }, 'UTC', now);
    expect(chartSpan(range('7d'), '2026-03-10', null)).toEqual({ first: '2026-03-04', end: '2026-03-11' });
    expect(chartSpan(range('month'), '2026-03-10', null)).toEqual({ first: '2026-03-01', end: '2026-03-11' });
    expect(chartSpan(range('last-month'), '2026-03-10', null)).toEqual({ first: '2026-02-01', end: '2026-03-01' });
    expect(chartSpan(range('all'), '2026-03-10', '2025-06-30')).toEqual({ first: '2025-06-30', end: '2026-03-11' });
    expect(chartSpan(range('all'), '2026-03-10', '2026-03-09')).toEqual({ first: '2026-02-09', end: '2026-03-11' });
    const future = resolveRange({ from: '2026-03-08', to: '2026-04-30' }, 'UTC', now);
    expect(chartSpan(future, '2026-03-10', null)).toEqual({ first: '2026-03-08', end: '2026-03-11' });
  });
});

describe('date range presets', () => {
  // 00:30 on Tuesday 10 March in Berlin, still Monday 9 March in UTC.
  const now = new Date('2026-03-09T23:30:00.000Z');
  const expected: Record<Preset, [string | null, string | null]> = {
    today: ['2026-03-10', '2026-03-10'],
    yesterday: ['2026-03-09', '2026-03-09'],
    '7d': ['2026-03-04', '2026-03-10'],
    '30d': ['2026-02-09', '2026-03-10'],
    month: ['2026-03-01', '2026-03-10'],
    'last-month': ['2026-02-01', '2026-02-28'],
    all: [null, null],
  };

  it('are the owner’s days at this moment in their zone, as instants from the first day’s start to the next day’s', () => {
    for (const [preset, [first, last]] of Object.entries(expected) as [Preset, [string, string]][]) {
      const range = resolveRange({ preset }, 'Europe/Berlin', now);
      expect([range.firstDay, range.lastDay], preset).toEqual([first, last]);
      expect(range.from, preset).toBe(first ? iso(dayStart('Europe/Berlin', first)) : undefined);
      expect(range.to, preset).toBe(last ? iso(dayStart('Europe/Berlin', addDays(last, 1))) : undefined);
    }
    expect(resolveRange({ preset: 'today' }, 'Europe/Berlin', now).from).toBe('2026-03-09T23:00:00.000Z');
    expect(resolveRange({ preset: 'today' }, 'UTC', now).firstDay).toBe('2026-03-09');
  });

  it('are read from the URL leniently; the owner’s own days win, and a backwards pair is explained', () => {
    expect(parseRange({})).toEqual({ preset: '30d' });
    expect(parseRange({ range: 'bogus' })).toEqual({ preset: '30d' });
    expect(parseRange({ range: 'last-month' })).toEqual({ preset: 'last-month' });
    expect(parseRange({ range: '7d', from: '2026-03-01', to: 'x' })).toEqual({ from: '2026-03-01', to: '' });
    expect(parseRange({ from: '2026-02-30' })).toEqual({ preset: '30d' });
    const custom = resolveRange({ from: '2026-03-01', to: '2026-03-02' }, 'Asia/Kolkata', now);
    expect(custom).toMatchObject({
      label: '2026-03-01 – 2026-03-02',
      from: '2026-02-28T18:30:00.000Z',
      to: '2026-03-02T18:30:00.000Z',
    });
    expect(rangeProblem({ from: '2026-03-02', to: '2026-03-01' })).toMatch(/after/);
    expect(rangeProblem({ from: '2026-03-02', to: '2026-03-02' })).toBeNull();
  });
});
