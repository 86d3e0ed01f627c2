/**
 * CSRF protection for every change: a synchroniser token derived from the session (HMAC of its nonce) goes into
 * every form as a hidden field and must come back with every POST. POSTs from another origin are refused before
 * that (Sec-Fetch-Site, else Origin), and the session cookie is SameSite=Lax besides.
 */
import type { Context } from 'hono';
import { publicOrigin } from './security.ts';
import { mac, type SessionClaims, safeEqual } from './session.ts';

export const CSRF_FIELD = '_csrf';

export const csrfToken = (secret: Buffer, claims: SessionClaims) =>
  mac(secret, 'csrf', claims.nonce).toString('base64url');

export function csrfValid(secret: Buffer, claims: SessionClaims, given: unknown): boolean {
  return typeof given === 'string' && safeEqual(given, csrfToken(secret, claims));
}

/**
 * A POST made by another site's page is refused outright. Sec-Fetch-Site decides when the browser sends it (every
 * current browser does, and a page's script cannot set it): `same-origin`, or `none` for what the user did
 * themselves, is this site whatever Host the collector sees, so a proxy that passes its upstream's Host (nginx's
 * default) does not break the forms; anything else is another site. Only an older browser without it falls back
 * to comparing Origin with the public origin. The CSRF token is required on every POST besides.
 */
export function crossSite(c: Context, trustProxy: number): boolean {
  const fetchSite = c.req.header('sec-fetch-site');
  if (fetchSite !== undefined) return fetchSite !== 'same-origin' && fetchSite !== 'none';
  const origin = c.req.header('origin');
  return origin !== undefined && origin !== publicOrigin(c, trustProxy);
}
