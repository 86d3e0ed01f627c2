/** Leads in SQL: look-ups by id, email and phone, inserts and patches, the list query and its aggregates. */
import {
  type Attribution,
  LEAD_STATUSES,
  type LeadStatus,
  normalizeEmail,
  normalizePhone,
  type SortColumn,
  TEXT_SORT_COLUMNS,
  type TouchDetails,
  type TouchKind,
} from '@leadtrail/protocol';
import type { Insertable, Selectable, SelectQueryBuilder, Updateable } from 'kysely';
import { sql } from 'kysely';
import {
  DuplicateEmailError,
  type LeadFilter,
  type LeadPatch,
  type LeadQuery,
  type LeadRows,
  type NewLead,
  type TouchColumn,
  type TouchCount,
} from '../leads.ts';
import type { SqlDialect } from './dialect.ts';
import { prepare } from './prepared.ts';
import { lockable, type Queryable } from './queryable.ts';
import { encodeJson, encodeNullableJson, rowToLead, toIso } from './rows.ts';
import type { Database, LeadsTable, LeadTouchesTable } from './schema.ts';

const JSON_LEAD_COLUMNS = ['contact_info', 'company_info', 'own_behaviour', 'browser_fields'] as const;
/** Sorted case-insensitively; the others sort by value. */
const TEXT_SORTS = new Set<SortColumn>(TEXT_SORT_COLUMNS);
/** May be null: nulls go last in either direction, the same on both dialects. */
const NULLABLE_SORTS = new Set<SortColumn>(['email', 'company', 'origin', 'lead_score', 'status_changed_at']);

/** Lead fields to column values: JSON encoded, match keys derived. */
function leadColumns(fields: Partial<NewLead> | LeadPatch): Updateable<LeadsTable> {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (key === 'attribution') {
      const { first_touch, latest_touch } = value as Attribution;
      row.first_touch = encodeNullableJson(first_touch);
      row.latest_touch = encodeNullableJson(latest_touch);
    } else if ((JSON_LEAD_COLUMNS as readonly string[]).includes(key)) row[key] = encodeNullableJson(value);
    else if (key === 'pages_visited') row[key] = encodeJson(value);
    else row[key] = value;
  }
  if ('email' in fields && fields.email !== undefined) {
    row.email_norm = fields.email == null ? null : normalizeEmail(fields.email);
  }
  if ('phone' in fields && fields.phone !== undefined) {
    row.phone_norm = fields.phone == null ? null : normalizePhone(fields.phone);
  }
  return row as Updateable<LeadsTable>;
}

/** The filter's attribution values as lead_touches holds them (lower case; a host without "www."). */
export const touchFilterValue = (
  column: 'utm_source' | 'utm_medium' | 'utm_campaign' | 'referrer_host',
  value: string,
) => (column === 'referrer_host' ? value.toLowerCase().replace(/^www\./, '') : value.toLowerCase());

/** A lead's touch as a lead_touches row. */
const touchRow = (siteId: string, leadId: string, kind: TouchKind, touch: TouchDetails) => ({
  lead_id: leadId,
  kind,
  site_id: siteId,
  channel: touch.channel,
  utm_source: touch.utm_source?.toLowerCase() ?? null,
  utm_medium: touch.utm_medium?.toLowerCase() ?? null,
  utm_campaign: touch.utm_campaign?.toLowerCase() ?? null,
  referrer_host: touch.referrer_host,
});

const TOUCH_FILTERS = ['utm_source', 'utm_medium', 'utm_campaign', 'referrer_host'] as const;
/** The filters that leave out some of a site's leads (`touch` only says which touch the attribution ones read). */
const NARROWING = [
  'status',
  'origin',
  'segment_id',
  'campaign_id',
  'assignee_id',
  'user_id',
  'search',
  'channel',
  ...TOUCH_FILTERS,
  'created_from',
  'created_to',
] as const satisfies readonly (keyof LeadFilter)[];
const narrows = (filter: LeadFilter) => NARROWING.some((key) => filter[key] !== undefined && filter[key] !== '');

