/** The leads list: counts per status, the chart, search and filters, a sortable table, paging and the export. */
import {
  CHANNELS,
  type Channel,
  LEAD_STATUSES,
  type Lead,
  type LeadStatus,
  type Pagination,
  type SortColumn,
  TEXT_SORT_COLUMNS,
} from '@leadtrail/protocol';
import { html } from 'hono/html';
import { CHANNEL_LABELS } from '../../core/attribution/channel.ts';
import type { Owner } from '../auth.ts';
import { type ChartData, renderChart } from '../chart.ts';
import { formatDay, formatDuration } from '../format.ts';
import { filtersQuery, type LeadFilters } from '../query.ts';
import { flash, layout } from './layout.ts';

type Breakdown = { value: string | null; count: number }[];

export interface LeadsPageData {
  owner: Owner;
  filters: LeadFilters;
  counts: { all: number; byStatus: Record<LeadStatus, number> } | null;
  chart: ChartData | null;
  /** Leads per first-touch channel and per campaign, for the current filters. */
  sources: { byChannel: Breakdown; byCampaign: Breakdown } | null;
  list: { leads: Lead[]; pagination: Pagination } | null;
  error?: string | null;
}

const COLUMNS: { label: string; sort?: SortColumn; num?: boolean; hideSm?: boolean }[] = [
  { label: 'Name', sort: 'name' },
  { label: 'Email', sort: 'email' },
  { label: 'Company', sort: 'company', hideSm: true },
  { label: 'Status', sort: 'status' },
  { label: 'Origin', sort: 'origin', hideSm: true },
  { label: 'Source', hideSm: true },
  { label: 'Pages', num: true },
  { label: 'Active', sort: 'time_spent', num: true },
  { label: 'Visits', sort: 'visit_count', num: true },
  { label: 'Created', sort: 'created_at' },
];
/** Columns whose first click sorts A to Z (the others start with the newest or largest). */
const ASCENDING_FIRST = new Set<SortColumn>([...TEXT_SORT_COLUMNS, 'status']);

export const statusBadge = (status: LeadStatus) => html`<span class="badge ${status}">${status}</span>`;

function header(filters: LeadFilters, column: (typeof COLUMNS)[number]) {
  const cls = [column.num ? 'num' : '', column.hideSm ? 'hide-sm' : ''].filter(Boolean).join(' ');
  if (!column.sort) return html`<th scope="col" class="${cls}">${column.label}</th>`;
  const active = filters.sort === column.sort;
  const order = active ? (filters.order === 'asc' ? 'desc' : 'asc') : ASCENDING_FIRST.has(column.sort) ? 'asc' : 'desc';
  const href = `/leads${filtersQuery(filters, { sort: column.sort, order, page: 1 })}`;
  const sortAttr = active ? html` aria-sort="${filters.order === 'asc' ? 'ascending' : 'descending'}"` : '';
  const arrow = active ? (filters.order === 'asc' ? ' ↑' : ' ↓') : '';
  return html`<th scope="col" class="${cls}"${sortAttr}><a href="${href}">${column.label}${arrow}</a></th>`;
}

function row(lead: Lead, filters: LeadFilters) {
  return html`<tr>
  <td><a class="lead-name" href="/leads/${lead.id}">${lead.name}</a></td>
  <td>${lead.email ?? ''}</td>
  <td class="hide-sm">${lead.company ?? ''}</td>
  <td>${statusBadge(lead.status)}</td>
  <td class="hide-sm">${lead.origin ? html`<a href="/leads${filtersQuery(filters, { origin: lead.origin, page: 1 })}">${lead.origin}</a>` : ''}</td>
  <td class="hide-sm">${source(lead, filters)}</td>
  <td class="num">${lead.pages_visited.length}</td>
  <td class="num">${formatDuration(lead.time_spent)}</td>
  <td class="num">${lead.visit_count}</td>
  <td class="nowrap">${formatDay(lead.created_at)}</td>
</tr>`;
}

/** The first touch: its channel (a link that filters by it) and its source's name. */
function source(lead: Lead, filters: LeadFilters) {
  const touch = lead.attribution.first_touch;
  if (!touch) return '';
  const channel = html`<a href="/leads${filtersQuery(filters, { channel: touch.channel, page: 1 })}">${CHANNEL_LABELS[touch.channel]}</a>`;
  return touch.source ? html`${channel} <span class="muted small">${touch.source}</span>` : channel;
}

