/**
 * What every REST call passes before its action runs, in this order: its body read (within the limit of its kind),
 * the address's limit (publishable keys, before any look-up), the key, the route's own refusal of some kinds of key
 * (`refuse`, first, so a refused key learns nothing else), the door and the request's origin, CORS for browsers, and
 * the site's or key's rate limit. What each key may do is the core's access policy (core/access.ts).
 */
import type { Context } from 'hono';
import { ACCESS, assertDoor, checkHttpRequest, readLimit } from '../core/access.ts';
import { LeadsError } from '../core/errors.ts';
import { keyKindOf } from '../core/keys.ts';
import type { KeyKind } from '../store/lead-store.ts';
import { type BodyKind, readJsonBody } from '../web/body.ts';
import { authenticate, takeKey } from '../web/caller.ts';
import type { AppEnv, AppOptions } from '../web/options.ts';
import { corsHeaders } from './cors.ts';

export async function admit(
  c: Context<AppEnv>,
  options: AppOptions,
  content: BodyKind,
  refuse?: (kind: KeyKind) => void,
) {
  const { store, limits } = options;
  const { value: body, bytes } = await readJsonBody(c, readLimit(content, limits.bodyBytes));
  const key = takeKey(c, body);
  const claimed = key ? keyKindOf(key) : null;
  if (claimed && ACCESS[claimed].rateLimits === 'address-and-site') {
    const wait = options.ipLimiter.take(c.get('clientIp'));
    if (wait) throw new LeadsError('rate_limited', 'Too many requests from this address', { retryAfter: wait });
  }
  const caller = await authenticate(store, key);
  const kind = caller.key.kind;
  c.set('siteId', caller.site.id);
  refuse?.(kind);
  assertDoor(kind, 'rest');
  checkHttpRequest(kind, {
    content,
    bytes,
    origin: c.req.header('origin'),
    fetchSite: c.req.header('sec-fetch-site'),
    selfOrigin: options.selfOrigin(c),
    allowedOrigins: caller.site.allowed_origins,
    serverLimit: limits.bodyBytes,
  });
  if (ACCESS[kind].origin === 'site-origins') corsHeaders(c, c.req.header('origin')!);
  if (ACCESS[kind].rateLimits === 'address-and-site') {
    const wait = options.siteLimiter.take(caller.site.id);
    if (wait) throw new LeadsError('rate_limited', 'Too many requests for this site', { retryAfter: wait });
  } else {
    const wait = options.keyLimiter.take(caller.key.id);
    if (wait) throw new LeadsError('rate_limited', 'Too many requests with this key', { retryAfter: wait });
  }
  return { body, caller };
}