type LeadRow = Selectable<LeadsTable>;
const leadBy = (column: 'id' | 'email_norm', lock: boolean) =>
  prepare<{ site_id: string; value: string }, LeadRow>((db, $, dialect) =>
    lockable(
      dialect,
      db.selectFrom('leads').selectAll().where('site_id', '=', $.site_id).where(column, '=', $.value),
      lock,
    ),
  );
const LEAD_BY_ID = { locked: leadBy('id', true), plain: leadBy('id', false) };
const LEAD_BY_EMAIL = { locked: leadBy('email_norm', true), plain: leadBy('email_norm', false) };

const INSERT_LEAD = prepare<Insertable<LeadsTable>, LeadRow>((db, $) =>
  db
    .insertInto('leads')
    .values($)
    .onConflict((oc) => oc.columns(['site_id', 'email_norm']).doNothing())
    .returningAll(),
);
const UPDATE_LEAD = prepare<Updateable<LeadsTable> & { site_id: string; id: string }, LeadRow>(
  (db, { site_id, id, ...set }) =>
    db.updateTable('leads').set(set).where('site_id', '=', site_id).where('id', '=', id).returningAll(),
);
const DELETE_TOUCHES = prepare<{ lead_id: string }, never>((db, $) =>
  db.deleteFrom('lead_touches').where('lead_id', '=', $.lead_id),
);
const INSERT_TOUCH = prepare<Insertable<LeadTouchesTable>, never>((db, $) => db.insertInto('lead_touches').values($));

/** A filter's values as its query binds them: touch values as lead_touches holds them, the search as planned. */
type FilterValues = { site_id: string } & Omit<LeadFilter, 'touch'> & { touch?: TouchKind };
/** A list's values: the filter's and the page's. */
type ListValues = FilterValues & { limit: number; offset: number };
/** What a list's SQL depends on besides which values it has: the sort, and how its search runs. */
interface ListShape {
  sort_by: SortColumn;
  sort_order: 'asc' | 'desc';
  search?: string;
}

/** The values a filter's query binds, and the shape of its search (its SQL differs by shape, prepared.ts). */
function filterValues(siteId: string, filter: LeadFilter, dialect: SqlDialect) {
  const values: FilterValues = { site_id: siteId };
  for (const column of ['status', 'origin', 'segment_id', 'campaign_id', 'assignee_id', 'user_id'] as const) {
    if (filter[column] !== undefined) Object.assign(values, { [column]: filter[column] });
  }
  let search: string | undefined;
  if (filter.search) {
    const plan = dialect.searchPlan(filter.search);
    search = plan.shape;
    values.search = plan.value;
  }
  if (filter.channel || TOUCH_FILTERS.some((column) => filter[column])) {
    values.touch = filter.touch ?? 'first';
    if (filter.channel) values.channel = filter.channel;
    for (const column of TOUCH_FILTERS) {
      const value = filter[column];
      if (value) values[column] = touchFilterValue(column, value);
    }
  }
  if (filter.created_from) values.created_from = filter.created_from;
  if (filter.created_to) values.created_to = filter.created_to;
  return { values, search };
}

/**
 * The site's leads that pass the filter, as a query to select from: built from the values (filterValues) or from
 * slots standing for them; `search` is the search's shape.
 */
