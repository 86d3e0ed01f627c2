/** Runs the collector on Node's HTTP server, and stops it gracefully: stop accepting, finish, close the store. */
import { existsSync, readFileSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Http2Bindings, type HttpBindings, serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { LeadsError } from './core/errors.ts';
import { startDeliveryLoop } from './core/notify/deliver.ts';
import { smtpMailer } from './core/notify/email.ts';
import { forgetOldOutbox, forgetOldReceipts } from './core/upkeep.ts';
import { processLog, writeStdoutLine } from './process-log.ts';
import type { LeadStore } from './store/lead-store.ts';
import type { AppOptions } from './web/options.ts';
import { type RateLimit, RateLimiter } from './web/rate-limit.ts';

/** The built tracker: beside the bundle in the npm package, else the workspace's tracker build. */
export const TRACKER_BUNDLE =
  [new URL('./leadtrail.js', import.meta.url), new URL('../../tracker/dist/leadtrail.js', import.meta.url)]
    .map((url) => fileURLToPath(url))
    .find((path) => existsSync(path)) ?? fileURLToPath(new URL('../../tracker/dist/leadtrail.js', import.meta.url));

export interface ServerOptions {
  store: LeadStore;
  port?: number;
  host?: string;
  /** Proxies you run in front of the collector (hops; 0, the default, = none): see AppOptions.trustProxy. */
  trustProxy?: number;
  /** Per client address, publishable keys; `null` turns it off. */
  ipRateLimit?: RateLimit | null;
  /** Per site, publishable keys; `null` turns it off. */
  siteRateLimit?: RateLimit | null;
  /** Per secret key, REST and MCP; `null` turns it off. */
  keyRateLimit?: RateLimit | null;
  bodyBytes?: number;
  /** JSON-line request log; defaults to stdout. */
  log?: (entry: Record<string, unknown>) => void;
  now?: () => Date;
  /** Send the outbox's webhooks from this process (default true). */
  deliverWebhooks?: boolean;
  /** Let webhooks reach loopback and private addresses (receivers on the collector's own network). */
  allowPrivateWebhookTargets?: boolean;
  /** The collector's public address, for the lead links in Slack messages (default: the address it listens on). */
  publicUrl?: string;
  /** `smtp[s]://user:pass@host:port`: where the `email` endpoints' mails are sent from. */
  smtpUrl?: string;
  /** The mails' From (default: the SMTP user when it is an address, else leadtrail@ this host). */
  smtpFrom?: string;
}

export const DEFAULT_IP_LIMIT: RateLimit = { burst: 60, perSecond: 2 };
export const DEFAULT_SITE_LIMIT: RateLimit = { burst: 1000, perSecond: 200 };
/** Generous for any integration, low enough that one runaway script cannot starve browser ingestion. */
export const DEFAULT_KEY_LIMIT: RateLimit = { burst: 1000, perSecond: 200 };

/** The request log in the text format: JSON lines on stdout, batched (process-log.ts). */
export const stdoutLog = (entry: Record<string, unknown>) =>
  writeStdoutLine(`${JSON.stringify({ t: new Date().toISOString(), ...entry })}\n`);

export function appOptions(options: ServerOptions): AppOptions {
  return {
    store: options.store,
    limits: { bodyBytes: options.bodyBytes ?? 256 * 1024 },
    ipLimiter: new RateLimiter(options.ipRateLimit === undefined ? DEFAULT_IP_LIMIT : options.ipRateLimit),
    siteLimiter: new RateLimiter(options.siteRateLimit === undefined ? DEFAULT_SITE_LIMIT : options.siteRateLimit),
    keyLimiter: new RateLimiter(options.keyRateLimit === undefined ? DEFAULT_KEY_LIMIT : options.keyRateLimit),
    selfOrigin: (c) => new URL(c.req.url).origin,
    trustProxy: options.trustProxy ?? 0,
    trackerScript: existsSync(TRACKER_BUNDLE) ? readFileSync(TRACKER_BUNDLE, 'utf8') : null,
    log: options.log ?? stdoutLog,
    canMail: Boolean(options.smtpUrl),
    ...(options.now ? { now: options.now } : {}),
  };
}

/** How long a graceful stop waits for requests in flight before closing their connections. */
export const SHUTDOWN_GRACE_MS = 10_000;

export interface RunningServer {
  url: string;
  port: number;
  /** Stops accepting, lets requests in flight finish (for at most `graceMs`), and resolves once all are closed. */
  close(graceMs?: number): Promise<void>;
}

/** What a request that arrives during a graceful stop (on a connection the client kept open) is answered. */
const SHUTTING_DOWN = JSON.stringify(
  new LeadsError('unavailable', 'The collector is shutting down; retry in a moment').toBody(),
);

export function startServer(options: ServerOptions): Promise<RunningServer> {
  const app = createApp(appOptions(options));
  let closing = false;
  /**
   * Once stopping, a request that reaches us on a kept-alive connection is not run: 503 with Retry-After (a browser
   * or a load balancer retries it elsewhere or later). Every answer from then on closes its connection.
   */
  const fetch = async (request: Request, env: HttpBindings | Http2Bindings) => {
    if (closing) {
      return new Response(SHUTTING_DOWN, {
        status: 503,
        headers: { 'content-type': 'application/json', 'retry-after': '1', connection: 'close' },
      });
    }
    const response = await app.fetch(request, env);
    if (closing) env.outgoing.setHeader('connection', 'close');
    return response;
  };
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: options.port ?? 8787, hostname: options.host ?? '127.0.0.1' }, (info) => {
      const { port } = info as AddressInfo;
      const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      const mailer = options.smtpUrl ? smtpMailer(options.smtpUrl, options.smtpFrom) : null;
      const deliveries =
        options.deliverWebhooks === false
          ? null
          : startDeliveryLoop(options.store, {
              allowPrivateTargets: options.allowPrivateWebhookTargets ?? false,
              dashboardUrl: options.publicUrl ?? url,
              mailer,
              log: options.log ?? stdoutLog,
              // The error's kind only: a database error's text may quote values.
              onError: (error) => options.log?.({ event: 'webhook_delivery_error', error: (error as Error)?.name }),
            });
      resolve({
        url,
        port,
        close: (graceMs = SHUTDOWN_GRACE_MS) =>
          new Promise<void>((done) => {
            void deliveries?.stop().then(() => mailer?.close());
            closing = true;
            const http = server as HttpServer;
            // Stop accepting. Requests in flight finish; a connection is closed as soon as it is idle (clients
            // keep connections open for reuse, which would otherwise hold the exit up for the keep-alive timeout).
            const sweep = setInterval(() => http.closeIdleConnections(), 50);
            // A request still unfinished after the grace period (a client trickling its body) is cut off.
            const deadline = setTimeout(() => http.closeAllConnections(), graceMs);
            server.close(() => {
              clearInterval(sweep);
              clearTimeout(deadline);
              done();
            });
            http.closeIdleConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}

/** Keeps serving until SIGTERM/SIGINT, then stops accepting, lets in-flight requests finish and closes the store. */
export function stopOnSignals(server: RunningServer, store: LeadStore, extra: () => Promise<void> = async () => {}) {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    processLog('info', 'shutdown', `${signal}, finishing in-flight requests`, { signal });
    await server.close();
    await extra();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** Forgets week-old idempotency receipts and sent outbox events now and every hour (core/upkeep.ts). */
export function pruneHourly(store: LeadStore) {
  const prune = () => Promise.all([forgetOldReceipts(store).catch(() => 0), forgetOldOutbox(store).catch(() => 0)]);
  void prune();
  setInterval(prune, 3_600_000).unref();
}
