/**
 * The LeadStore in one Kysely codebase for both SQL dialects (after atproto's pds/src/db): the dialect object
 * supplies the connection, migrations, the search predicate and row locks; every query is written once here.
 */
import { type LeadEvent, type SortColumn, type Submission, TEXT_SORT_COLUMNS, type Visitor } from '@leadtrail/protocol';
import {
  type Insertable,
  type Kysely,
  Migrator,
  type SelectQueryBuilder,
  sql,
  type Transaction,
  type Updateable,
} from 'kysely';
import {
  type ApiKey,
  type DashboardSession,
  DuplicateEmailError,
  type LeadFilter,
  type LeadOps,
  type LeadPatch,
  type LeadQuery,
  type LeadStore,
  type NewLead,
  type NewLeadEvent,
  type NewSubmission,
  type NewVisitor,
  publicLead,
  type Receipt,
  type Site,
  TransactionConflict,
  type VisitorPatch,
} from '../lead-store.ts';
import { normalizeEmail, normalizePhone } from '../normalize.ts';
import type { SqlDialect } from './dialect.ts';
import {
  decodeJson,
  encodeJson,
  encodeNullableJson,
  rowToEvent,
  rowToLead,
  rowToSession,
  rowToSubmission,
  rowToVisitor,
  toIso,
} from './rows.ts';
import type { Database, LeadsTable } from './schema.ts';

const JSON_LEAD_COLUMNS = ['contact_info', 'company_info', 'own_behaviour', 'browser_fields'] as const;
/** Sorted case-insensitively; the others sort by value. */
const TEXT_SORTS = new Set<SortColumn>(TEXT_SORT_COLUMNS);
/** May be null: nulls go last in either direction, the same on both dialects. */
const NULLABLE_SORTS = new Set<SortColumn>(['email', 'company', 'origin', 'lead_score', 'status_changed_at']);