function filterLeads(db: Queryable, $: FilterValues, dialect: SqlDialect, search: string | undefined) {
  let base = db.selectFrom('leads').where('site_id', '=', $.site_id);
  for (const column of ['status', 'origin', 'segment_id', 'campaign_id', 'assignee_id', 'user_id'] as const) {
    const value = $[column];
    if (value !== undefined) base = base.where(column, '=', value);
  }
  if (search !== undefined) base = base.where(dialect.searchPredicate(search, $.search));
  if ($.touch !== undefined) {
    let touches = db.selectFrom('lead_touches').select('lead_id').where('site_id', '=', $.site_id);
    touches = touches.where('kind', '=', $.touch);
    if ($.channel !== undefined) touches = touches.where('channel', '=', $.channel);
    for (const column of TOUCH_FILTERS) {
      const value = $[column];
      if (value !== undefined) touches = touches.where(column, '=', value);
    }
    base = base.where('id', 'in', touches);
  }
  // A range of created_at: a range of the (site_id, created_at) and (site_id, status, created_at) indexes.
  if ($.created_from !== undefined) base = base.where('created_at', '>=', $.created_from);
  if ($.created_to !== undefined) base = base.where('created_at', '<', $.created_to);
  return base;
}

/** The list's order: its sort column, then seq (the order the leads were created), in the same direction. */
function ordered<O>(q: SelectQueryBuilder<Database, 'leads', O>, shape: ListShape, dialect: SqlDialect) {
  const column = shape.sort_by;
  const key = TEXT_SORTS.has(column)
    ? (dialect.textSortKey?.(column) ?? sql`lower(${sql.ref(column)})`)
    : sql.ref(column);
  const nullsLast = NULLABLE_SORTS.has(column);
  return q
    .orderBy(key, (ob) => {
      const directed = shape.sort_order === 'asc' ? ob.asc() : ob.desc();
      return nullsLast ? directed.nullsLast() : directed;
    })
    .orderBy('seq', shape.sort_order);
}

/**
 * A page of the list: found by seq alone (from an index when the sort has one, without reading the skipped rows),
 * then only its rows are read, so a deep offset walks index entries, not whole rows. The database plans each call:
 * the best plan depends on how many leads the values match.
 */
const LIST_PAGE = prepare(
  (db, { limit, offset, ...$ }: ListValues, dialect, shape: ListShape) => {
    const page = ordered(filterLeads(db, $, dialect, shape.search).select('seq'), shape, dialect)
      .limit(limit)
      .offset(offset);
    return ordered(db.selectFrom('leads').selectAll().where('seq', 'in', page), shape, dialect);
  },
  { planPerCall: true },
);
/** How many leads match the list's filter. */
const LIST_TOTAL = prepare(
  (db, $: FilterValues, dialect, search: string | undefined) =>
    filterLeads(db, $, dialect, search).select((eb) => eb.fn.countAll().as('total')),
  { planPerCall: true },
);

export class SqlLeads implements LeadRows {
  constructor(
    private readonly db: Queryable,
    private readonly dialect: SqlDialect,
  ) {}

  async getLead(siteId: string, id: string, opts?: { lock?: boolean }) {
    const query = LEAD_BY_ID[opts?.lock ? 'locked' : 'plain'];
    const row = await query.first(this.db, this.dialect, { site_id: siteId, value: id });
    return row ? rowToLead(row) : null;
  }

  async findLeadByEmail(siteId: string, email: string, opts?: { lock?: boolean }) {
    const query = LEAD_BY_EMAIL[opts?.lock ? 'locked' : 'plain'];
    const row = await query.first(this.db, this.dialect, { site_id: siteId, value: normalizeEmail(email) });
    return row ? rowToLead(row) : null;
  }

  async findLeadsByPhone(siteId: string, phone: string) {
    const norm = normalizePhone(phone);
    if (!norm) return [];
    const rows = await this.db
      .selectFrom('leads')
      .selectAll()
      .where('site_id', '=', siteId)
      .where('phone_norm', '=', norm)
      .orderBy('seq')
      .limit(10)
      .execute();
    return rows.map(rowToLead);
  }

  async insertLead(lead: NewLead) {
    const row = await INSERT_LEAD.first(this.db, this.dialect, {
      ...leadColumns(lead),
      updated_at: lead.created_at,
    } as Insertable<LeadsTable>);
    if (row && lead.attribution) await this.indexTouches(lead.site_id, lead.id, lead.attribution, true);
    return row ? rowToLead(row) : null;
  }

