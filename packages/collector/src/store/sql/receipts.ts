/** Ingest receipts in SQL. */
import type { Receipt, ReceiptRows, ReceiptUpkeep } from '../receipts.ts';
import type { Queryable } from './queryable.ts';
import { decodeJson, encodeJson } from './rows.ts';

export class SqlReceipts implements ReceiptRows, ReceiptUpkeep {
  constructor(private readonly db: Queryable) {}

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

  async pruneReceipts(before: string) {
    const result = await this.db.deleteFrom('ingest_receipts').where('created_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
