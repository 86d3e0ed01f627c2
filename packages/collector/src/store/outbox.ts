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

/**
 * A site's endpoint: where events go and in which format: a Standard Webhooks receiver (signed with its secret), a
 * Slack incoming webhook, or an email address (`mailto:` URL, sent through the collector's SMTP server).
 */
export interface WebhookEndpoint {
  id: string;
  site_id: string;
  url: string;
  format: 'standard' | 'slack' | 'email';
  /** The event types it takes; null: all. */
  events: string[] | null;
  secret: string;
  created_at: string;
  disabled_at: string | null;
  disabled_reason: string | null;
  /** When the first of an unbroken run of failed attempts was; null once one succeeds. */
  failing_since: string | null;
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
  addWebhookEndpoint(
    endpoint: Omit<WebhookEndpoint, 'disabled_at' | 'disabled_reason' | 'failing_since'>,
  ): Promise<void>;
  listWebhookEndpoints(siteId: string): Promise<WebhookEndpoint[]>;
  getWebhookEndpoint(id: string): Promise<WebhookEndpoint | null>;
  removeWebhookEndpoint(siteId: string, id: string): Promise<boolean>;
  /** Turns the endpoint off; its pending deliveries fail with `reason`. */
  disableWebhookEndpoint(id: string, reason: string, at: string): Promise<void>;
  /** Turns a disabled endpoint back on, its run of failures forgotten (deliveries from then on). */
  enableWebhookEndpoint(siteId: string, id: string): Promise<boolean>;
  /** Writes an event for the named endpoints only (a test send, a notice about another endpoint), pending for each. */
  addOutboxEventFor(endpointIds: readonly string[], event: OutboxEvent): Promise<void>;
  /**
   * Claims up to `limit` deliveries due at `now`, moving their next attempt to `leaseUntil` (so no other collector
   * takes them meanwhile; on Postgres, rows another collector is claiming are skipped, not waited for).
   */
  claimDueDeliveries(now: string, leaseUntil: string, limit: number): Promise<DueDelivery[]>;
  /** Records an attempt's outcome; the endpoint's `failing_since` starts on a failure and ends on a success. */
  recordDelivery(eventId: string, endpointId: string, outcome: DeliveryOutcome): Promise<void>;
  /** The endpoint's latest deliveries, newest first. */
  listDeliveries(endpointId: string, limit: number): Promise<(DeliveryOutcome & { event_id: string; type: string })[]>;
  /** Sends a delivery again from the start of the schedule (same event, same webhook-id); false when none. */
  retryDelivery(eventId: string, endpointId: string, at: string): Promise<boolean>;
  /** Forgets events written before `before` with nothing left to send, and their deliveries; answers how many events. */
  pruneOutbox(before: string): Promise<number>;
}
