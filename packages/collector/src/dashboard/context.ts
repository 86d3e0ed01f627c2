/** What every dashboard handler shares: the Hono env, the app's options, the secret and the clock. */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv, AppOptions } from '../web/options.ts';
import type { Owner } from './auth.ts';
import { isHttps } from './security.ts';
import { SESSION_COOKIE, SESSION_SECONDS } from './session.ts';

export interface DashEnv {
  Variables: AppEnv['Variables'] & {
    owner: Owner;
    /** The parsed form of a POST that passed the CSRF check. */
    form: Record<string, unknown>;
  };
}

export type DashContext = Context<DashEnv>;

export interface Deps {
  options: AppOptions;
  /** The HMAC secret of CSRF tokens (from the database, shared by all collectors on it). */
  secret: () => Promise<Buffer>;
  now: () => Date;
}

export const formText = (form: Record<string, unknown>, name: string): string => {
  const value = form[name];
  return typeof value === 'string' ? value : '';
};

/** Over https the cookie is `__Host-` prefixed: Secure, Path=/ and no Domain, so no other host can plant one. */
const cookiePrefix = (c: Context, deps: Deps) => (isHttps(c, deps.options.trustProxy) ? 'host' : undefined);

/** The session token the request carries, under the cookie name of its scheme. */
export const sessionToken = (c: Context, deps: Deps): string | undefined =>
  getCookie(c, SESSION_COOKIE, cookiePrefix(c, deps));

export function setSessionCookie(c: Context, deps: Deps, token: string) {
  const prefix = cookiePrefix(c, deps);
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure: prefix === 'host',
    maxAge: SESSION_SECONDS,
    ...(prefix ? { prefix } : {}),
  });
}

export function clearSessionCookie(c: Context, deps: Deps) {
  const prefix = cookiePrefix(c, deps);
  deleteCookie(c, SESSION_COOKIE, {
    path: '/',
    secure: prefix === 'host',
    httpOnly: true,
    sameSite: 'Lax',
    ...(prefix ? { prefix } : {}),
  });
}

/** A path of this dashboard to return to after sign-in; anything else (another host, odd schemes) is dropped. */
export function safeNext(value: string | undefined): string | null {
  if (!value || !/^\/(leads|setup)(?:[/?#]|$)/.test(value) || /[\\\s]/.test(value) || value.startsWith('//')) {
    return null;
  }
  return value.length <= 2000 ? value : null;
}