/** Leads per channel and per campaign of their first touch, each a link that filters the list by it. */
function sourcesCard(data: LeadsPageData) {
  if (!data.sources) return '';
  const { filters } = data;
  const { byChannel, byCampaign } = data.sources;
  const total = byChannel.reduce((sum, row) => sum + row.count, 0);
  if (!total) return '';
  // A meter, not a styled bar: the strict CSP allows no inline style.
  const bar = (count: number) => html`<meter min="0" max="${total}" value="${count}"></meter>`;
  const item = (label: string, count: number, href: string | null) =>
    html`<li>${href ? html`<a href="${href}">${label}</a>` : html`<span class="muted">${label}</span>`} <span class="num">${count}</span>${bar(count)}</li>`;
  const channels = byChannel.map((row) =>
    row.value
      ? item(
          CHANNEL_LABELS[row.value as Channel] ?? row.value,
          row.count,
          `/leads${filtersQuery(filters, { channel: row.value as Channel, page: 1 })}`,
        )
      : item('No touch recorded', row.count, null),
  );
  const campaigns = byCampaign.map((row) =>
    row.value
      ? item(row.value, row.count, `/leads${filtersQuery(filters, { campaign: row.value, page: 1 })}`)
      : item('No campaign', row.count, null),
  );
  return html`<section class="card grid2 sources" aria-label="Leads by source">
  <div><h2>Leads by channel</h2><ol class="breakdown">${channels}</ol></div>
  <div><h2>Leads by campaign</h2><ol class="breakdown">${campaigns}</ol></div>
</section>`;
}

function counts(data: LeadsPageData) {
  if (!data.counts) return '';
  const { filters } = data;
  const tile = (label: string, n: number, status: LeadStatus | '') =>
    html`<a class="count" href="/leads${filtersQuery(filters, { status, page: 1 })}"${filters.status === status ? html` aria-current="true"` : ''}><strong>${n}</strong><span>${label}</span></a>`;
  return html`<nav class="counts" aria-label="Leads per status">
  ${tile('All leads', data.counts.all, '')}
  ${LEAD_STATUSES.map((s) => tile(s, data.counts?.byStatus[s] ?? 0, s))}
</nav>`;
}

function filterForm(filters: LeadFilters) {
  const hidden = html`${filters.sort !== 'created_at' ? html`<input type="hidden" name="sort" value="${filters.sort}">` : ''}${filters.order !== 'desc' ? html`<input type="hidden" name="order" value="${filters.order}">` : ''}`;
  return html`<form class="filters" method="get" action="/leads" role="search">
  ${hidden}
  <div class="grow"><label for="q">Search</label>
    <input id="q" type="search" name="q" value="${filters.q}" placeholder="Name, email or notes" maxlength="200"></div>
  <div><label for="status">Status</label>
    <select id="status" name="status" data-autosubmit>
      <option value="">Any status</option>
      ${LEAD_STATUSES.map((s) => html`<option value="${s}"${filters.status === s ? ' selected' : ''}>${s}</option>`)}
    </select></div>
  <div><label for="origin">Origin</label>
    <input id="origin" name="origin" value="${filters.origin}" placeholder="e.g. website" size="12" maxlength="100"></div>
  <div><label for="channel">Channel</label>
    <select id="channel" name="channel" data-autosubmit>
      <option value="">Any channel</option>
      ${CHANNELS.map((ch) => html`<option value="${ch}"${filters.channel === ch ? ' selected' : ''}>${CHANNEL_LABELS[ch]}</option>`)}
    </select></div>
  <div><label for="campaign">Campaign</label>
    <input id="campaign" name="campaign" value="${filters.campaign}" placeholder="utm_campaign" size="12" maxlength="200"></div>
  <div class="actions">
    <button class="primary" type="submit">Filter</button>
    <a class="button" href="/leads">Reset</a>
    <a class="button" href="/leads/export.csv${filtersQuery(filters, { page: 1 })}" download>Export CSV</a>
  </div>
</form>`;
}

function pager(filters: LeadFilters, pagination: Pagination) {
  const from = pagination.count ? pagination.offset + 1 : 0;
  const to = pagination.offset + pagination.count;
  const prev =
    filters.page > 1
      ? html`<a class="button" rel="prev" href="/leads${filtersQuery(filters, { page: filters.page - 1 })}">← Previous</a>`
      : '';
  const next = pagination.has_more
    ? html`<a class="button" rel="next" href="/leads${filtersQuery(filters, { page: filters.page + 1 })}">Next →</a>`
    : '';
  return html`<div class="pager"><span class="muted small">${from}–${to} of ${pagination.total}</span><span>${prev} ${next}</span></div>`;
}

export function leadsPage(data: LeadsPageData) {
  const { filters, list } = data;
  const filtered = filters.q || filters.status || filters.origin || filters.channel || filters.campaign;
  const table = !list
    ? ''
    : list.leads.length === 0
      ? html`<div class="empty">${filtered ? 'No lead matches these filters.' : 'No leads yet. They appear here when a visitor sends a form on your site.'}</div>`
      : html`<div class="table-wrap"><table>
  <thead><tr>${COLUMNS.map((c) => header(filters, c))}</tr></thead>
  <tbody>${list.leads.map((lead) => row(lead, filters))}</tbody>
</table></div>
${pager(filters, list.pagination)}`;
  return layout({
    title: 'Leads',
    owner: data.owner,
    nav: 'leads',
    body: html`<h1>Leads</h1>
${flash('error', data.error)}
${counts(data)}
${data.chart ? html`<section class="card" aria-label="Leads over time">${renderChart(data.chart)}</section>` : ''}
${sourcesCard(data)}
<section class="card" aria-label="Leads">
  ${filterForm(filters)}
  ${table}
</section>`,
  });
}
