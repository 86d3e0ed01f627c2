export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'converted', 'lost'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

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
