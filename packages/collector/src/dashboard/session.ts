/**
 * Dashboard sessions, kept in the database: the cookie holds a random token, the store only the token's SHA-256 (a
 * copy of the database signs nobody in). Signing out deletes the row, so a copied cookie stops working at once on
 * every collector sharing the database; so do revoking the key a session was opened with and changing the owner
 * password (core/sites.ts). Each session has a random nonce the CSRF token is derived from.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { DashboardSession } from '../store/lead-store.ts';

/** The cookie's name; `__Host-lt_session` over https (Secure, Path=/, no Domain: no other host can set it). */
export const SESSION_COOKIE = 'lt_session';
/** Sessions last a working day; signing in again is one paste of the key. */
export const SESSION_SECONDS = 12 * 60 * 60;

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

/** 32 random bytes, base64url. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** The store's id of a session: the SHA-256 of its token; null for anything that is not a token. */
export const sessionIdOf = (token: string | null | undefined): string | null =>
  token && TOKEN_SHAPE.test(token) ? createHash('sha256').update(token).digest('hex') : null;

/** A new session: the token for the cookie, and the row to store. */
export function newSession(site: string, method: SignInMethod, ref: string, nowMs: number) {
  const token = randomBytes(32).toString('base64url');
  const session: DashboardSession = {
    id: sessionIdOf(token)!,
    site_id: site,
    method,
    ref,
    nonce: randomBytes(16).toString('base64url'),
    created_at: new Date(nowMs).toISOString(),
    expires_at: new Date(nowMs + SESSION_SECONDS * 1000).toISOString(),
  };
  return { token, session };
}

export const claimsOf = (session: DashboardSession): SessionClaims => ({
  site: session.site_id,
  method: session.method,
  ref: session.ref,
  exp: Math.floor(Date.parse(session.expires_at) / 1000),
  nonce: session.nonce,
});
