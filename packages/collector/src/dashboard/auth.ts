/**
 * Who is signed in. Sign-in takes a live secret key of the site, or the site id and the owner password set with
 * `leadtrail sites password`. Every request checks the session again: the key still live, the password unchanged.
 */
import { randomBytes } from 'node:crypto';
import { verifyApiKey } from '../auth/keys.ts';
import { mayUseDoor } from '../core/access.ts';
import type { LeadStore, Site } from '../store/lead-store.ts';
import { csrfToken } from './csrf.ts';
import { verifyPassword } from './password.ts';
import { passwordTag, type SessionClaims, type SignInMethod, safeEqual, verifySession } from './session.ts';

/** The settings row holding the HMAC secret of sessions and CSRF tokens, shared by every collector on the database. */
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
  token: string | undefined,
  nowMs: number,
): Promise<Owner | null> {
  const claims = verifySession(secret, token, nowMs);
  if (!claims) return null;
  const site = await store.getSite(claims.site);
  if (!site) return null;
  if (claims.method === 'key') {
    const keys = await store.listApiKeys(site.id);
    if (!keys.some((k) => k.id === claims.ref && k.kind === 'secret' && k.revoked_at === null)) return null;
  } else {
    const hash = await store.getOwnerPassword(site.id);
    if (!hash || !safeEqual(passwordTag(secret, hash), claims.ref)) return null;
  }
  return { site, claims, csrf: csrfToken(secret, claims) };
}

export interface SignedIn {
  site: Site;
  method: SignInMethod;
  ref: string;
}

/** A live secret key of a site (publishable keys are public: they never open the dashboard). */
export async function signInWithKey(store: LeadStore, key: string): Promise<SignedIn | null> {
  const found = await verifyApiKey(store, key.trim());
  if (!found || !mayUseDoor(found.key.kind, 'dashboard')) return null;
  return { site: found.site, method: 'key', ref: found.key.id };
}

/** The site id and its owner password. An unknown site costs one scrypt too, like a wrong password. */
export async function signInWithPassword(
  store: LeadStore,
  secret: Buffer,
  siteId: string,
  password: string,
): Promise<SignedIn | null> {
  const site = await store.getSite(siteId.trim());
  const hash = site ? await store.getOwnerPassword(site.id) : null;
  const ok = await verifyPassword(password, hash);
  if (!ok || !site || !hash) return null;
  return { site, method: 'password', ref: passwordTag(secret, hash) };
}