  /** Replaces the lead's lead_touches rows with its attribution's (a new lead has none to replace). */
  private async indexTouches(siteId: string, leadId: string, attribution: Attribution, isNew = false) {
    if (!isNew) await DELETE_TOUCHES.run(this.db, this.dialect, { lead_id: leadId });
    for (const kind of ['first', 'latest'] as const) {
      const touch = attribution[`${kind}_touch`];
      if (touch) await INSERT_TOUCH.run(this.db, this.dialect, touchRow(siteId, leadId, kind, touch));
    }
  }

  async updateLead(siteId: string, id: string, patch: LeadPatch) {
    try {
      const row = await UPDATE_LEAD.first(this.db, this.dialect, { ...leadColumns(patch), site_id: siteId, id });
      // Callers update a lead they read in the same transaction.
      if (!row) throw new Error('updateLead: no such lead');
      if (patch.attribution) await this.indexTouches(siteId, id, patch.attribution);
      return rowToLead(row);
    } catch (error) {
      if (this.dialect.isUniqueViolation(error)) throw new DuplicateEmailError(null);
      throw error;
    }
  }

  /** The site's leads that pass the filter, as a query to select from. */
  private filtered(siteId: string, filter: LeadFilter) {
    const { values, search } = filterValues(siteId, filter, this.dialect);
    return filterLeads(this.db, values, this.dialect, search);
  }

  /**
   * The filtered leads, every status named when the filter names none: both planners then count from the (site_id,
   * status, created_at) index, one range of it per status, instead of reading each lead's row for its status.
   */
  private byStatus(siteId: string, filter: LeadFilter) {
    const base = this.filtered(siteId, filter);
    return filter.status ? base : base.where('status', 'in', LEAD_STATUSES);
  }

  async countLeadsByStatus(siteId: string, filter: LeadFilter) {
    const rows = await this.byStatus(siteId, filter)
      .select((eb) => ['status', eb.fn.countAll().as('count')])
      .groupBy('status')
      .execute();
    return rows.map((row) => ({ status: row.status, count: Number(row.count) }));
  }

  async countLeadsByPeriod(siteId: string, filter: LeadFilter, bounds: readonly string[]) {
    // Each period, cut to the filter's own period (an empty one counts nothing).
    const periods = bounds.slice(1).map((end, i) => {
      const start = bounds[i]!;
      const from = filter.created_from && filter.created_from > start ? filter.created_from : start;
      const to = filter.created_to && filter.created_to < end ? filter.created_to : end;
      return (to < from ? [from, from] : [from, to]) as [string, string];
    });
    if (!periods.length) return [];
    const statuses = filter.status ? [filter.status] : LEAD_STATUSES;
    // One count per period and status, each a range of the (site_id, status, created_at) index: no row is read,
    // and nothing is sorted (a GROUP BY of a computed period sorted every matching lead: 30 ms at 100,000).
    const { created_from: _, created_to: __, status: ___, ...rest } = filter;
    const count = this.filtered(siteId, rest)
      .select((eb) => eb.fn.countAll().as('n'))
      .where('status', '=', sql.ref<LeadStatus>('state.status'))
      .where('created_at', '>=', sql.ref<string>('period.start_at'))
      .where('created_at', '<', sql.ref<string>('period.end_at'));
    // Postgres types a VALUES list's parameters as text unless told; the cast is a no-op on SQLite's text.
    const type = sql.raw(this.dialect.name === 'postgres' ? 'timestamptz' : 'text');
    const rows = sql`VALUES ${sql.join(
      periods.map(([from, to], i) => sql`(${sql.lit(i)}, CAST(${from} AS ${type}), CAST(${to} AS ${type}))`),
    )}`;
    const states = sql`VALUES ${sql.join(statuses.map((status) => sql`(${status})`))}`;
    const { rows: counted } = await sql<{ bucket: number | string; status: LeadStatus; count: number | string }>`
      WITH period (bucket, start_at, end_at) AS (${rows}), state (status) AS (${states})
      SELECT period.bucket, state.status, (${count}) AS count FROM period CROSS JOIN state`.execute(this.db);
    return counted
      .map((row) => ({ period: Number(row.bucket), status: row.status, count: Number(row.count) }))
      .filter((row) => row.count > 0);
  }

