/** The collector's HTTP app: small middlewares, then the routes. Every answer is JSON, errors in one shape. */
import { getConnInfo } from '@hono/node-server/conninfo';
import { LEADS_API_PATH } from '@leadtrail/protocol';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { getPath } from 'hono/utils/url';
import { LeadsError } from './core/errors.ts';
import { storeHealth, storeReadiness } from './core/upkeep.ts';
import { dashboardApp } from './dashboard/app.ts';
import { mcpHttpRoute } from './mcp/http-route.ts';
import { preflight } from './rest/cors.ts';
import { erasureApi } from './rest/erasure.ts';
import { leadsApi } from './rest/leads.ts';
import { openapiRoute } from './rest/openapi-route.ts';
import { trackerScriptRoute } from './rest/tracker-script.ts';
import { clientAddress, trustedHops } from './web/client-address.ts';
import { errorResponse, logUnexpected } from './web/errors.ts';
import { redactPath } from './web/log.ts';
import type { AppEnv, AppOptions } from './web/options.ts';
import { securityHeaders } from './web/security-headers.ts';

function socketAddress(c: Parameters<typeof getConnInfo>[0]): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The client's address: the socket's, or behind `hops` proxies you run, what the furthest of them saw. */
const clientIp = (c: Parameters<typeof getConnInfo>[0], hops: number) =>
  clientAddress(socketAddress(c), c.req.header('x-forwarded-for'), hops);

export function createApp(options: AppOptions) {
  const hops = trustedHops(options.trustProxy);
  // `//` in a path is one `/`: a tracker whose data-api ends with a slash posts to `https://collector//api/...`.
  const app = new Hono<AppEnv>({ getPath: (request) => getPath(request).replace(/\/{2,}/g, '/') });

  app.use(requestId());
  app.use(async (c, next) => {
    const started = performance.now();
    c.set('clientIp', clientIp(c, hops));
    await next();
    // Method, route, status and timing only: never bodies, keys, emails or addresses.
    options.log({
      req_id: c.get('requestId'),
      method: c.req.method,
      // Routes are plain words; any other segment (an id, an email or a key someone put in a URL) is masked.
      path: redactPath(c.req.path),
      status: c.res.status,
      ms: Math.round((performance.now() - started) * 10) / 10,
      ...(c.get('siteId') ? { site_id: c.get('siteId') } : {}),
    });
  });
  // The dashboard (/, /login, /leads..., /setup...) sets its own stricter headers, so it is mounted ahead of these.
  app.route('/', dashboardApp(options));
  app.use(securityHeaders);

  app.get('/healthz', async (c) => {
    return c.json(await storeHealth(options.store));
  });
  app.get('/readyz', async (c) => {
    const readiness = await storeReadiness(options.store);
    return c.json(readiness, readiness.ready ? 200 : 503);
  });
  app.route('/', trackerScriptRoute(options.trackerScript));
  app.options(`${LEADS_API_PATH}/*`, (c) => preflight(c, options.store));
  app.options(LEADS_API_PATH, (c) => preflight(c, options.store));
  // Ahead of the leads routes, whose fallback answers every other sub-route with 404.
  app.route(LEADS_API_PATH, erasureApi(options));
  app.route(LEADS_API_PATH, leadsApi(options));
  app.route('/', mcpHttpRoute(options));
  app.route('/', openapiRoute());

  app.notFound((c) => errorResponse(c, new LeadsError('not_found', `No route for ${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => {
    logUnexpected(c, options.log, error);
    return errorResponse(c, error);
  });
  return app;
}
