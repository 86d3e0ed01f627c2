/**
 * A site's notification endpoints, as the CLI and the dashboard manage them: webhooks added with a new secret shown
 * once, email recipients, listed without secrets, removed, turned back on. A webhook URL must be http(s) and name a
 * host; where it may point is checked at each send (target-guard.ts), since what a name resolves to can change.
 */
import { isUuid } from '@leadtrail/protocol';
import type { LeadStore, WebhookEndpoint } from '../../store/lead-store.ts';
import { LeadsError } from '../errors.ts';
import { uuidv7 } from '../ids.ts';
import { OUTBOX_EVENT_TYPES } from '../outbox.ts';
import { newWebhookSecret } from './standard-webhooks.ts';

export const WEBHOOK_FORMATS = ['standard', 'slack'] as const;

/** One address, as a mail's To takes it: no list, no display name, no line break. */
const EMAIL = /^[^\s@,;<>"]+@[^\s@,;<>"]+\.[^\s@,;<>"]+$/;

export interface NewWebhook {
  url: string;
  format?: (typeof WEBHOOK_FORMATS)[number];
  /** Event types to send; none: all. */
  events?: string[];
  /** The new endpoint's id (a form's, so sending it twice adds one); a new one when absent. */
  id?: string;
}

const invalid = (message: string) => new LeadsError('invalid_input', message);

/** Adds an endpoint to the site; answers its id and its secret (which is never shown again). */
export async function addWebhook(store: LeadStore, siteId: string, webhook: NewWebhook) {
  let url: URL;
  try {
    url = new URL(webhook.url);
  } catch {
    throw invalid('The webhook URL is not a URL');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname || url.username || url.password) {
    throw invalid('The webhook URL must be http(s), name a host, and hold no user name or password');
  }
  const format = webhook.format ?? 'standard';
  if (!(WEBHOOK_FORMATS as readonly string[]).includes(format)) throw invalid('The format is standard or slack');
  checkEvents(webhook.events);
  const secret = newWebhookSecret();
  const id = webhook.id ?? uuidv7();
  await store.addWebhookEndpoint({
    id,
    site_id: siteId,
    url: url.href,
    format,
    events: webhook.events?.length ? [...new Set(webhook.events)] : null,
    secret,
    created_at: new Date().toISOString(),
  });
  return { webhook_id: id, secret };
}

function checkEvents(events: string[] | undefined) {
  const unknown = (events ?? []).filter((e) => !(OUTBOX_EVENT_TYPES as readonly string[]).includes(e));
  if (unknown.length) {
    throw invalid(`Unknown event type ${unknown.join(', ')}: one of ${OUTBOX_EVENT_TYPES.join(', ')}`);
  }
}

/** Mails the site's new leads (or the `events` given) to `address`; answers the endpoint's id. */
export async function addEmailRecipient(
  store: LeadStore,
  siteId: string,
  address: string,
  events?: string[],
  id = uuidv7(),
) {
  const to = address.trim();
  if (to.length > 254 || !EMAIL.test(to))
    throw invalid('The recipient must be one email address, like owner@example.com');
  checkEvents(events);
  await store.addWebhookEndpoint({
    id,
    site_id: siteId,
    url: `mailto:${to}`,
    format: 'email',
    events: events?.length ? [...new Set(events)] : ['lead.created'],
    // Unused by mail, but every endpoint has one.
    secret: newWebhookSecret(),
    created_at: new Date().toISOString(),
  });
  return { endpoint_id: id };
}

/** The site's endpoints, without their secrets. */
export async function listWebhooks(store: LeadStore, siteId: string): Promise<Omit<WebhookEndpoint, 'secret'>[]> {
  return (await store.listWebhookEndpoints(siteId)).map(({ secret: _, ...endpoint }) => endpoint);
}

/** The endpoint with this id, or null (an id that is no UUID names none). */
const endpointById = (store: LeadStore, id: string) => (isUuid(id) ? store.getWebhookEndpoint(id.toLowerCase()) : null);

/** The site's endpoint with this id, or null (another site's endpoint is none of its business). */
export async function siteEndpoint(store: LeadStore, siteId: string, id: string) {
  const endpoint = await endpointById(store, id);
  return endpoint?.site_id === siteId ? endpoint : null;
}

/** Queues a `webhook.test` event for one endpoint of the site; false when the site has no such endpoint. */
export async function sendTest(store: LeadStore, siteId: string, id: string): Promise<boolean> {
  const endpoint = await siteEndpoint(store, siteId, id);
  if (!endpoint) return false;
  const now = new Date().toISOString();
  const data = { webhook: { id: endpoint.id }, message: 'A test notification from leadtrail' };
  await store.addOutboxEventFor([endpoint.id], {
    id: `msg_${uuidv7().replace(/-/g, '')}`,
    site_id: siteId,
    type: 'webhook.test',
    lead_id: null,
    payload: JSON.stringify({ type: 'webhook.test', timestamp: now, data }),
    created_at: now,
  });
  return true;
}

/** Sends one of the endpoint's deliveries again, from the start of the schedule (same webhook-id). */
export async function resendDelivery(store: LeadStore, siteId: string, id: string, eventId: string) {
  const endpoint = await siteEndpoint(store, siteId, id);
  if (!endpoint || endpoint.disabled_at) return false;
  return store.retryDelivery(eventId, endpoint.id, new Date().toISOString());
}

/** Removes an endpoint (its deliveries with it); false when there is none with this id. */
export async function removeWebhook(store: LeadStore, id: string): Promise<boolean> {
  const endpoint = await endpointById(store, id);
  return endpoint ? store.removeWebhookEndpoint(endpoint.site_id, endpoint.id) : false;
}
