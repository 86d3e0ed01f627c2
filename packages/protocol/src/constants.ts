export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'converted', 'lost'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

/** Where the leads tool's REST routes live (the seed's path). */
export const LEADS_API_PATH = '/api/agents/tools/leads';

/** Columns a list may be sorted by; anything else is refused, so sort input never reaches SQL. */
export const SORT_COLUMNS = [
  'created_at',
  'updated_at',
  'status_changed_at',
  'name',
  'email',
  'company',
  'status',
  'origin',
  'lead_score',
  'time_spent',
  'visit_count',
] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];
/** Sort columns holding text: sorted case-insensitively (ASCII), empty values last. */
export const TEXT_SORT_COLUMNS: readonly SortColumn[] = ['name', 'email', 'company', 'origin'];

/**
 * Marketing channels a touch is classified into (the collector's rule table: UTM first, then click id, then the
 * referrer's host).
 */
export const CHANNELS = [
  'direct',
  'organic_search',
  'paid_search',
  'organic_social',
  'paid_social',
  'email',
  'referral',
  'ai_assistant',
  'display',
  'affiliate',
  'other_campaign',
] as const;
export type Channel = (typeof CHANNELS)[number];

/** Which of a lead's touches the attribution filters of a list look at. */
export const TOUCH_KINDS = ['first', 'latest'] as const;
export type TouchKind = (typeof TOUCH_KINDS)[number];

export const ACTIONS = ['create', 'list', 'update', 'qualify', 'identify'] as const;
export type LeadsAction = (typeof ACTIONS)[number];

/** REST sub-routes of the seed; `get` is the list action. */
export const ROUTE_ACTIONS = {
  create: 'create',
  get: 'list',
  update: 'update',
  qualify: 'qualify',
  identify: 'identify',
} as const satisfies Record<string, LeadsAction>;

export const DEFAULT_LIMIT = 50;
