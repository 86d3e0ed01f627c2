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

/** A site's webhook endpoint: where events go, in which format, signed with its secret. */
export interface WebhookEndpoint {
  id: string;
  site_id: string;
  url: string;
  format: 'standard' | 'slack';
  /** The event types it takes; null: all. */
  events: string[] | null;
  secret: string;
  created_at: string;
  disabled_at: string | null;
  disabled_reason: string | null;
}

/** A delivery claimed for an attempt: the event, where it goes, and how many attempts came before. */
export interface DueDelivery {
  event: OutboxEvent;
  endpoint: WebhookEndpoint;
  attempts: number;
}

export interface DeliveryOutcome {
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: string;
  last_status: number | null;
  last_error: string | null;
  updated_at: string;
}

/** Endpoints and their deliveries. Writing an event (OutboxRows) makes one pending delivery per endpoint taking it. */
export interface WebhookRows {
  addWebhookEndpoint(endpoint: Omit<WebhookEndpoint, 'disabled_at' | 'disabled_reason'>): Promise<void>;
  listWebhookEndpoints(siteId: string): Promise<WebhookEndpoint[]>;
  getWebhookEndpoint(id: string): Promise<WebhookEndpoint | null>;
  removeWebhookEndpoint(siteId: string, id: string): Promise<boolean>;
  disableWebhookEndpoint(id: string, reason: string, at: string): Promise<void>;
  /**
   * Claims up to `limit` deliveries due at `now`, moving their next attempt to `leaseUntil` (so no other collector
   * takes them meanwhile; on Postgres, rows another collector is claiming are skipped, not waited for).
   */
  claimDueDeliveries(now: string, leaseUntil: string, limit: number): Promise<DueDelivery[]>;
  recordDelivery(eventId: string, endpointId: string, outcome: DeliveryOutcome): Promise<void>;
  listDeliveries(endpointId: string, limit: number): Promise<(DeliveryOutcome & { event_id: string; type: string })[]>;
}
