/**
 * Notification events, written to the outbox in the transaction of the change they report (by `runLeadsAction`,
 * from the notices an action returns): `lead.created`, `lead.submission` (a browser's form or identify adding to an
 * existing lead) and `lead.status_changed`. The payload is Standard Webhooks' `{type, timestamp, data}`, with the
 * lead as the secret-key API answers it, fixed when the change happened.
 */
import type { Lead, LeadStatus } from '@leadtrail/protocol';
import type { OutboxEvent } from '../store/lead-store.ts';
import { uuidv7 } from './ids.ts';

export const OUTBOX_EVENT_TYPES = ['lead.created', 'lead.submission', 'lead.status_changed'] as const;
export type OutboxEventType = (typeof OUTBOX_EVENT_TYPES)[number];

/** What an action tells the outbox; the lead is the one its answer holds. */
export type Notice =
  | { type: 'lead.created' }
  | { type: 'lead.submission'; submission: { visitor_id: string | null; page: string | null; fields: object } }
  | { type: 'lead.status_changed'; status_change: { from: LeadStatus; to: LeadStatus } };

/** The outbox rows for an action's notices about `lead`. */
export function outboxEvents(siteId: string, lead: Lead, notices: readonly Notice[], now: string): OutboxEvent[] {
  return notices.map(({ type, ...detail }) => ({
    id: `msg_${uuidv7().replace(/-/g, '')}`,
    site_id: siteId,
    type,
    lead_id: lead.id,
    payload: JSON.stringify({ type, timestamp: now, data: { lead, ...detail } }),
    created_at: now,
  }));
}
