import type { Context } from 'hono';
import type { LeadStore } from '../store/lead-store.ts';
import type { RateLimiter } from './rate-limit.ts';

export interface AppOptions {
  store: LeadStore;
  limits: { bodyBytes: number };
  /** Publishable-key requests, per client address (checked before the key is looked up). */
  ipLimiter: RateLimiter;
  /** Publishable-key requests, per site. */
  siteLimiter: RateLimiter;
  /** Secret-key requests (REST and MCP), per key. */
  keyLimiter: RateLimiter;
  /** The collector's own origin as the request reached it (a secret key is fine from its own pages). */
  selfOrigin: (c: Context) => string;
  /**
   * How many proxies you run stand in front (0 = none): the client address is counted that many hops in from the
   * right of X-Forwarded-For, and X-Forwarded-Host/-Proto are read from the nearest of them only.
   */
  trustProxy: number;
  /** The built tracker, served at /leadtrail.js; null when it has not been built. */
  trackerScript: string | null;
  log: (entry: Record<string, unknown>) => void;
  /** Whether this collector sends mail (it was given an SMTP server): the notifications page says so. */
  canMail?: boolean;
  now?: () => Date;
}

export interface AppEnv {
  Variables: {
    requestId: string;
    clientIp: string;
    siteId?: string;
  };
}
