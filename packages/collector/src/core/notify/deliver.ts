/**
 * The delivery loop: claims the deliveries that are due (a lease, so collectors sharing a database never send one
 * twice at once), sends each (signed per Standard Webhooks, as a Slack message, or as a mail), and records the
 * outcome: 2xx delivered; 410 disables the endpoint (its owner asked to stop); anything else (another status, a
 * timeout, a refused connection, a private target) is tried again on the schedule, then failed. An endpoint whose
 * every attempt has failed for FAILING_DAYS is turned off too. Either way the site's other endpoints are told (a
 * `webhook.disabled` event), as is the log and the dashboard. A collector that dies with a delivery leased sends it
 * once the lease ends. Nothing of the payload or the secret is logged.
 */
import type { DueDelivery, LeadStore } from '../../store/lead-store.ts';
import { uuidv7 } from '../ids.ts';
import type { Mailer } from './email.ts';
import { targetOf } from './message.ts';
import { nextDelay, RETRY_DELAYS_MS } from './schedule.ts';
import { postWebhook, SEND_TIMEOUT_MS } from './send.ts';
import { slackMessage } from './slack.ts';
import { signWebhook } from './standard-webhooks.ts';

export interface DeliveryOptions {
  /** Let webhooks reach loopback and private addresses (a collector whose receivers are on its own network). */
  allowPrivateTargets: boolean;
  /** Where the dashboard is, for the lead's link in Slack messages and mails. */
  dashboardUrl?: string;
  /** Sends the `email` endpoints' mails; without it they wait, failing, for a collector that has one. */
  mailer?: Mailer | null;
  retryDelaysMs?: readonly number[];
  now?: () => Date;
  log?: (entry: Record<string, unknown>) => void;
}

/** Longer than one send can take: a lease outlives the attempt it covers. */
const LEASE_MS = SEND_TIMEOUT_MS * 4;
const BATCH = 20;
/** An endpoint failing every attempt for this long is turned off (Standard Webhooks' senders use days, not hours). */
export const FAILING_DAYS = 5;

type Attempt = { ok: boolean; status: number | null; error: string | null; gone?: boolean; permanent?: boolean };

/** One send of one delivery in its endpoint's format. */
async function send(delivery: DueDelivery, at: Date, options: DeliveryOptions): Promise<Attempt> {
  const { event, endpoint } = delivery;
  if (endpoint.format === 'email') {
    if (!options.mailer) return { ok: false, status: null, error: 'no SMTP server set (--smtp-url)' };
    const mail = await options.mailer.send(endpoint.url.slice('mailto:'.length), event.payload, options.dashboardUrl);
    return 'error' in mail
      ? { ok: false, status: mail.status ?? null, error: mail.error, permanent: mail.permanent ?? false }
      : { ok: true, status: mail.status, error: null };
  }
  const [body, headers] =
    endpoint.format === 'slack'
      ? [slackMessage(event.payload, options.dashboardUrl), {}]
      : [event.payload, signWebhook(endpoint.secret, event.id, Math.floor(at.getTime() / 1000), event.payload)];
  const result = await postWebhook(endpoint.url, headers, body, { allowPrivate: options.allowPrivateTargets });
  if ('error' in result) return { ok: false, status: null, error: result.error };
  const ok = result.status >= 200 && result.status <= 299;
  return { ok, status: result.status, error: ok ? null : `HTTP ${result.status}`, gone: result.status === 410 };
}

/** Turns an endpoint off and tells the site's other endpoints, in one transaction. */
async function disable(store: LeadStore, delivery: DueDelivery, reason: string, at: string, options: DeliveryOptions) {
  const { endpoint } = delivery;
  await store.transaction(async (tx) => {
    await tx.disableWebhookEndpoint(endpoint.id, reason, at);
    const others = (await tx.listWebhookEndpoints(endpoint.site_id)).filter((e) => !e.disabled_at);
    const webhook = {
      id: endpoint.id,
      format: endpoint.format,
      target: targetOf(endpoint.url),
      disabled_reason: reason,
    };
    await tx.addOutboxEventFor(
      others.map((e) => e.id),
      {
        id: `msg_${uuidv7().replace(/-/g, '')}`,
        site_id: endpoint.site_id,
        type: 'webhook.disabled',
        lead_id: null,
        payload: JSON.stringify({ type: 'webhook.disabled', timestamp: at, data: { webhook } }),
        created_at: at,
      },
    );
  });
  options.log?.({ event: 'webhook_disabled', webhook_id: endpoint.id, site_id: endpoint.site_id, reason });
}

/** One attempt of one delivery, and its outcome recorded. */
async function attempt(store: LeadStore, delivery: DueDelivery, options: DeliveryOptions) {
  const at = options.now?.() ?? new Date();
  const result = await send(delivery, at, options);
  const done = options.now?.() ?? new Date();
  if (result.gone) return disable(store, delivery, 'the endpoint answered 410 Gone', done.toISOString(), options);
  const attempts = delivery.attempts + 1;
  const delay = result.ok || result.permanent ? null : nextDelay(attempts, options.retryDelaysMs ?? RETRY_DELAYS_MS);
  await store.recordDelivery(delivery.event.id, delivery.endpoint.id, {
    status: result.ok ? 'delivered' : delay === null ? 'failed' : 'pending',
    attempts,
    next_attempt_at: new Date(done.getTime() + (delay ?? 0)).toISOString(),
    last_status: result.status,
    last_error: result.error,
    updated_at: done.toISOString(),
  });
  const since = delivery.endpoint.failing_since;
  if (!result.ok && since && done.getTime() - Date.parse(since) >= FAILING_DAYS * 86_400_000) {
    const reason = `every attempt failed since ${since.slice(0, 10)} (last: ${result.error})`;
    await disable(store, delivery, reason, done.toISOString(), options);
  }
}

/** Sends what is due now; answers how many deliveries it attempted. */
export async function deliverDue(store: LeadStore, options: DeliveryOptions): Promise<number> {
  const now = options.now?.() ?? new Date();
  const due = await store.claimDueDeliveries(
    now.toISOString(),
    new Date(now.getTime() + LEASE_MS).toISOString(),
    BATCH,
  );
  await Promise.all(due.map((delivery) => attempt(store, delivery, options)));
  return due.length;
}

/** Runs `deliverDue` every `intervalMs` (at once again while there was work); `stop` waits for the pass running. */
export function startDeliveryLoop(
  store: LeadStore,
  options: DeliveryOptions & { intervalMs?: number; onError?: (error: unknown) => void },
) {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const pass = () => {
    running = deliverDue(store, options)
      .catch((error) => {
        options.onError?.(error);
        return 0;
      })
      .then((sent) => {
        if (!stopped) timer = setTimeout(pass, sent ? 0 : (options.intervalMs ?? 1000));
      });
  };
  pass();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
