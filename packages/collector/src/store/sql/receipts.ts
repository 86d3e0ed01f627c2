/** Ingest receipts in SQL. */

import type { Insertable } from 'kysely';
import type { Receipt, ReceiptRows, ReceiptUpkeep } from '../receipts.ts';
import type { SqlDialect } from './dialect.ts';
import { prepare } from './prepared.ts';
import type { Queryable } from './queryable.ts';
import { decodeJson, encodeJson } from './rows.ts';
import type { IngestReceiptsTable } from './schema.ts';

const RECEIPT = prepare<{ site_id: string; event_id: string }, Pick<IngestReceiptsTable, 'status' | 'body'>>((db, $) =>
  db
    .selectFrom('ingest_receipts')
    .select(['status', 'body'])
    .where('site_id', '=', $.site_id)
    .where('event_id', '=', $.event_id),
);
const PUT_RECEIPT = prepare<Insertable<IngestReceiptsTable>, never>((db, $) =>
  db
    .insertInto('ingest_receipts')
    .values($)
    .onConflict((oc) => oc.columns(['site_id', 'event_id']).doNothing()),
);

export class SqlReceipts implements ReceiptRows, ReceiptUpkeep {
  constructor(
    private readonly db: Queryable,
    private readonly dialect: SqlDialect,
  ) {}

  async getReceipt(siteId: string, eventId: string): Promise<Receipt | null> {
    const row = await RECEIPT.first(this.db, this.dialect, { site_id: siteId, event_id: eventId });
    return row ? { status: Number(row.status), body: decodeJson(row.body) } : null;
  }

  async putReceipt(siteId: string, eventId: string, receipt: Receipt, at: string) {
    const result = await PUT_RECEIPT.run(this.db, this.dialect, {
      site_id: siteId,
      event_id: eventId,
      status: receipt.status,
      body: encodeJson(receipt.body),
      created_at: at,
    });
    return Number(result.numAffectedRows ?? 0) > 0;
  }

  async pruneReceipts(before: string) {
    const result = await this.db.deleteFrom('ingest_receipts').where('created_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
