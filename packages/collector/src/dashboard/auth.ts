/**
 * Who is signed in. Sign-in takes a live secret key of the site, or the site id and the owner password set with
 * `leadtrail sites password`. Every request looks its session up again (core/owner-sessions.ts).
 */
import { mayUseDoor } from '../core/access.ts';
import { verifyApiKey } from '../core/keys.ts';
import { closeSession, openSession, sessionOf } from '../core/owner-sessions.ts';
import { sharedSecret } from '../core/shared-secret.ts';
import { checkOwnerPassword } from '../core/sites.ts';
import type { LeadStore, Site } from '../store/lead-store.ts';
import { csrfToken } from './csrf.ts';
import { claimsOf, type SessionClaims, type SignInMethod } from './session.ts';

/** The setting holding the HMAC secret of CSRF tokens, shared by every collector on the database. */
export const SECRET_SETTING = 'dashboard_session_secret';

/** Reads (first creating, if need be) the dashboard secret once per process; every process agrees on it. */
export const dashboardSecret = (store: LeadStore) => sharedSecret(store, SECRET_SETTING);

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
  const found = await sessionOf(store, token, nowMs);
  if (!found) return null;
  const claims = claimsOf(found.session);
  return { site: found.site, claims, csrf: csrfToken(secret, claims) };
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

/** Stores a new session for the signed-in owner; its token, or null (see openSession). */
export const startSession = (store: LeadStore, signedIn: SignedIn, nowMs: number) =>
  openSession(
    store,
    {
      siteId: signedIn.site.id,
      method: signedIn.method,
      ref: signedIn.ref,
      ...(signedIn.proved ? { proved: signedIn.proved } : {}),
    },
    nowMs,
  );

/** Ends the session of this token, on every collector. */
export const endSession = closeSession;
