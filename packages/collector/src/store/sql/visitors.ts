/** Visitors in SQL. */
import type { Visitor } from '@leadtrail/protocol';
import type { NewVisitor, VisitorPatch, VisitorRows } from '../visitors.ts';
import type { SqlDialect } from './dialect.ts';
import { lockable, type Queryable } from './queryable.ts';
import { encodeJson, encodeNullableJson, rowToVisitor } from './rows.ts';

export class SqlVisitors implements VisitorRows {
  constructor(
    private readonly db: Queryable,
    private readonly dialect: SqlDialect,
  ) {}

  async getVisitor(siteId: string, id: string, opts?: { lock?: boolean }) {
    const query = this.db.selectFrom('visitors').selectAll().where('site_id', '=', siteId).where('id', '=', id);
    const row = await lockable(this.dialect, query, opts?.lock).executeTakeFirst();
    return row ? rowToVisitor(row) : null;
  }

  async insertVisitor(visitor: NewVisitor) {
    const row = await this.db
      .insertInto('visitors')
      .values({
        ...visitor,
        pages_visited: encodeJson(visitor.pages_visited),
        first_touch: encodeNullableJson(visitor.first_touch),
        latest_touch: encodeNullableJson(visitor.latest_touch),
      })
      .onConflict((oc) => oc.columns(['site_id', 'id']).doNothing())
      .returningAll()
      .executeTakeFirst();
    return row ? rowToVisitor(row) : null;
  }

  async updateVisitor(siteId: string, id: string, patch: VisitorPatch): Promise<Visitor> {
    const { pages_visited, first_touch, latest_touch, ...rest } = patch;
    const row = await this.db
      .updateTable('visitors')
      .set({
        ...rest,
        ...(pages_visited ? { pages_visited: encodeJson(pages_visited) } : {}),
        ...(first_touch !== undefined ? { first_touch: encodeNullableJson(first_touch) } : {}),
        ...(latest_touch !== undefined ? { latest_touch: encodeNullableJson(latest_touch) } : {}),
      })
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
}
