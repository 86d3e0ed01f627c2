/**
 * The site owner's dashboard, served by the collector at `/`: sign-in, leads (list, counts, chart, export), a
 * lead's journey, setup. Server-rendered HTML; one stylesheet and one optional script from the collector itself;
 * leads are read and changed only through `runLeadsAction`, the core of the API.
 *
 * Mount it ahead of the app-wide security headers (they would replace the dashboard's CSP); it sets its own, and
 * answers only its own paths.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { LeadsError } from '../core/errors.ts';
import { declaredLength, readBodyBytes } from '../web/body.ts';
import { logUnexpected } from '../web/errors.ts';
import type { AppOptions } from '../web/options.ts';
import { assetsApp } from './assets.ts';
import { dashboardSecret } from './auth.ts';
import { bulkPagesApp } from './bulk-pages.ts';
import type { DashEnv, Deps } from './context.ts';
import { editPagesApp } from './edit-pages.ts';
import { erasurePagesApp } from './erasure-pages.ts';
import { leadPagesApp } from './lead-pages.ts';
import { notifyPagesApp } from './notify-pages.ts';
import { errorPage } from './pages/error.ts';
import { dashboardHeaders } from './security.ts';
import { setupPagesApp } from './setup-pages.ts';
import { signInApp } from './sign-in.ts';

/** Every path the dashboard answers; the API, /mcp, /openapi.json, /healthz and /leadtrail.js are not among them. */
export const DASHBOARD_PATHS = [
  '/',
  '/login',
  '/logout',
  '/leads',
  '/leads/*',
  '/setup',
  '/setup/*',
  '/dashboard.css',
  '/dashboard.js',
];

/** Whether a path is the dashboard's (not the API's): for tools that list the API's routes. */
export const isDashboardPath = (path: string) =>
  DASHBOARD_PATHS.some((pattern) =>
    pattern.endsWith('/*') ? path.startsWith(pattern.slice(0, -1)) || path === pattern.slice(0, -2) : path === pattern,
  );

/** Forms are small: notes are at most 20,000 characters. */
const FORM_BYTES = 256 * 1024;

/**
 * Caps a form POST at FORM_BYTES. A larger one is read to its end and thrown away (within the bound of
 * http/body.ts) before its 413 page, so a client that writes its whole body before reading still gets the page. A
 * body whose declared length is within the cap is left to the handler (Node reads no more than declared); one with
 * no length (chunked) is read here and handed on.
 */
const formLimit: MiddlewareHandler<DashEnv> = async (c, next) => {
  if (c.req.method !== 'POST' || declaredLength(c) <= FORM_BYTES) return next();
  try {
    const body = new Uint8Array(await readBodyBytes(c, FORM_BYTES));
    c.req.raw = new Request(c.req.raw.url, { method: 'POST', headers: c.req.raw.headers, body });
  } catch (error) {
    if (!(error instanceof LeadsError && error.code === 'payload_too_large')) throw error;
    return c.html(errorPage({ title: 'Too large', message: 'That form is too large to save.' }), 413);
  }
  return next();
};

/** The dashboard as one app: its sub-apps (assets, sign-in, lead pages, setup) under its headers and form limit. */
export function dashboardApp(options: AppOptions) {
  const deps: Deps = {
    options,
    secret: dashboardSecret(options.store),
    now: () => (options.now ? options.now() : new Date()),
  };
  const app = new Hono<DashEnv>();
  for (const path of DASHBOARD_PATHS) app.use(path, dashboardHeaders, formLimit);
  app.route('/', assetsApp());
  app.route('/', signInApp(deps));
  app.route('/', erasurePagesApp(deps)); // ahead of the list page, whose answer it adds a flash to
  app.route('/', leadPagesApp(deps));
  app.route('/', editPagesApp(deps));
  app.route('/', bulkPagesApp(deps));
  app.route('/', setupPagesApp(deps));
  app.route('/', notifyPagesApp(deps, { canMail: options.canMail ?? false }));

  app.onError((error, c) => {
    logUnexpected(c, options.log, error);
    return c.html(
      errorPage({
        title: 'Something went wrong',
        message: 'The dashboard could not do that. Nothing is lost; try again in a moment.',
      }),
      500,
    );
  });
  return app;
}
