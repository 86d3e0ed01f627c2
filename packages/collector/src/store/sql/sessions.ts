/** Dashboard sessions in SQL. */
import type { DashboardSession, SessionRows } from '../sessions.ts';
import { isUuid, type Queryable } from './queryable.ts';
import { rowToSession } from './rows.ts';

export class SqlSessions implements SessionRows {
  constructor(private readonly db: Queryable) {}

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

  async deleteSiteSessions(siteId: string, method?: DashboardSession['method'], ref?: string) {
    if (!isUuid(siteId)) return 0;
    let query = this.db.deleteFrom('dashboard_sessions').where('site_id', '=', siteId);
    if (method) query = query.where('method', '=', method);
    if (ref !== undefined) query = query.where('ref', '=', ref);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async pruneSessions(now: string) {
    const result = await this.db.deleteFrom('dashboard_sessions').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
