/** The outbox in SQL. */
import type { OutboxEvent, OutboxRows } from '../outbox.ts';
import type { Queryable } from './queryable.ts';
import { toIso } from './rows.ts';

export class SqlOutbox implements OutboxRows {
  constructor(private readonly db: Queryable) {}

  async addOutboxEvents(...events: OutboxEvent[]) {
    if (events.length) await this.db.insertInto('outbox').values(events).execute();
  }

  async listOutboxEvents(siteId: string, opts: { limit: number }): Promise<OutboxEvent[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .select(['id', 'site_id', 'type', 'lead_id', 'payload', 'created_at'])
      .where('site_id', '=', siteId)
      .orderBy('seq')
      .limit(opts.limit)
      .execute();
    return rows.map((row) => ({ ...row, created_at: toIso(row.created_at) }));
  }
}
