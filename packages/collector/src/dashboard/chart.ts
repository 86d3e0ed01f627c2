/**
 * Leads over time: new leads per period of the owner's calendar (days, or weeks, months or years for a long range;
 * periods.ts) over the list's date range, with all of the list's filters, stacked by their current status; and the
 * status tiles from the same counts. Counted by the store (one count per period and status, from an index), drawn as
 * plain SVG: classes only, coloured by the stylesheet, nothing inline, so the strict CSP holds.
 */
import { LEAD_STATUSES, type LeadStatus } from '@leadtrail/protocol';
import { html } from 'hono/html';
import { type CountsByStatus, firstLeadAt, leadsPerPeriod, type PeriodCounts } from '../core/aggregates.ts';
import type { ActionContext } from '../core/context.ts';
import { addDays, type Day, dayOf } from './calendar.ts';
import { chartSpan, periodsOf, type Unit } from './periods.ts';
import type { DateRange } from './range.ts';

export interface ChartBar extends PeriodCounts {
  /** The period's first and last local day. */
  first: Day;
  last: Day;
}

export interface ChartData {
  unit: Unit;
  zone: string;
  bars: ChartBar[];
}

export interface StatusCounts {
  all: number;
  byStatus: CountsByStatus;
}

/** Before and after any lead: with them, the chart's periods and what lies either side of them cover all time. */
const EARLIEST = '0001-01-01T00:00:00.000Z';
const LATEST = '9999-12-31T23:59:59.999Z';

/**
 * New leads per period over the range, and the status tiles from the same counts: the leads matching `input` (the
 * list's filters but its status, with the range's created_from and created_to) counted per period and status. The
 * range's leads before and after the chart's periods (none, unless a clock was off) are counted for the tiles too,
 * so the tiles are exactly the range's; the chart draws `status` alone when one is chosen.
 */
export async function chartAndCounts(
  ctx: ActionContext,
  input: Record<string, unknown>,
  status: LeadStatus | '',
  range: DateRange,
  zone: string,
  now: Date,
): Promise<{ chart: ChartData; counts: StatusCounts }> {
  const firstLead = range.firstDay ? null : await firstLeadAt(ctx, input);
  const span = chartSpan(range, dayOf(zone, now.getTime()), firstLead ? dayOf(zone, Date.parse(firstLead)) : null);
  const { unit, days, bounds } = periodsOf(zone, span.first, span.end);
  const periods = await leadsPerPeriod(ctx, input, [EARLIEST, ...bounds, LATEST]);
  const byStatus = Object.fromEntries(
    LEAD_STATUSES.map((s) => [s, periods.reduce((sum, period) => sum + period.by_status[s], 0)]),
  ) as CountsByStatus;
  const bars = periods.slice(1, -1).map((period, i) => {
    const by_status = status
      ? (Object.fromEntries(LEAD_STATUSES.map((s) => [s, s === status ? period.by_status[s] : 0])) as CountsByStatus)
      : period.by_status;
    const total = LEAD_STATUSES.reduce((sum, s) => sum + by_status[s], 0);
    return { ...period, by_status, total, first: days[i]!, last: addDays(days[i + 1]!, -1) };
  });
  const all = LEAD_STATUSES.reduce((sum, s) => sum + byStatus[s], 0);
  return { chart: { unit, zone, bars }, counts: { all, byStatus } };
}

const WIDTH = 900;
const HEIGHT = 170;
const RIGHT = 18;
const BOTTOM = 18;
const TOP = 8;
/** The axis text is 10 units high; a digit is at most 0.6 of that wide in the system fonts, kept with a margin. */
const DIGIT_WIDTH = 6.5;
const LABEL_GAP = 5;
/** A bar at most this wide, so a range of a few days does not draw slabs. */
const MAX_BAR = 48;
/** A period with leads never draws less than this high, however tall the tallest bar. */
const MIN_PART = 1;
const MAX_TICKS = 10;