/** Runs of a transaction that keeps losing races before the error is let through. */
const TRANSACTION_ATTEMPTS = 5;
/** Ids given on the command line reach the store unvalidated; Postgres would refuse a non-UUID with an error. */
const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/** Lead fields to column values: JSON encoded, match keys derived. */
function leadColumns(fields: Partial<NewLead> | LeadPatch): Updateable<LeadsTable> {
  const row: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if ((JSON_LEAD_COLUMNS as readonly string[]).includes(key)) row[key] = encodeNullableJson(value);
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

class SqlLeadOps implements LeadOps {
  constructor(
    protected readonly db: Kysely<Database> | Transaction<Database>,
    readonly dialect: SqlDialect,
  ) {}

  private lockable<Q extends { forUpdate(): Q }>(query: Q, lock?: boolean): Q {
    return lock && this.dialect.rowLocks ? query.forUpdate() : query;
  }

  async getLead(siteId: string, id: string, opts?: { lock?: boolean }) {
    const query = this.db.selectFrom('leads').selectAll().where('site_id', '=', siteId).where('id', '=', id);
    const row = await this.lockable(query, opts?.lock).executeTakeFirst();
    return row ? rowToLead(row) : null;
  }

  async findLeadByEmail(siteId: string, email: string, opts?: { lock?: boolean }) {
    const query = this.db
      .selectFrom('leads')
      .selectAll()
      .where('site_id', '=', siteId)
      .where('email_norm', '=', normalizeEmail(email));
    const row = await this.lockable(query, opts?.lock).executeTakeFirst();
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
    const row = await this.db
      .insertInto('leads')
      .values({ ...leadColumns(lead), updated_at: lead.created_at } as Insertable<LeadsTable>)
      .onConflict((oc) => oc.columns(['site_id', 'email_norm']).doNothing())
      .returningAll()
      .executeTakeFirst();
    return row ? rowToLead(row) : null;
  }

  async updateLead(siteId: string, id: string, patch: LeadPatch) {
    try {
      const row = await this.db
        .updateTable('leads')
        .set(leadColumns(patch))
        .where('site_id', '=', siteId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      return rowToLead(row);
    } catch (error) {
      if (this.dialect.isUniqueViolation(error)) throw new DuplicateEmailError(null);
      throw error;
    }
  }

  /** The site's leads that pass the filter, as a query to select from. */
  private filtered(siteId: string, filter: LeadFilter) {
    let base = this.db.selectFrom('leads').where('site_id', '=', siteId);
    for (const column of ['status', 'origin', 'segment_id', 'campaign_id', 'assignee_id', 'user_id'] as const) {
      const value = filter[column];
      if (value !== undefined) base = base.where(column, '=', value);
    }
    if (filter.search) base = base.where(this.dialect.searchLeads(filter.search));
    if (filter.created_from) base = base.where('created_at', '>=', filter.created_from);
    if (filter.created_before) base = base.where('created_at', '<', filter.created_before);
    return base;
  }

  async countLeadsByStatus(siteId: string, filter: LeadFilter) {
    const rows = await this.filtered(siteId, filter)
      .select((eb) => ['status', eb.fn.countAll().as('count')])
      .groupBy('status')
      .execute();
    return rows.map((row) => ({ status: row.status, count: Number(row.count) }));
  }

  async countLeadsByDay(siteId: string, filter: LeadFilter) {
    const day = this.dialect.utcDay('created_at');
    const rows = await this.filtered(siteId, filter)
      .select((eb) => [day.as('day'), 'status', eb.fn.countAll().as('count')])
      .groupBy([day, 'status'])
      .execute();
    return rows.map((row) => ({ day: row.day, status: row.status, count: Number(row.count) }));
  }

  async listLeads(siteId: string, query: LeadQuery) {
    const base = this.filtered(siteId, query);

    const column = query.sort_by;
    const key = TEXT_SORTS.has(column)
      ? (this.dialect.textSortKey?.(column) ?? sql`lower(${sql.ref(column)})`)
      : sql.ref(column);
    const nullsLast = NULLABLE_SORTS.has(column);
    const ordered = <O>(q: SelectQueryBuilder<Database, 'leads', O>) =>
      q
        .orderBy(key, (ob) => {
          const directed = query.sort_order === 'asc' ? ob.asc() : ob.desc();
          return nullsLast ? directed.nullsLast() : directed;
        })
        .orderBy('seq', query.sort_order);

    // The page is found by seq alone (from an index when the sort has one, without reading the skipped rows), then
    // only its rows are read: a deep offset walks index entries, not whole rows.
    const page = ordered(base.select('seq')).limit(query.limit).offset(query.offset);
    const rows = await ordered(this.db.selectFrom('leads').selectAll().where('seq', 'in', page)).execute();
    // The total is a COUNT(*) over every match, the costly part of a list (it grows with the matches, not the page).
    // A page that is not full already tells it: then it is offset + the rows on the page, and no count runs.
    let total = query.offset + rows.length;
    if (rows.length === query.limit || (rows.length === 0 && query.offset > 0)) {
      const counted = await base.select((eb) => eb.fn.countAll().as('total')).executeTakeFirstOrThrow();
      total = Number(counted.total);
    }
    return { leads: rows.map((row) => publicLead(rowToLead(row))), total };
  }

  async getVisitor(siteId: string, id: string, opts?: { lock?: boolean }) {
    const query = this.db.selectFrom('visitors').selectAll().where('site_id', '=', siteId).where('id', '=', id);
    const row = await this.lockable(query, opts?.lock).executeTakeFirst();
    return row ? rowToVisitor(row) : null;
  }

  async insertVisitor(visitor: NewVisitor) {
    const row = await this.db
      .insertInto('visitors')
      .values({ ...visitor, pages_visited: encodeJson(visitor.pages_visited) })
      .onConflict((oc) => oc.columns(['site_id', 'id']).doNothing())
      .returningAll()
      .executeTakeFirst();
    return row ? rowToVisitor(row) : null;
  }

  async updateVisitor(siteId: string, id: string, patch: VisitorPatch): Promise<Visitor> {
    const { pages_visited, ...rest } = patch;
    const row = await this.db
      .updateTable('visitors')
      .set(pages_visited ? { ...rest, pages_visited: encodeJson(pages_visited) } : rest)
      .where('site_id', '=', siteId)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return rowToVisitor(row);
  }

  async listLeadVisitors(siteId: string, leadId: string) {
    const rows = await this.db
      .selectFrom('visitors')
      .selectAll()
      .where('site_id', '=', siteId)
      .where('lead_id', '=', leadId)
      .orderBy('first_seen')
      .orderBy('id')
      .execute();
    return rows.map(rowToVisitor);
  }

  async addEvent(...events: NewLeadEvent[]) {
    if (!events.length) return;
    await this.db
      .insertInto('lead_events')
      .values(
        events.map((event) => ({
          site_id: event.site_id,
          lead_id: event.lead_id,
          type: event.type,
          from_value: event.from,
          to_value: event.to,
          at: event.at,
        })),
      )
      .execute();
  }

  async listEvents(siteId: string, leadId: string): Promise<LeadEvent[]> {
    const rows = await this.db
      .selectFrom('lead_events')
      .selectAll()
      .where('site_id', '=', siteId)
      .where('lead_id', '=', leadId)
      .orderBy('seq')
      .execute();
    return rows.map(rowToEvent);
  }

  async addSubmission(submission: NewSubmission) {
    await this.db
      .insertInto('lead_submissions')
      .values({
        id: submission.id,
        site_id: submission.site_id,
        lead_id: submission.lead_id,
        visitor_id: submission.visitor_id,
        event_id: submission.event_id,
        page: submission.page,
        fields: encodeJson(submission.fields),
        applied: encodeJson(submission.applied),
        at: submission.at,
      })
      .execute();
  }

  async listSubmissions(siteId: string, leadId: string, limit: number): Promise<Submission[]> {
    const rows = await this.db
      .selectFrom('lead_submissions')
      .selectAll()
      .where('site_id', '=', siteId)
      .where('lead_id', '=', leadId)
      .orderBy('seq', 'desc')
      .limit(limit)
      .execute();
    return rows.map(rowToSubmission);
  }

  async getReceipt(siteId: string, eventId: string): Promise<Receipt | null> {
    const row = await this.db
      .selectFrom('ingest_receipts')
      .select(['status', 'body'])
      .where('site_id', '=', siteId)
      .where('event_id', '=', eventId)
      .executeTakeFirst();
    return row ? { status: Number(row.status), body: decodeJson(row.body) } : null;
  }

  async putReceipt(siteId: string, eventId: string, receipt: Receipt, at: string) {
    const result = await this.db
      .insertInto('ingest_receipts')
      .values({
        site_id: siteId,
        event_id: eventId,
        status: receipt.status,
        body: encodeJson(receipt.body),
        created_at: at,
      })
      .onConflict((oc) => oc.columns(['site_id', 'event_id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }
}

export class SqlLeadStore extends SqlLeadOps implements LeadStore {
  private constructor(dialect: SqlDialect) {
    super(dialect.db, dialect);
  }

  /** Opens the store and brings its schema up to date (a migration lock makes concurrent starts safe). */
  static async open(dialect: SqlDialect): Promise<SqlLeadStore> {
    const store = new SqlLeadStore(dialect);
    await store.migrate();
    dialect.afterMigrate?.();
    return store;
  }

  async migrate(): Promise<string[]> {
    const migrator = new Migrator({
      db: this.dialect.db,
      provider: { getMigrations: async () => this.dialect.migrations },
      ...(this.dialect.migrationSchema ? { migrationTableSchema: this.dialect.migrationSchema } : {}),
    });
    const { error, results } = await migrator.migrateToLatest();
    if (error) throw error;
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  }

  get kind() {
    return this.dialect.name;
  }

  /**
   * Runs fn in one transaction. On Postgres, a transaction that lost a race (deadlock 40P01, serialization
   * failure 40001) is rolled back and run again as a whole, a few times with jittered backoff; fn must therefore
   * have no effects outside the transaction (the actions have none).
   */
  async transaction<T>(fn: (tx: LeadOps) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.dialect.db.transaction().execute((trx) => fn(new SqlLeadOps(trx, this.dialect)));
      } catch (error) {
        const rerun = error instanceof TransactionConflict || this.dialect.isTransientConflict?.(error);
        if (attempt >= TRANSACTION_ATTEMPTS || !rerun) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
      }
    }
  }

  async pruneReceipts(before: string) {
    const result = await this.db.deleteFrom('ingest_receipts').where('created_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async ping() {
    await sql`select 1`.execute(this.db);
  }

  close() {
    return this.dialect.close();
  }

  // Sites and keys.

  async createSite(site: Site) {
    await this.dialect.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('sites')
        .values({ id: site.id, name: site.name, owner_user_id: site.owner_user_id, created_at: site.created_at })
        .execute();
      if (site.allowed_origins.length) {
        await trx
          .insertInto('site_origins')
          .values(site.allowed_origins.map((origin) => ({ site_id: site.id, origin })))
          .execute();
      }
    });
    return site;
  }

  async getSite(id: string) {
    if (!isUuid(id)) return null;
    const row = await this.db.selectFrom('sites').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? this.withOrigins(row) : null;
  }

  async listSites() {
    const rows = await this.db.selectFrom('sites').selectAll().orderBy('created_at').execute();
    return Promise.all(rows.map((row) => this.withOrigins(row)));
  }

  private async withOrigins(row: { id: string; name: string; owner_user_id: string; created_at: string | Date }) {
    const origins = await this.db
      .selectFrom('site_origins')
      .select('origin')
      .where('site_id', '=', row.id)
      .orderBy('origin')
      .execute();
    return { ...row, created_at: toIso(row.created_at), allowed_origins: origins.map((o) => o.origin) };
  }

  async setSiteOrigins(siteId: string, origins: string[]) {
    await this.dialect.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('site_origins').where('site_id', '=', siteId).execute();
      if (origins.length) {
        await trx
          .insertInto('site_origins')
          .values(origins.map((origin) => ({ site_id: siteId, origin })))
          .execute();
      }
    });
  }

  async isOriginAllowedAnywhere(origin: string) {
    const row = await this.db
      .selectFrom('site_origins')
      .select('site_id')
      .where('origin', '=', origin)
      .executeTakeFirst();
    return row !== undefined;
  }

  async createApiKey(key: ApiKey & { hash: string }) {
    await this.db.insertInto('api_keys').values(key).execute();
    const { hash: _, ...record } = key;
    return record;
  }

  async findApiKeyByHash(hash: string) {
    const row = await this.db
      .selectFrom('api_keys')
      .innerJoin('sites', 'sites.id', 'api_keys.site_id')
      .select([
        'api_keys.id',
        'api_keys.site_id',
        'api_keys.kind',
        'api_keys.prefix',
        'api_keys.hash',
        'api_keys.created_at',
        'api_keys.revoked_at',
        'sites.name as site_name',
        'sites.owner_user_id',
        'sites.created_at as site_created_at',
      ])
      .where('api_keys.hash', '=', hash)
      .where('api_keys.revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return null;
    const site = await this.withOrigins({
      id: row.site_id,
      name: row.site_name,
      owner_user_id: row.owner_user_id,
      created_at: row.site_created_at,
    });
    const key: ApiKey = {
      id: row.id,
      site_id: row.site_id,
      kind: row.kind,
      prefix: row.prefix,
      created_at: toIso(row.created_at),
      revoked_at: null,
    };
    return { key, hash: row.hash, site };
  }

  async listApiKeys(siteId: string) {
    if (!isUuid(siteId)) return [];
    const rows = await this.db
      .selectFrom('api_keys')
      .select(['id', 'site_id', 'kind', 'prefix', 'created_at', 'revoked_at'])
      .where('site_id', '=', siteId)
      .orderBy('created_at')
      .execute();
    return rows.map((row) => ({
      ...row,
      created_at: toIso(row.created_at),
      revoked_at: row.revoked_at == null ? null : toIso(row.revoked_at),
    }));
  }

  async revokeApiKey(id: string, at: string) {
    if (!isUuid(id)) return false;
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  // The dashboard's settings, owner passwords and sessions.

  async putSettingIfAbsent(key: string, value: string) {
    const db = this.db;
    await db
      .insertInto('settings')
      .values({ key, value })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirstOrThrow();
    return row.value;
  }

  async getOwnerPassword(siteId: string) {
    if (!isUuid(siteId)) return null;
    const row = await this.db
      .selectFrom('owner_passwords')
      .select('hash')
      .where('site_id', '=', siteId)
      .executeTakeFirst();
    return row?.hash ?? null;
  }

  async setOwnerPassword(siteId: string, hash: string | null, at: string) {
    const db = this.db;
    if (hash === null) {
      await db.deleteFrom('owner_passwords').where('site_id', '=', siteId).execute();
      return;
    }
    await db
      .insertInto('owner_passwords')
      .values({ site_id: siteId, hash, updated_at: at })
      .onConflict((oc) => oc.column('site_id').doUpdateSet({ hash, updated_at: at }))
      .execute();
  }

  async createSession(session: DashboardSession) {
    await this.db.insertInto('dashboard_sessions').values(session).execute();
  }

  async findSession(id: string, now: string) {
    const row = await this.db
      .selectFrom('dashboard_sessions')
      .selectAll()
      .where('id', '=', id)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row ? rowToSession(row) : null;
  }

  async deleteSession(id: string) {
    await this.db.deleteFrom('dashboard_sessions').where('id', '=', id).execute();
  }

  async deleteSiteSessions(siteId: string, method?: DashboardSession['method']) {
    if (!isUuid(siteId)) return 0;
    let query = this.db.deleteFrom('dashboard_sessions').where('site_id', '=', siteId);
    if (method) query = query.where('method', '=', method);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async pruneSessions(now: string) {
    const result = await this.db.deleteFrom('dashboard_sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