  async firstCreatedAt(siteId: string, filter: LeadFilter) {
    const row = await this.filtered(siteId, filter)
      .select((eb) => eb.fn.min('created_at').as('first'))
      .executeTakeFirst();
    return row?.first ? toIso(row.first) : null;
  }

  async countLeadsByTouch<C extends TouchColumn>(
    siteId: string,
    filter: LeadFilter,
    by: { columns: readonly C[]; kind: TouchKind },
  ) {
    const counts = Object.fromEntries(by.columns.map((column) => [column, new Map<string | null, number>()]));
    const add = (column: C, value: unknown, count: number) => {
      const map = counts[column]!;
      const key = (value ?? null) as string | null;
      map.set(key, (map.get(key) ?? 0) + count);
    };
    if (!narrows(filter)) {
      // Every lead of the site: one GROUP BY per attribute, each read from its own index alone, and the leads
      // without a touch are the rest of the site's count.
      const [total, ...perColumn] = await Promise.all([
        this.db
          .selectFrom('leads')
          .select((eb) => eb.fn.countAll().as('total'))
          .where('site_id', '=', siteId)
          .executeTakeFirstOrThrow(),
        ...by.columns.map((column) =>
          this.db
            .selectFrom('lead_touches')
            .select((eb) => [eb.ref(column).as('value'), eb.fn.countAll().as('count')])
            .where('site_id', '=', siteId)
            .where('kind', '=', by.kind)
            .groupBy(column)
            .execute(),
        ),
      ]);
      by.columns.forEach((column, i) => {
        const rows = perColumn[i]!;
        for (const row of rows) add(column, row.value, Number(row.count));
        add(column, null, Number(total.total) - rows.reduce((sum, row) => sum + Number(row.count), 0));
      });
    } else {
      // Some leads: the matching ones, each joined to its touch (none: nulls), counted by every attribute at once.
      const refs = by.columns.map((column) => `touch.${column}` as const);
      const rows = await this.db
        .selectFrom(this.filtered(siteId, filter).select('id').as('matching'))
        .leftJoin('lead_touches as touch', (join) =>
          join.onRef('touch.lead_id', '=', 'matching.id').on('touch.kind', '=', by.kind),
        )
        .select((eb) => [...refs, eb.fn.countAll().as('count')])
        .groupBy(refs)
        .execute();
      for (const row of rows) {
        for (const column of by.columns) add(column, (row as Record<string, unknown>)[column], Number(row.count));
      }
    }
    return Object.fromEntries(
      by.columns.map((column) => [
        column,
        [...counts[column]!].filter(([, count]) => count > 0).map(([value, count]) => ({ value, count })),
      ]),
    ) as Record<C, TouchCount[]>;
  }

  async listLeads(siteId: string, query: LeadQuery) {
    const { values, search } = filterValues(siteId, query, this.dialect);
    const shape: ListShape = { sort_by: query.sort_by, sort_order: query.sort_order, search };
    const page = { ...values, limit: query.limit, offset: query.offset };
    const rows = (await LIST_PAGE.run(this.db, this.dialect, page, shape)).rows;
    // The total is a COUNT(*) over every match, the costly part of a list (it grows with the matches, not the page).
    // A page that is not full already tells it: then it is offset + the rows on the page, and no count runs.
    let total = query.offset + rows.length;
    if (rows.length === query.limit || (rows.length === 0 && query.offset > 0)) {
      const counted = await LIST_TOTAL.first(this.db, this.dialect, values, search);
      total = Number(counted?.total ?? 0);
    }
    return { leads: rows.map(rowToLead), total };
  }
}
