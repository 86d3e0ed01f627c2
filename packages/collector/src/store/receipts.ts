/** Ingest receipts: what a request carrying an event_id answered, so a retried one is applied once. */

export interface Receipt {
  status: number;
  body: unknown;
}

/** Reads and writes of receipts, inside a unit of work. */
export interface ReceiptRows {
  getReceipt(siteId: string, eventId: string): Promise<Receipt | null>;
  /** Records that an event was applied; false when it already was (a concurrent replay). */
  putReceipt(siteId: string, eventId: string, receipt: Receipt, at: string): Promise<boolean>;
}

/** The receipts' upkeep. */
export interface ReceiptUpkeep {
  /** Forgets receipts made before `before`; returns how many. */
  pruneReceipts(before: string): Promise<number>;
}
