/** Erasing a lead with everything about it, and reading all of it, in SQL. */
import { sql } from 'kysely';
import type { ErasedRows, ErasureRows } from '../erasure.ts';
import type { Receipt } from '../receipts.ts';
import type { SqlDialect } from './dialect.ts';
import { lockable, type Queryable } from './queryable.ts';
import { encodeJson, rowToSubmission } from './rows.ts';

/** Ids per statement: well under both drivers' limits on parameters. */
const BATCH = 200;

const batches = <T>(items: readonly T[]) =>
  Array.from({ length: Math.ceil(items.length / BATCH) }, (_, i) => items.slice(i * BATCH, (i + 1) * BATCH));

const count = (result: { numDeletedRows: bigint } | { numUpdatedRows: bigint }) =>
  Number('numDeletedRows' in result ? result.numDeletedRows : result.numUpdatedRows);

export class SqlErasure implements ErasureRows {
  constructor(
    private readonly db: Queryable,
    private readonly dialect: SqlDialect,
  ) {}

  async eraseLead(siteId: string, leadId: string, receipt: Receipt, at: string): Promise<ErasedRows | null> {
    // Locked first (Postgres): an identify about to link a visitor to this lead waits, then finds no lead.
    const query = this.db.selectFrom('leads').select('id').where('site_id', '=', siteId).where('id', '=', leadId);
    const lead = await lockable(this.dialect, query, true).executeTakeFirst();
    if (!lead) return null;
    const visitorIds = (
      await this.db
        .selectFrom('visitors')
        .select('id')
        .where('site_id', '=', siteId)
        .where('lead_id', '=', leadId)
        .execute()
    ).map((row) => row.id);
    // Before the submissions go: they name the events whose receipts are the lead's.
    const receipts = await this.replaceReceipts(siteId, leadId, visitorIds, receipt, at);

    // The outbox has no index by lead: this reads the site's events, which are pruned after days (erasure is rare).
    const events = this.db
      .selectFrom('outbox')
      .select('id')
      .where('site_id', '=', siteId)
      .where('lead_id', '=', leadId);
    await this.db.deleteFrom('webhook_deliveries').where('event_id', 'in', events).execute();
    const notifications = await this.db
      .deleteFrom('outbox')
      .where('site_id', '=', siteId)
      .where('lead_id', '=', leadId)
      .executeTakeFirstOrThrow();
    const submissions = await this.db
      .deleteFrom('lead_submissions')
      .where('site_id', '=', siteId)
      .where('lead_id', '=', leadId)
      .executeTakeFirstOrThrow();
    const history = await this.db
      .deleteFrom('lead_events')
      .where('site_id', '=', siteId)
      .where('lead_id', '=', leadId)
      .executeTakeFirstOrThrow();
    const touches = await this.db
      .deleteFrom('lead_touches')
      .where('site_id', '=', siteId)
      .where('lead_id', '=', leadId)
      .executeTakeFirstOrThrow();
    // Deleted rather than left to the foreign key, which would only unlink them (ON DELETE SET NULL).
    const visitors = await this.db
      .deleteFrom('visitors')
      .where('site_id', '=', siteId)
      .where('lead_id', '=', leadId)
      .executeTakeFirstOrThrow();
    // The search index follows: Postgres's trigram indexes are on the row itself; SQLite's FTS5 entry is deleted by
    // the per-commit queue (sqlite/search-queue.ts) in this same commit.
    await this.db.deleteFrom('leads').where('site_id', '=', siteId).where('id', '=', leadId).execute();
    return {
      visitors: count(visitors),
      submissions: count(submissions),
      events: count(history),
      touches: count(touches),
      notifications: count(notifications),
      receipts,
    };
  }

  /**
   * Replaces the answers of the lead's receipts, found two ways: by the event ids its submissions recorded, and by
   * answers that hold its id or a visitor's id (an owner's identify answers the lead; a browser's acknowledgement
   * names its visitor, including behaviour syncs that recorded no submission). The second reads the site's receipts,
   * which are pruned after days, so there are few; the ids are UUIDs, which hold no LIKE wildcard. Each is dated
   * anew, so it outlives any retry of its event for the whole receipt period from now.
   */
  private async replaceReceipts(siteId: string, leadId: string, visitorIds: string[], receipt: Receipt, at: string) {
    const keys = new Set<string>();
    const submitted = this.db
      .selectFrom('lead_submissions')
      .select('event_id')
      .where('site_id', '=', siteId)
      .where('lead_id', '=', leadId)
      .where('event_id', 'is not', null)
      .$narrowType<{ event_id: string }>();
    const byEvent = await this.db
      .selectFrom('ingest_receipts')
      .select('event_id')
      .where('site_id', '=', siteId)
      .where('event_id', 'in', submitted)
      .execute();
    for (const row of byEvent) keys.add(row.event_id);
    const body = sql<string>`cast(body as text)`;
    for (const ids of batches([leadId, ...visitorIds])) {
      const byAnswer = await this.db
        .selectFrom('ingest_receipts')
        .select('event_id')
        .where('site_id', '=', siteId)
        .where((eb) => eb.or(ids.map((id) => eb(body, 'like', `%${id}%`))))
        .execute();
      for (const row of byAnswer) keys.add(row.event_id);
    }
    for (const eventIds of batches([...keys])) {
      await this.db
        .updateTable('ingest_receipts')
        .set({ status: receipt.status, body: encodeJson(receipt.body), created_at: at })
        .where('site_id', '=', siteId)
        .where('event_id', 'in', eventIds)
        .execute();
    }
    return keys.size;
  }

  async listAllSubmissions(siteId: string, leadId: string) {
    const rows = await this.db
      .selectFrom('lead_submissions')
      .selectAll()
      .where('site_id', '=', siteId)
      .where('lead_id', '=', leadId)
      .orderBy('seq')
      .execute();
    return rows.map(rowToSubmission);
  }
}
