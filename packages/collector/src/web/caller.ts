/**
 * Who is calling. Server code sends a secret key in a header; a browser sends a publishable key in the body
 * (beacons cannot set headers) from one of the site's allowed origins.
 */
import { BROWSER_KEY_FIELD } from '@leadtrail/protocol';
import type { Context } from 'hono';
import { ACCESS } from '../core/access.ts';
import { LeadsError } from '../core/errors.ts';
import { keyKindOf, verifyApiKey } from '../core/keys.ts';
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
    const kind = keyKindOf(fromBody);
    if (kind && !ACCESS[kind].keyIn.includes('body')) {
      throw new LeadsError('forbidden', `A ${kind} key must not be sent in a body; send it in a header`);
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
