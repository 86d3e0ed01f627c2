/**
 * The leads list: the date range and time zone, counts per status, the chart, search and filters, a sortable table,
 * paging and the export. Days and times are the owner's, in the site's time zone.
 */
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
import { formatLocal } from '../calendar.ts';
import { type ChartData, renderChart } from '../chart.ts';
import { formatDuration } from '../format.ts';
import { filtersQuery, hasFilters, type LeadFilters, PAGE_SIZE } from '../query.ts';
import { type DateRange, PRESETS, type Preset } from '../range.ts';
import { csrfField, flash, layout } from './layout.ts';

type Breakdown = { value: string | null; count: number }[];

export interface LeadsPageData {
  owner: Owner;
  /** What a change that returned to the list did (a deletion). */
  info?: string | null;
  filters: LeadFilters;
  range: DateRange;
  /** The site's time zone, whether the owner chose it, and the zones to choose from. */
  zone: { name: string; chosen: boolean; choices: readonly string[] };
  /** The site has no lead at all (so an empty list is not the filters' doing). */
  siteEmpty: boolean;
  counts: { all: number; byStatus: Record<LeadStatus, number> } | null;
  chart: ChartData | null;
  /** Leads per first-touch channel and per campaign, for the current filters. */
  sources: { byChannel: Breakdown; byCampaign: Breakdown } | null;
  list: { leads: Lead[]; pagination: Pagination } | null;
  error?: string | null;
}

