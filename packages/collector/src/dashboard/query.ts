/** The leads list's URL state (search, filters, date range, sort, page) and the list action's input made from it. */
import {
  CHANNELS,
  type Channel,
  LEAD_STATUSES,
  type LeadStatus,
  SORT_COLUMNS,
  type SortColumn,
} from '@leadtrail/protocol';
import { type DateRange, DEFAULT_PRESET, parseRange, type RangeChoice, rangeParams } from './range.ts';

export const PAGE_SIZE = 50;
/** Far past any real list; keeps offset inside the schema's bound whatever the URL says. */
const MAX_PAGE = 1_000_000;

export interface LeadFilters {
  q: string;
  status: LeadStatus | '';
  origin: string;
  /** The first touch's channel and campaign. */
  channel: Channel | '';
  campaign: string;
  range: RangeChoice;
  sort: SortColumn;
  order: 'asc' | 'desc';
  page: number;
}

export const DEFAULT_FILTERS: LeadFilters = {
  q: '',
  status: '',
  origin: '',
  channel: '',
  campaign: '',
  range: { preset: DEFAULT_PRESET },
  sort: 'created_at',
  order: 'desc',
  page: 1,
};

/** Reads the query string leniently: an unknown status or sort column falls back to the default. */
export function parseFilters(query: Record<string, string | undefined>): LeadFilters {
  const status = query.status ?? '';
  const sort = query.sort ?? '';
  const page = Number.parseInt(query.page ?? '1', 10);
  return {
    q: (query.q ?? '').trim(),
    status: (LEAD_STATUSES as readonly string[]).includes(status) ? (status as LeadStatus) : '',
    origin: (query.origin ?? '').trim(),
    channel: (CHANNELS as readonly string[]).includes(query.channel ?? '') ? (query.channel as Channel) : '',
    campaign: (query.campaign ?? '').trim().slice(0, 200),
    range: parseRange(query),
    sort: (SORT_COLUMNS as readonly string[]).includes(sort) ? (sort as SortColumn) : DEFAULT_FILTERS.sort,
    order: query.order === 'asc' ? 'asc' : query.order === 'desc' ? 'desc' : DEFAULT_FILTERS.order,
    page: Number.isInteger(page) && page >= 1 ? Math.min(page, MAX_PAGE) : 1,
  };
}

/** `?q=...&status=...` with only the values that differ from the defaults ('' when none do). */
export function filtersQuery(filters: LeadFilters, overrides: Partial<LeadFilters> = {}): string {
  const merged = { ...filters, ...overrides };
  const params = new URLSearchParams();
  for (const key of ['q', 'status', 'origin', 'channel', 'campaign'] as const) {
    if (merged[key] !== '') params.set(key, merged[key]);
  }
  for (const [key, value] of Object.entries(rangeParams(merged.range))) params.set(key, value);
  for (const key of ['sort', 'order', 'page'] as const) {
    if (merged[key] !== DEFAULT_FILTERS[key]) params.set(key, String(merged[key]));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/**
 * The filters (search, status, origin, channel, campaign, the range resolved in the owner's zone) of these URL
 * values, as the core's filter input; `status` can be left out.
 */
export function filterInput(filters: LeadFilters, range: DateRange, without: { status?: boolean } = {}) {
  return {
    ...(range.from ? { created_from: range.from } : {}),
    ...(range.to ? { created_to: range.to } : {}),
    ...(filters.q ? { search: filters.q } : {}),
    ...(filters.status && !without.status ? { status: filters.status } : {}),
    ...(filters.origin ? { origin: filters.origin } : {}),
    ...(filters.channel ? { channel: filters.channel } : {}),
    ...(filters.campaign ? { utm_campaign: filters.campaign } : {}),
  };
}

/** Whether the list is narrowed by anything but its date range. */
export const hasFilters = (filters: LeadFilters) =>
  Boolean(filters.q || filters.status || filters.origin || filters.channel || filters.campaign);

/** The list action's filters and sort for these URL values (paging is added by the caller). */
export const listFilters = (filters: LeadFilters, range: DateRange) => ({
  ...filterInput(filters, range),
  sort_by: filters.sort,
  sort_order: filters.order,
});
