/**
 * The delivery loop: claims the deliveries that are due (a lease, so collectors sharing a database never send one
 * twice at once), sends each (signed per Standard Webhooks, or as a Slack message), and records the outcome: 2xx
 * delivered; 410 disables the endpoint (its owner asked to stop); anything else (another status, a timeout, a
 * refused connection, a private target) is tried again on the schedule, then failed. A collector that dies with a
 * delivery leased sends it once the lease ends. Nothing of the payload or the secret is logged.
 */
import type { DueDelivery, LeadStore } from '../../store/lead-store.ts';
import { nextDelay, RETRY_DELAYS_MS } from './schedule.ts';
import { postWebhook, SEND_TIMEOUT_MS } from './send.ts';
import { slackMessage } from './slack.ts';
import { signWebhook } from './standard-webhooks.ts';

export interface DeliveryOptions {
  /** Let webhooks reach loopback and private addresses (a collector whose receivers are on its own network). */
  allowPrivateTargets: boolean;
  /** Where the dashboard is, for the lead's link in Slack messages. */
  dashboardUrl?: string;
  retryDelaysMs?: readonly number[];
  now?: () => Date;
}

/** Longer than one send can take: a lease outlives the attempt it covers. */
const LEASE_MS = SEND_TIMEOUT_MS * 4;
const BATCH = 20;

/** The request a delivery makes: its body and headers. */
function requestOf(delivery: DueDelivery, nowSeconds: number, options: DeliveryOptions) {
  const { event, endpoint } = delivery;
  if (endpoint.format === 'slack') return { body: slackMessage(event.payload, options.dashboardUrl), headers: {} };
  return { body: event.payload, headers: signWebhook(endpoint.secret, event.id, nowSeconds, event.payload) };
}

/** One attempt of one delivery, and its outcome recorded. */
async function attempt(store: LeadStore, delivery: DueDelivery, options: DeliveryOptions) {
  const at = options.now?.() ?? new Date();
  const { body, headers } = requestOf(delivery, Math.floor(at.getTime() / 1000), options);
  const result = await postWebhook(delivery.endpoint.url, headers, body, {
    allowPrivate: options.allowPrivateTargets,
  });
  const attempts = delivery.attempts + 1;
  const done = new Date().toISOString();
  const status = 'status' in result ? result.status : null;
  const error =
    'error' in result ? result.error : status !== null && (status < 200 || status > 299) ? `HTTP ${status}` : null;
  if (status === 410) {
    await store.disableWebhookEndpoint(delivery.endpoint.id, 'the endpoint answered 410 Gone', done);
    return;
  }
  const delivered = status !== null && status >= 200 && status <= 299;
  const delay = delivered ? null : nextDelay(attempts, options.retryDelaysMs ?? RETRY_DELAYS_MS);
  await store.recordDelivery(delivery.event.id, delivery.endpoint.id, {
    status: delivered ? 'delivered' : delay === null ? 'failed' : 'pending',
    attempts,
    next_attempt_at: new Date(Date.now() + (delay ?? 0)).toISOString(),
    last_status: status,
    last_error: error,
    updated_at: done,
  });
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
      .then((sent) => sent)
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
