/** Runs the collector on Node's HTTP server, and stops it gracefully: stop accepting, finish, close the store. */
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createApp } from './http/app.ts';
import type { AppOptions } from './http/options.ts';
import { type RateLimit, RateLimiter } from './http/rate-limit.ts';
import type { LeadStore } from './store/lead-store.ts';

export const TRACKER_BUNDLE = fileURLToPath(new URL('../../tracker/dist/leadtrail.js', import.meta.url));

export interface ServerOptions {
  store: LeadStore;
  port?: number;
  host?: string;
  trustProxy?: boolean;
  ipRateLimit?: RateLimit;
  siteRateLimit?: RateLimit;
  bodyBytes?: number;
  /** JSON-line request log; defaults to stdout. */
  log?: (entry: Record<string, unknown>) => void;
  now?: () => Date;
}

export const DEFAULT_IP_LIMIT: RateLimit = { burst: 60, perSecond: 2 };
export const DEFAULT_SITE_LIMIT: RateLimit = { burst: 1000, perSecond: 200 };

export const stdoutLog = (entry: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify({ t: new Date().toISOString(), ...entry })}\n`);

export function appOptions(options: ServerOptions): AppOptions {
  return {
    store: options.store,
    limits: { bodyBytes: options.bodyBytes ?? 256 * 1024 },
    ipLimiter: new RateLimiter(options.ipRateLimit ?? DEFAULT_IP_LIMIT),
    siteLimiter: new RateLimiter(options.siteRateLimit ?? DEFAULT_SITE_LIMIT),
    selfOrigin: (c) => new URL(c.req.url).origin,
    trustProxy: options.trustProxy ?? false,
    trackerScript: existsSync(TRACKER_BUNDLE) ? readFileSync(TRACKER_BUNDLE, 'utf8') : null,
    log: options.log ?? stdoutLog,
    ...(options.now ? { now: options.now } : {}),
  };
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export function startServer(options: ServerOptions): Promise<RunningServer> {
  const app = createApp(appOptions(options));
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: app.fetch, port: options.port ?? 8787, hostname: options.host ?? '127.0.0.1' },
      (info) => {
        const { port } = info as AddressInfo;
        const host = options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
        resolve({
          url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
          port,
          close: () =>
            new Promise<void>((done) => {
              // Stop accepting; idle keep-alive sockets close now, in-flight requests finish first.
              server.close(() => done());
              if ('closeIdleConnections' in server) server.closeIdleConnections();
            }),
        });
      },
    );
    server.once('error', reject);
  });
}
