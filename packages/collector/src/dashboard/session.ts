/**
 * Dashboard sessions: a stateless, HMAC-signed, expiring token in an HttpOnly cookie. It names the site and how the
 * owner signed in (the secret key's id, or a tag of the owner password's hash), so revoking that key or changing
 * the password ends the session: both are checked again on every request (see auth.ts).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'lt_session';
/** Sessions last a working day; signing in again is one paste of the key. */
export const SESSION_SECONDS = 12 * 60 * 60;

export type SignInMethod = 'key' | 'password';

export interface SessionClaims {
  /** The site the owner signed in to. */
  site: string;
  method: SignInMethod;
  /** The secret key's id (method key), or passwordTag() of the owner password's hash (method password). */
  ref: string;
  /** Expiry, in seconds since the epoch. */
  exp: number;
  /** Random per session; the CSRF token is derived from it. */
  nonce: string;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

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

export function newSession(site: string, method: SignInMethod, ref: string, nowMs: number): SessionClaims {
  return {
    site,
    method,
    ref,
    exp: Math.floor(nowMs / 1000) + SESSION_SECONDS,
    nonce: randomBytes(16).toString('base64url'),
  };
}

export function signSession(secret: Buffer, claims: SessionClaims): string {
  const payload = b64url(JSON.stringify(claims));
  return `${payload}.${b64url(mac(secret, 'session', payload))}`;
}

/** The claims of a genuine, unexpired token; null for anything else. */
export function verifySession(secret: Buffer, token: string | undefined, nowMs: number): SessionClaims | null {
  if (!token || token.length > 1024) return null;
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return null;
  if (!safeEqual(signature, b64url(mac(secret, 'session', payload)))) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!isClaims(claims) || claims.exp * 1000 <= nowMs) return null;
  return claims;
}

function isClaims(value: unknown): value is SessionClaims {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Record<string, unknown>;
  return (
    typeof c.site === 'string' &&
    (c.method === 'key' || c.method === 'password') &&
    typeof c.ref === 'string' &&
    typeof c.exp === 'number' &&
    typeof c.nonce === 'string'
  );
}

/** Names the current owner password without revealing anything about it: a new password ends old sessions. */
export const passwordTag = (secret: Buffer, passwordHash: string) =>
  b64url(mac(secret, 'password', passwordHash)).slice(0, 22);
