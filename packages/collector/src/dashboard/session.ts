/**
 * The dashboard's side of a session (the core keeps the sessions, core/owner-sessions.ts): the cookie's name, what a
 * signed-in request knows of its session, and the HMAC the CSRF token is made with (from the session's random nonce).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { DashboardSession } from '../store/lead-store.ts';

/** The cookie's name; `__Host-lt_session` over https (Secure, Path=/, no Domain: no other host can set it). */
export const SESSION_COOKIE = 'lt_session';
export { SESSION_SECONDS } from '../core/owner-sessions.ts';

export type SignInMethod = DashboardSession['method'];

/** What a signed-in request knows of its session. */
export interface SessionClaims {
  /** The site the owner signed in to. */
  site: string;
  method: SignInMethod;
  /** The secret key's id (method key), or "password". */
  ref: string;
  /** Expiry, in seconds since the epoch. */
  exp: number;
  /** Random per session; the CSRF token is derived from it. */
  nonce: string;
}

/** An HMAC under the dashboard secret, with a label per purpose so one token can never stand in for another. */
export function mac(secret: Buffer, label: string, data: string): Buffer {
  return createHmac('sha256', secret).update(`${label}\u0000${data}`).digest();
}

/** Constant-time comparison of two strings (false for different lengths, without an early return on content). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export const claimsOf = (session: DashboardSession): SessionClaims => ({
  site: session.site_id,
  method: session.method,
  ref: session.ref,
  exp: Math.floor(Date.parse(session.expires_at) / 1000),
  nonce: session.nonce,
});