/** On a phone (hideSm hidden) the name (with the email and the date under it) and the status stay in view. */
const COLUMNS: { label: string; sort?: SortColumn; num?: boolean; hideSm?: boolean }[] = [
  { label: 'Name', sort: 'name' },
  { label: 'Email', sort: 'email', hideSm: true },
  { label: 'Company', sort: 'company', hideSm: true },
  { label: 'Status', sort: 'status' },
  { label: 'Origin', sort: 'origin', hideSm: true },
  { label: 'Source', hideSm: true },
  { label: 'Pages', num: true, hideSm: true },
  { label: 'Active', sort: 'time_spent', num: true, hideSm: true },
  { label: 'Visits', sort: 'visit_count', num: true, hideSm: true },
  { label: 'Created', sort: 'created_at', hideSm: true },
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

function row(lead: Lead, filters: LeadFilters, zone: string) {
  return html`<tr>
  <td class="select"><input type="checkbox" form="bulk" name="${SELECT_PREFIX}${lead.id}" value="1" aria-label="Select ${lead.name}"></td>
  <td><a class="lead-name" href="/leads/${lead.id}">${lead.name}</a><span class="show-sm small muted">${lead.email ?? ''}${lead.email ? ' · ' : ''}${formatLocal(zone, lead.created_at).slice(0, 10)}</span></td>
  <td class="hide-sm">${lead.email ?? ''}</td>
  <td class="hide-sm">${lead.company ?? ''}</td>
  <td>${statusBadge(lead.status)}</td>
  <td class="hide-sm">${lead.origin ? html`<a href="/leads${filtersQuery(filters, { origin: lead.origin, page: 1 })}">${lead.origin}</a>` : ''}</td>
  <td class="hide-sm">${source(lead, filters)}</td>
  <td class="num hide-sm">${lead.pages_visited.length}</td>
  <td class="num hide-sm">${formatDuration(lead.time_spent)}</td>
  <td class="num hide-sm">${lead.visit_count}</td>
  <td class="nowrap hide-sm"><time datetime="${lead.created_at}" title="${formatLocal(zone, lead.created_at)}">${formatLocal(zone, lead.created_at).slice(0, 10)}</time></td>
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

/** Hidden fields that carry the parts of the list's state a form does not show. */
function carried(filters: LeadFilters, keys: readonly string[]) {
  const params = new URLSearchParams(filtersQuery(filters, { page: 1 }));
  return [...params]
    .filter(([key]) => keys.includes(key))
    .map(([key, value]) => html`<input type="hidden" name="${key}" value="${value}">`);
}

function filterForm(filters: LeadFilters) {
  const hidden = carried(filters, ['range', 'from', 'to', 'sort', 'order']);
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

/** The presets as links, the owner's own days, and the time zone the days are in. */
function rangeBar(data: LeadsPageData) {
  const { filters, range, zone, owner } = data;
  const current = 'preset' in range.choice ? range.choice.preset : null;
  const presets = (Object.keys(PRESETS) as Preset[]).map(
    (preset) =>
      html`<a class="preset" href="/leads${filtersQuery(filters, { range: { preset }, page: 1 })}"${current === preset ? html` aria-current="true"` : ''}>${PRESETS[preset]}</a>`,
  );
  const zoneOptions = zone.choices.includes(zone.name) ? zone.choices : [zone.name, ...zone.choices];
  return html`<section class="range-bar" aria-label="Date range and time zone">
  <nav class="presets" aria-label="Date range">${presets}</nav>
  <form class="range-form" method="get" action="/leads">
    ${carried(filters, ['q', 'status', 'origin', 'channel', 'campaign', 'sort', 'order'])}
    <div><label for="from">From</label><input id="from" type="date" name="from" value="${range.firstDay ?? ''}"></div>
    <div><label for="to">To</label><input id="to" type="date" name="to" value="${range.lastDay ?? ''}"></div>
    <button type="submit">Apply</button>
  </form>
  <form class="zone-form" method="post" action="/leads/zone">
    ${csrfField(owner)}
    <input type="hidden" name="back" value="${filtersQuery(filters)}">
    <div><label for="time_zone">Time zone</label>
      <select id="time_zone" name="time_zone" data-autosubmit>
        ${zoneOptions.map((name) => html`<option value="${name}"${name === zone.name ? ' selected' : ''}>${name}</option>`)}
      </select></div>
    <button type="submit" class="zone-save">Save</button>
    ${zone.chosen ? '' : html`<button type="submit" name="browser_zone" value="" hidden data-browser-zone>Use this browser’s zone</button>`}
  </form>
</section>`;
}

/** Why the list is empty, and the way on. */
function emptyList(data: LeadsPageData, pagination: Pagination) {
  const { filters, range } = data;
  if (pagination.total > 0) {
    const lastPage = Math.ceil(pagination.total / PAGE_SIZE);
    return html`<div class="empty">No leads on this page: the list has ${pagination.total} lead${pagination.total === 1 ? '' : 's'}, ${lastPage} page${lastPage === 1 ? '' : 's'}.</div>
<div class="pager"><span class="muted small">Page ${filters.page}</span><span><a class="button" rel="prev" href="/leads${filtersQuery(filters, { page: lastPage })}">← Last page (${lastPage})</a></span></div>`;
  }
  if (data.siteEmpty) {
    return html`<div class="empty">No leads yet. They appear here when a visitor sends a form on your site.</div>`;
  }
  const period = range.label.charAt(0).toLowerCase() + range.label.slice(1);
  const allTime = 'preset' in range.choice && range.choice.preset === 'all';
  const wider = allTime
    ? ''
    : html` <a href="/leads${filtersQuery(filters, { range: { preset: 'all' }, page: 1 })}">Show all time</a>`;
  return hasFilters(filters)
    ? html`<div class="empty">No lead matches these filters${allTime ? '' : html` in ${period}`}.${wider}</div>`
    : html`<div class="empty">No lead matches this date range (${period}).${wider}</div>`;
}

/** A ticked lead's checkbox is named `lead:<id>`: one field per lead, whatever the form parser does with repeats. */
export const SELECT_PREFIX = 'lead:';

/** What to do with the ticked leads: a status for all, or a CSV of just them. The boxes sit in the rows (form=). */
function bulkForm(data: LeadsPageData) {
  return html`<form id="bulk" class="inline-form bulk" method="post" action="/leads/bulk">
  ${csrfField(data.owner)}
  <input type="hidden" name="back" value="/leads${filtersQuery(data.filters)}">
  <label class="muted small" for="bulk-action">With the leads ticked</label>
  <select id="bulk-action" name="action">
    <option value="qualified">Qualify</option>
    <option value="contacted">Mark contacted</option>
    <option value="converted">Mark converted</option>
    <option value="lost">Mark lost</option>
    <option value="export">Export them as CSV</option>
  </select>
  <button type="submit">Apply</button>
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
  const table = !list
    ? ''
    : list.leads.length === 0
      ? emptyList(data, list.pagination)
      : html`${bulkForm(data)}<div class="table-wrap" tabindex="0" role="region" aria-label="Leads table"><table>
  <thead><tr><th scope="col" class="select"><span class="visually-hidden">Select</span></th>${COLUMNS.map((c) => header(filters, c))}</tr></thead>
  <tbody>${list.leads.map((lead) => row(lead, filters, data.zone.name))}</tbody>
</table></div>
${pager(filters, list.pagination)}`;
  return layout({
    title: 'Leads',
    owner: data.owner,
    nav: 'leads',
    body: html`<h1>Leads</h1>
${flash('ok', data.info)}${flash('error', data.error)}
${rangeBar(data)}
${counts(data)}
${data.chart ? html`<section class="card" aria-label="Leads over time">${renderChart(data.chart)}</section>` : ''}
${sourcesCard(data)}
<section class="card" aria-label="Leads">
  ${filterForm(filters)}
  ${table}
</section>`,
  });
}
