/**
 * Leads over time: new leads per day (UTC) for the last 30 days, stacked by their current status, with the list's
 * filters, drawn as plain
 * SVG (classes only, coloured by the stylesheet: nothing inline, so the strict CSP holds).
 */
import { LEAD_STATUSES } from '@leadtrail/protocol';
import { html } from 'hono/html';
import { type DayCounts, leadsPerDay } from '../core/aggregates.ts';
import type { ActionContext } from '../core/context.ts';

export const CHART_DAYS = 30;

export interface ChartData {
  days: DayCounts[];
}

/** The days of the chart, oldest first, as YYYY-MM-DD in UTC. */
export function chartDays(now: Date, days = CHART_DAYS): string[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: days }, (_, i) =>
    new Date(today - (days - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
}

/** New leads per day matching the list's filters (search, status, origin): one GROUP BY in the store. */
export async function chartData(ctx: ActionContext, now: Date, filters: Record<string, unknown>): Promise<ChartData> {
  return { days: await leadsPerDay(ctx, filters, chartDays(now)) };
}

const WIDTH = 900;
const HEIGHT = 170;
const LEFT = 28;
const RIGHT = 18;
const BOTTOM = 18;
const TOP = 6;

/** A rounded-up axis maximum: 1, 2, 5, 10, 20, 50... */
function niceMax(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

const round = (n: number) => Math.round(n * 10) / 10;

export function renderChart(data: ChartData) {
  const max = niceMax(Math.max(0, ...data.days.map((d) => d.total)));
  const plotHeight = HEIGHT - BOTTOM - TOP;
  const slot = (WIDTH - LEFT - RIGHT) / Math.max(1, data.days.length);
  const barWidth = round(slot * 0.72);
  const y = (count: number) => round(TOP + plotHeight - (count / max) * plotHeight);
  const total = data.days.reduce((sum, d) => sum + d.total, 0);

  const bars = data.days.map((day, i) => {
    const x = round(LEFT + i * slot + (slot - barWidth) / 2);
    let base = 0;
    const parts = LEAD_STATUSES.filter((s) => day.by_status[s] > 0).map((status) => {
      const top = base + day.by_status[status];
      const rect = html`<rect class="bar-${status}" x="${x}" y="${y(top)}" width="${barWidth}" height="${round(y(base) - y(top))}"></rect>`;
      base = top;
      return rect;
    });
    const label = `${day.day}: ${day.total} new lead${day.total === 1 ? '' : 's'}${
      day.total
        ? ` (${LEAD_STATUSES.filter((s) => day.by_status[s])
            .map((s) => `${day.by_status[s]} ${s}`)
            .join(', ')})`
        : ''
    }`;
    const tick =
      i % 7 === (data.days.length - 1) % 7
        ? html`<text class="axis" x="${round(LEFT + i * slot + slot / 2)}" y="${HEIGHT - 4}" text-anchor="middle">${day.day.slice(5)}</text>`
        : '';
    return html`<g><title>${label}</title><rect class="hit" x="${round(LEFT + i * slot)}" y="${TOP}" width="${round(slot)}" height="${plotHeight}"></rect>${parts}</g>${tick}`;
  });

  return html`<figure class="chart">
  <div class="chart-scroll"><svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="New leads per day over the last ${data.days.length} days: ${total} in all">
    <line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(max)}" y2="${y(max)}"></line>
    <line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(max / 2)}" y2="${y(max / 2)}"></line>
    <line class="baseline" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(0)}" y2="${y(0)}"></line>
    <text class="axis" x="${LEFT - 4}" y="${y(max) + 4}" text-anchor="end">${max}</text>
    <text class="axis" x="${LEFT - 4}" y="${y(0) + 4}" text-anchor="end">0</text>
    ${bars}
  </svg></div>
  <figcaption>
    <span>New leads per day (UTC), last ${data.days.length} days: <strong>${total}</strong></span>
    <span class="legend">${LEAD_STATUSES.map((s) => html`<span class="key"><i class="swatch bar-${s}"></i>${s}</span>`)}</span>
  </figcaption>
</figure>`;
}
