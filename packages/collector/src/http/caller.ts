/**
 * Who is calling. Server code sends a secret key in a header; a browser sends a publishable key in the body
 * (beacons cannot set headers) from one of the site's allowed origins.
 */
import { BROWSER_BODY_LIMIT, BROWSER_KEY_FIELD } from '@leadtrail/protocol';
import type { Context } from 'hono';
import { keyKindOf, verifyApiKey } from '../auth/keys.ts';
import type { ActionContext } from '../core/context.ts';
import { LeadsError } from '../core/errors.ts';
import type { ApiKey, LeadStore, Site } from '../store/lead-store.ts';
import { unauthorized } from './errors.ts';

export interface Caller {
  key: ApiKey;
  site: Site;
}

export function headerKey(c: Context): string | undefined {
  const auth = c.req.header('authorization');
  if (auth) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (!match) throw unauthorized('The Authorization header must be "Bearer <key>"');
    return match[1];
  }
  return c.req.header('x-api-key')?.trim() || undefined;
}

/** Takes the key out of the body (so it never reaches the core or a log) when the header has none. */
export function takeKey(c: Context, body: unknown): string | undefined {
  const fromHeader = headerKey(c);
  if (body && typeof body === 'object' && !Array.isArray(body) && BROWSER_KEY_FIELD in body) {
    const record = body as Record<string, unknown>;
    const fromBody = record[BROWSER_KEY_FIELD];
    delete record[BROWSER_KEY_FIELD];
    if (fromHeader) return fromHeader;
    if (typeof fromBody !== 'string') throw unauthorized('The key field must be a string');
    if (keyKindOf(fromBody) === 'secret') {
      throw new LeadsError('forbidden', 'A secret key must not be sent in a body; use a publishable key in pages');
    }
    return fromBody;
  }
  return fromHeader;
}

export async function authenticate(store: LeadStore, key: string | undefined): Promise<Caller> {
  if (!key) throw unauthorized();
  const found = await verifyApiKey(store, key);
  if (!found) throw new LeadsError('invalid_api_key', 'The API key is not valid or has been revoked');
  return found;
}

/**
 * Browser rules. A publishable key works only from the site's allowed origins and with small bodies; a secret key
 * is never accepted from a web page of another origin (it would be readable by anyone viewing that page).
 */
export function checkBrowserRules(c: Context, caller: Caller, bodyBytes: number, selfOrigin: string) {
  const origin = c.req.header('origin');
  if (caller.key.kind === 'secret') {
    // Browsers send Origin on every POST; Sec-Fetch-Site (which no script can set) catches any that would not.
    const site = c.req.header('sec-fetch-site');
    if ((origin && origin !== selfOrigin) || site === 'cross-site' || site === 'same-site') {
      throw new LeadsError('forbidden', 'Secret keys are not accepted from browsers; use a publishable key');
    }
    return;
  }
  if (!origin || !caller.site.allowed_origins.includes(origin)) {
    throw new LeadsError('origin_not_allowed', 'This origin is not allowed for the site of this key');
  }
  if (bodyBytes > BROWSER_BODY_LIMIT) {
    throw new LeadsError('payload_too_large', `A browser request body must be at most ${BROWSER_BODY_LIMIT / 1024} KB`);
  }
}

/** The core's context for an authenticated caller: the key's site, its owner, the key's kind. */
export function actionContext(store: LeadStore, caller: Caller, now?: () => Date): ActionContext {
  return {
    store,
    siteId: caller.site.id,
    ownerUserId: caller.site.owner_user_id,
    keyKind: caller.key.kind,
    ...(now ? { now } : {}),
  };
}
