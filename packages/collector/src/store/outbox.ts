/**
 * The outbox: events for the site owner's notifications (webhooks, Slack, email), written in the transaction of the
 * change they report, so an event exists exactly when its change does. The payload is kept as the exact JSON text
 * that is delivered (and signed).
 */
export interface OutboxEvent {
  /** `msg_...`: the webhook-id, the same on every attempt. */
  id: string;
  site_id: string;
  type: string;
  lead_id: string | null;
  /** `{type, timestamp, data}` as JSON text. */
  payload: string;
  created_at: string;
}

export interface OutboxRows {
  addOutboxEvents(...events: OutboxEvent[]): Promise<void>;
  /** The site's events, oldest first, at most `limit`. */
  listOutboxEvents(siteId: string, opts: { limit: number }): Promise<OutboxEvent[]>;
}
