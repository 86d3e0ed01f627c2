/** Visitors in SQL. */
import type { Visitor } from '@leadtrail/protocol';
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { NewVisitor, VisitorPatch, VisitorRows } from '../visitors.ts';
import type { SqlDialect } from './dialect.ts';
import { prepare } from './prepared.ts';
import { lockable, type Queryable } from './queryable.ts';
import { encodeJson, encodeNullableJson, rowToVisitor } from './rows.ts';
import type { VisitorsTable } from './schema.ts';

const visitorById = (lock: boolean) =>
  prepare<{ site_id: string; id: string }, Selectable<VisitorsTable>>((db, $, dialect) =>
    lockable(
      dialect,
      db.selectFrom('visitors').selectAll().where('site_id', '=', $.site_id).where('id', '=', $.id),
      lock,
    ),
  );
const VISITOR_BY_ID = { locked: visitorById(true), plain: visitorById(false) };

const INSERT_VISITOR = prepare<Insertable<VisitorsTable>, Selectable<VisitorsTable>>((db, $) =>
  db
    .insertInto('visitors')
    .values($)
    .onConflict((oc) => oc.columns(['site_id', 'id']).doNothing())
    .returningAll(),
);

const UPDATE_VISITOR = prepare<Updateable<VisitorsTable> & { site_id: string; id: string }, Selectable<VisitorsTable>>(
  (db, { site_id, id, ...set }) =>
    db.updateTable('visitors').set(set).where('site_id', '=', site_id).where('id', '=', id).returningAll(),
);

export class SqlVisitors implements VisitorRows {
  constructor(
    private readonly db: Queryable,
    private readonly dialect: SqlDialect,
  ) {}

  async getVisitor(siteId: string, id: string, opts?: { lock?: boolean }) {
    const query = VISITOR_BY_ID[opts?.lock ? 'locked' : 'plain'];
    const row = await query.first(this.db, this.dialect, { site_id: siteId, id });
    return row ? rowToVisitor(row) : null;
  }

  async insertVisitor(visitor: NewVisitor) {
    const row = await INSERT_VISITOR.first(this.db, this.dialect, {
      ...visitor,
      pages_visited: encodeJson(visitor.pages_visited),
      first_touch: encodeNullableJson(visitor.first_touch),
      latest_touch: encodeNullableJson(visitor.latest_touch),
    });
    return row ? rowToVisitor(row) : null;
  }

  async updateVisitor(siteId: string, id: string, patch: VisitorPatch): Promise<Visitor> {
    const { pages_visited, first_touch, latest_touch, ...rest } = patch;
    const row = await UPDATE_VISITOR.first(this.db, this.dialect, {
      ...rest,
      ...(pages_visited ? { pages_visited: encodeJson(pages_visited) } : {}),
      ...(first_touch !== undefined ? { first_touch: encodeNullableJson(first_touch) } : {}),
      ...(latest_touch !== undefined ? { latest_touch: encodeNullableJson(latest_touch) } : {}),
      site_id: siteId,
      id,
    });
    // Callers update a visitor they read under lock in the same transaction.
    if (!row) throw new Error('updateVisitor: no such visitor');
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
}
