/**
 * CSRF protection for every change: a synchroniser token derived from the session (HMAC of its nonce) goes into
 * every form as a hidden field and must come back with every POST. POSTs from another origin are refused before
 * that (Origin and Sec-Fetch-Site), and the session cookie is SameSite=Lax besides.
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

/** A browser tells where a request comes from; a POST made by another site's page is refused outright. */
export function crossSite(c: Context, trustProxy: boolean): boolean {
  const fetchSite = c.req.header('sec-fetch-site');
  if (fetchSite && fetchSite !== 'same-origin' && fetchSite !== 'none') return true;
  const origin = c.req.header('origin');
  return origin !== undefined && origin !== publicOrigin(c, trustProxy);
}
