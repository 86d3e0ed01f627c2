/**
 * The gate of every signed-in page: a valid session (its key still live, its password unchanged), and on every
 * POST a same-origin request carrying the session's CSRF token. Anything else is refused before any change.
 */
import type { MiddlewareHandler } from 'hono';
import { currentOwner, type Owner } from './auth.ts';
import { clearSessionCookie, type DashContext, type DashEnv, type Deps, sessionToken } from './context.ts';
import { CSRF_FIELD, crossSite, csrfValid } from './csrf.ts';
import { errorPage } from './pages/error.ts';

export function refused(c: DashContext, owner: Owner | null) {
  return c.html(
    errorPage({
      owner,
      title: 'Request refused',
      message:
        'This change did not come from a dashboard page of this session (its security token is missing or wrong), ' +
        'so nothing was changed. Reload the page and try again.',
      back: c.req.header('referer')?.startsWith(new URL(c.req.url).origin)
        ? new URL(c.req.header('referer')!).pathname
        : '/',
    }),
    403,
  );
}

export function requireOwner(deps: Deps): MiddlewareHandler<DashEnv> {
  return async (c, next) => {
    const secret = await deps.secret();
    const token = sessionToken(c, deps);
    const owner = await currentOwner(deps.options.store, secret, token, deps.now().getTime());
    if (!owner) {
      if (token) clearSessionCookie(c, deps);
      if (c.req.method === 'GET' || c.req.method === 'HEAD') {
        const next = c.req.path === '/' ? '' : `?next=${encodeURIComponent(c.req.path + new URL(c.req.url).search)}`;
        return c.redirect(`/login${next}`, 303);
      }
      return c.html(
        errorPage({ title: 'Signed out', message: 'Your session has ended. Sign in again.', back: '/login' }),
        401,
      );
    }
    c.set('owner', owner);
    c.set('siteId', owner.site.id);
    if (c.req.method === 'POST') {
      if (crossSite(c, deps.options.trustProxy)) return refused(c, owner);
      const form = await c.req.parseBody();
      if (!csrfValid(secret, owner.claims, form[CSRF_FIELD])) return refused(c, owner);
      c.set('form', form);
    }
    await next();
  };
}
