/**
 * The owner's signed-in sessions, kept in the database: a session is a random token (the cookie's value) whose
 * SHA-256 is the stored row's id, so a copy of the database signs nobody in. A session stands while its row exists,
 * it has not expired, and what opened it still holds: the secret key is live, or the site still has an owner
 * password. Ending a session deletes its row, so every collector sharing the database refuses the token at once.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { DashboardSession, LeadStore, Site } from '../store/lead-store.ts';
import { getSite, hasOwnerPassword, isLiveSecretKey, ownerPasswordIs } from './sites.ts';

/** Sessions last a working day; signing in again is one paste of the key. */
export const SESSION_SECONDS = 12 * 60 * 60;

/** 32 random bytes, base64url. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** The store's id of a session: the SHA-256 of its token; null for anything that is not a token. */
export const sessionIdOf = (token: string | null | undefined): string | null =>
  token && TOKEN_SHAPE.test(token) ? createHash('sha256').update(token).digest('hex') : null;

/** What opened a session: a secret key (`ref` is its id), or the owner password (`proved`: the hash it matched). */
export interface SessionOpener {
  siteId: string;
  method: DashboardSession['method'];
  ref: string;
  proved?: string;
}

/** A new session: the token for the cookie, and the row to store. */
export function newSession(opener: SessionOpener, nowMs: number) {
  const token = randomBytes(32).toString('base64url');
  const session: DashboardSession = {
    id: sessionIdOf(token)!,
    site_id: opener.siteId,
    method: opener.method,
    ref: opener.ref,
    nonce: randomBytes(16).toString('base64url'),
    created_at: new Date(nowMs).toISOString(),
    expires_at: new Date(nowMs + SESSION_SECONDS * 1000).toISOString(),
  };
  return { token, session };
}

/**
 * Stores a new session (and forgets expired ones); returns its token, or null when the password it proved was
 * changed meanwhile (that change ended the password sessions before this one existed).
 */
export async function openSession(store: LeadStore, opener: SessionOpener, nowMs: number): Promise<string | null> {
  const { token, session } = newSession(opener, nowMs);
  await store.createSession(session);
  if (opener.proved && !(await ownerPasswordIs(store, opener.siteId, opener.proved))) {
    await store.deleteSession(session.id);
    return null;
  }
  await store.pruneSessions(new Date(nowMs).toISOString());
  return token;
}

/** The standing session of this token, with its site; null for anything else. */
export async function sessionOf(
  store: LeadStore,
  token: string | null | undefined,
  nowMs: number,
): Promise<{ session: DashboardSession; site: Site } | null> {
  const id = sessionIdOf(token);
  if (!id) return null;
  const session = await store.findSession(id, new Date(nowMs).toISOString());
  if (!session) return null;
  const [site, standing] = await Promise.all([
    getSite(store, session.site_id),
    session.method === 'key'
      ? isLiveSecretKey(store, session.site_id, session.ref)
      : hasOwnerPassword(store, session.site_id),
  ]);
  return site && standing ? { session, site } : null;
}

/** Ends the session of this token, on every collector. */
export async function closeSession(store: LeadStore, token: string | null | undefined) {
  const id = sessionIdOf(token);
  if (id) await store.deleteSession(id);
}
