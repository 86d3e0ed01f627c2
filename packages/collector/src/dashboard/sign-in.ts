/** GET/POST /login and POST /logout. Attempts are rate-limited per address; sign-out ends the session everywhere. */
import { Hono } from 'hono';
import { RateLimiter } from '../web/rate-limit.ts';
import { currentOwner, endSession, signInWithKey, signInWithPassword, startSession } from './auth.ts';
import {
  clearSessionCookie,
  type DashEnv,
  type Deps,
  formText,
  safeNext,
  sessionToken,
  setSessionCookie,
} from './context.ts';
import { CSRF_FIELD, crossSite, csrfValid } from './csrf.ts';
import { refused } from './guard.ts';
import { errorPage } from './pages/error.ts';
import { loginPage } from './pages/login.ts';

/** Ten attempts at once, then one every six seconds, per client address. */
export const LOGIN_LIMIT = { burst: 10, perSecond: 1 / 6 };

export function signInApp(deps: Deps) {
  const app = new Hono<DashEnv>();
  const limiter = new RateLimiter(LOGIN_LIMIT);
  const { store } = deps.options;

  app.get('/login', async (c) => {
    const secret = await deps.secret();
    const next = safeNext(c.req.query('next'));
    if (await currentOwner(store, secret, sessionToken(c, deps), deps.now().getTime())) {
      return c.redirect(next ?? '/leads', 303);
    }
    const info = c.req.query('out') !== undefined ? 'You are signed out.' : null;
    return c.html(loginPage({ info, next }));
  });

  app.post('/login', async (c) => {
    if (crossSite(c, deps.options.trustProxy)) return refused(c, null);
    const wait = limiter.take(c.get('clientIp') ?? 'unknown');
    if (wait) {
      c.header('Retry-After', String(wait));
      return c.html(
        errorPage({
          title: 'Too many attempts',
          message: `Too many sign-in attempts from your address. Try again in ${wait} seconds.`,
          back: '/login',
        }),
        429,
      );
    }
    const form = await c.req.parseBody();
    const next = safeNext(formText(form, 'next'));
    const method = formText(form, 'method');
    const signedIn =
      method === 'password'
        ? await signInWithPassword(store, formText(form, 'site_id'), formText(form, 'password'))
        : await signInWithKey(store, formText(form, 'key'));
    const token = signedIn ? await startSession(store, signedIn, deps.now().getTime()) : null;
    if (!signedIn || !token) {
      const error =
        method === 'password'
          ? 'That site id and password do not match.'
          : 'That key cannot sign in: it is not a live secret key.';
      const siteId = method === 'password' ? formText(form, 'site_id').trim().slice(0, 100) : '';
      return c.html(loginPage({ error, siteId, next }), 401);
    }
    setSessionCookie(c, deps, token);
    return c.redirect(next ?? '/leads', 303);
  });

  app.post('/logout', async (c) => {
    const secret = await deps.secret();
    const token = sessionToken(c, deps);
    const owner = await currentOwner(store, secret, token, deps.now().getTime());
    if (owner) {
      if (crossSite(c, deps.options.trustProxy)) return refused(c, owner);
      const form = await c.req.parseBody();
      if (!csrfValid(secret, owner.claims, form[CSRF_FIELD])) return refused(c, owner);
      // Ended in the database: the same cookie, copied anywhere, no longer signs in on any collector.
      await endSession(store, token);
    }
    clearSessionCookie(c, deps);
    return c.redirect('/login?out', 303);
  });
  return app;
}