/** A rounded-up axis maximum: 1, 2, 5, 10, 20, 50... */
export function niceMax(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

/** How many units wide the axis labels' column is: room for the longest label, whole. */
export const labelColumn = (labels: readonly string[]) =>
  Math.ceil(LABEL_GAP * 2 + Math.max(...labels.map((label) => label.length)) * DIGIT_WIDTH);

const round = (n: number) => Math.round(n * 10) / 10;

const UNIT_WORD: Record<Unit, string> = { day: 'day', week: 'week', month: 'month', year: 'year' };

function barLabel(bar: ChartBar, unit: Unit): string {
  if (bar.first === bar.last) return bar.first;
  const whole = unit === 'month' ? bar.first.slice(0, 7) : unit === 'year' ? bar.first.slice(0, 4) : null;
  const complete =
    (unit === 'month' && bar.first.endsWith('-01') && addDays(bar.last, 1).endsWith('-01')) ||
    (unit === 'year' && bar.first.endsWith('-01-01') && addDays(bar.last, 1).endsWith('-01-01'));
  return whole && complete ? whole : `${bar.first} – ${bar.last}`;
}

const tickText = (bar: ChartBar, unit: Unit) =>
  unit === 'year' ? bar.first.slice(0, 4) : unit === 'month' ? bar.first.slice(0, 7) : bar.first.slice(5);

export function renderChart(data: ChartData) {
  const { bars, unit } = data;
  const max = niceMax(Math.max(0, ...bars.map((b) => b.total)));
  const labels = [max, ...(max % 2 === 0 ? [max / 2] : []), 0];
  const left = labelColumn(labels.map(String));
  const plotHeight = HEIGHT - BOTTOM - TOP;
  const slot = (WIDTH - left - RIGHT) / Math.max(1, bars.length);
  const barWidth = round(Math.min(slot * 0.72, MAX_BAR));
  const y = (count: number) => round(TOP + plotHeight - (count / max) * plotHeight);
  const total = bars.reduce((sum, b) => sum + b.total, 0);
  const tickEvery = Math.ceil(bars.length / MAX_TICKS);

  const drawn = bars.map((bar, i) => {
    const x = round(left + i * slot + (slot - barWidth) / 2);
    let base = y(0);
    const parts = LEAD_STATUSES.filter((s) => bar.by_status[s] > 0).map((status) => {
      const height = Math.max(MIN_PART, round((bar.by_status[status] / max) * plotHeight));
      const rect = html`<rect class="bar-${status}" x="${x}" y="${round(base - height)}" width="${barWidth}" height="${height}"></rect>`;
      base = round(base - height);
      return rect;
    });
    const label = `${barLabel(bar, unit)}: ${bar.total} new lead${bar.total === 1 ? '' : 's'}${
      bar.total
        ? ` (${LEAD_STATUSES.filter((s) => bar.by_status[s])
            .map((s) => `${bar.by_status[s]} ${s}`)
            .join(', ')})`
        : ''
    }`;
    const tick =
      (bars.length - 1 - i) % tickEvery === 0
        ? html`<text class="axis" x="${round(left + i * slot + slot / 2)}" y="${HEIGHT - 4}" text-anchor="middle">${tickText(bar, unit)}</text>`
        : '';
    return html`<g data-first="${bar.first}" data-total="${bar.total}"><title>${label}</title><rect class="hit" x="${round(left + i * slot)}" y="${TOP}" width="${round(slot)}" height="${plotHeight}"></rect>${parts}</g>${tick}`;
  });

  const axis = labels.map(
    (value) =>
      html`<line class="${value ? 'grid' : 'baseline'}" x1="${left}" x2="${WIDTH - RIGHT}" y1="${y(value)}" y2="${y(value)}"></line><text class="axis y-label" x="${left - LABEL_GAP}" y="${y(value) + 3.5}" text-anchor="end">${value}</text>`,
  );
  const first = bars[0]?.first ?? '';
  const last = bars.at(-1)?.last ?? '';
  const span = first === last ? first : `${first} – ${last}`;
  return html`<figure class="chart">
  <div class="chart-scroll" tabindex="0" role="region" aria-label="Chart of new leads (scrolls sideways on a narrow screen)"><svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="New leads per ${UNIT_WORD[unit]}, ${span} (${data.zone}): ${total} in all">
    ${axis}
    ${drawn}
  </svg></div>
  <figcaption>
    <span>New leads per ${UNIT_WORD[unit]}, ${span} (${data.zone}): <strong>${total}</strong></span>
    <span class="legend">${LEAD_STATUSES.map((s) => html`<span class="key"><i class="swatch bar-${s}"></i>${s}</span>`)}</span>
  </figcaption>
</figure>`;
}
