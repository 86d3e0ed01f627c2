/**
 * Who is signed in. Sign-in takes a live secret key of the site, or the site id and the owner password set with
 * `leadtrail sites password`. Every request looks its session up again: it still exists (not signed out, not ended
 * by a password change), and a key session's key is still live.
 */
import { randomBytes } from 'node:crypto';
import { mayUseDoor } from '../core/access.ts';
import { verifyApiKey } from '../core/keys.ts';
import { checkOwnerPassword, getSite, hasOwnerPassword, isLiveSecretKey, ownerPasswordIs } from '../core/sites.ts';
import type { LeadStore, Site } from '../store/lead-store.ts';
import { csrfToken } from './csrf.ts';
import { claimsOf, newSession, type SessionClaims, type SignInMethod, sessionIdOf } from './session.ts';

/** The settings row holding the HMAC secret of CSRF tokens, shared by every collector on the database. */
export const SECRET_SETTING = 'dashboard_session_secret';

/** Reads (first creating, if need be) the dashboard secret once per process; every process agrees on it. */
export function dashboardSecret(store: LeadStore): () => Promise<Buffer> {
  let cached: Promise<Buffer> | null = null;
  return () => {
    if (cached) return cached;
    const loading = store
      .putSettingIfAbsent(SECRET_SETTING, randomBytes(32).toString('base64url'))
      .then((value) => Buffer.from(value, 'base64url'));
    cached = loading;
    // A failed read (database down) is tried again on the next request.
    loading.catch(() => {
      if (cached === loading) cached = null;
    });
    return loading;
  };
}

export interface Owner {
  site: Site;
  claims: SessionClaims;
  /** The CSRF token every form of this session carries. */
  csrf: string;
}

export async function currentOwner(
  store: LeadStore,
  secret: Buffer,
  token: string | null | undefined,
  nowMs: number,
): Promise<Owner | null> {
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
  if (!site || !standing) return null;
  const claims = claimsOf(session);
  return { site, claims, csrf: csrfToken(secret, claims) };
}

export interface SignedIn {
  site: Site;
  method: SignInMethod;
  ref: string;
  /** The owner password hash the sign-in proved (method password). */
  proved?: string;
}

/** A live secret key of a site (publishable keys are public: they never open the dashboard). */
export async function signInWithKey(store: LeadStore, key: string): Promise<SignedIn | null> {
  const found = await verifyApiKey(store, key.trim());
  if (!found || !mayUseDoor(found.key.kind, 'dashboard')) return null;
  return { site: found.site, method: 'key', ref: found.key.id };
}

/** The site id and its owner password. */
export async function signInWithPassword(store: LeadStore, siteId: string, password: string): Promise<SignedIn | null> {
  const proved = await checkOwnerPassword(store, siteId, password);
  return proved ? { site: proved.site, method: 'password', ref: 'password', proved: proved.hash } : null;
}

/**
 * Stores a new session for the signed-in owner (and forgets expired ones); returns the cookie's token, or null when
 * the password it proved was changed meanwhile (that change ended the password sessions before this one existed).
 */
export async function startSession(store: LeadStore, signedIn: SignedIn, nowMs: number): Promise<string | null> {
  const { token, session } = newSession(signedIn.site.id, signedIn.method, signedIn.ref, nowMs);
  await store.createSession(session);
  if (signedIn.proved && !(await ownerPasswordIs(store, signedIn.site.id, signedIn.proved))) {
    await store.deleteSession(session.id);
    return null;
  }
  await store.pruneSessions(new Date(nowMs).toISOString());
  return token;
}

/** Ends the session of this token, on every collector. */
export async function endSession(store: LeadStore, token: string | null | undefined) {
  const id = sessionIdOf(token);
  if (id) await store.deleteSession(id);
}
