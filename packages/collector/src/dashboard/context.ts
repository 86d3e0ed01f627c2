/** What every dashboard handler shares: the Hono env, the app's options, the secret and the clock. */
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { AppEnv, AppOptions } from '../http/options.ts';
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
  /** The HMAC secret of sessions and CSRF tokens (from the database, shared by all collectors on it). */
  secret: () => Promise<Buffer>;
  now: () => Date;
}

export const formText = (form: Record<string, unknown>, name: string): string => {
  const value = form[name];
  return typeof value === 'string' ? value : '';
};

export function setSessionCookie(c: Context, deps: Deps, token: string) {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure: isHttps(c, deps.options.trustProxy),
    maxAge: SESSION_SECONDS,
  });
}

export function clearSessionCookie(c: Context, deps: Deps) {
  deleteCookie(c, SESSION_COOKIE, {
    path: '/',
    secure: isHttps(c, deps.options.trustProxy),
    httpOnly: true,
    sameSite: 'Lax',
  });
}

/** A path of this dashboard to return to after sign-in; anything else (another host, odd schemes) is dropped. */
export function safeNext(value: string | undefined): string | null {
  if (!value || !/^\/(leads|setup)(?:[/?#]|$)/.test(value) || /[\\\s]/.test(value) || value.startsWith('//')) {
    return null;
  }
  return value.length <= 2000 ? value : null;
}
