/**
 * A site's webhook endpoints, as the CLI (and later the dashboard) manage them: added with a new secret shown once,
 * listed without it, removed. A URL must be http(s) and name a host; where it may point is checked at each send
 * (target-guard.ts), since what a name resolves to can change.
 */
import type { LeadStore, WebhookEndpoint } from '../../store/lead-store.ts';
import { LeadsError } from '../errors.ts';
import { uuidv7 } from '../ids.ts';
import { OUTBOX_EVENT_TYPES } from '../outbox.ts';
import { newWebhookSecret } from './standard-webhooks.ts';

export const WEBHOOK_FORMATS = ['standard', 'slack'] as const;

export interface NewWebhook {
  url: string;
  format?: (typeof WEBHOOK_FORMATS)[number];
  /** Event types to send; none: all. */
  events?: string[];
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
  const unknown = (webhook.events ?? []).filter((e) => !(OUTBOX_EVENT_TYPES as readonly string[]).includes(e));
  if (unknown.length) {
    throw invalid(`Unknown event type ${unknown.join(', ')}: one of ${OUTBOX_EVENT_TYPES.join(', ')}`);
  }
  const secret = newWebhookSecret();
  const id = uuidv7();
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

/** The site's endpoints, without their secrets. */
export async function listWebhooks(store: LeadStore, siteId: string): Promise<Omit<WebhookEndpoint, 'secret'>[]> {
  return (await store.listWebhookEndpoints(siteId)).map(({ secret: _, ...endpoint }) => endpoint);
}

/** Removes an endpoint (its deliveries with it); false when there is none with this id. */
export async function removeWebhook(store: LeadStore, id: string): Promise<boolean> {
  const endpoint = /^[\da-f-]{36}$/i.test(id) ? await store.getWebhookEndpoint(id.toLowerCase()) : null;
  return endpoint ? store.removeWebhookEndpoint(endpoint.site_id, endpoint.id) : false;
}
