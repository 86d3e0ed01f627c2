/**
 * The leads REST front door: the seed's sub-routes, PUT update, and POST /leads with `action`.
 * It only translates HTTP to `runLeadsAction` and back; the rules live in the core.
 */
import { BROWSER_BODY_LIMIT, type LeadsAction, ROUTE_ACTIONS } from '@leadtrail/protocol';
import { type Context, Hono } from 'hono';
import { invalidInput, LeadsError, toLeadsError } from '../../core/errors.ts';
import { runLeadsAction } from '../../core/run-action.ts';
import { bodyKindOf, readJsonBody } from '../body.ts';
import { actionContext, authenticate, checkBrowserRules, takeKey } from '../caller.ts';
import { corsHeaders } from '../cors.ts';
import { errorResponse } from '../errors.ts';
import { errorFields } from '../log.ts';
import type { AppEnv, AppOptions } from '../options.ts';

/** Browser routes: these accept text/plain JSON, which a page can send without a CORS preflight. */
const BROWSER_ACTIONS = new Set<LeadsAction>(['identify', 'create']);

export function leadsRoutes(options: AppOptions) {
  const { store, limits } = options;
  const app = new Hono<AppEnv>();

  async function handle(c: Context<AppEnv>, routeAction: LeadsAction | undefined) {
    try {
      const kind = bodyKindOf(c);
      if (!kind) throw new LeadsError('unsupported_media_type', 'Send Content-Type: application/json');
      if (kind === 'text' && routeAction && !BROWSER_ACTIONS.has(routeAction)) {
        throw new LeadsError('unsupported_media_type', 'text/plain is accepted only on identify and create');
      }
      const { value: body, bytes } = await readJsonBody(c, kind === 'text' ? BROWSER_BODY_LIMIT : limits.bodyBytes);
      const key = takeKey(c, body);
      const ip = c.get('clientIp');
      if (key?.startsWith('lt_pk_')) {
        const wait = options.ipLimiter.take(ip);
        if (wait) throw new LeadsError('rate_limited', 'Too many requests from this address', { retryAfter: wait });
      }
      const caller = await authenticate(store, key);
      c.set('siteId', caller.site.id);
      checkBrowserRules(c, caller, bytes, options.selfOrigin(c));
      if (caller.key.kind === 'publishable') {
        corsHeaders(c, c.req.header('origin')!);
        const wait = options.siteLimiter.take(caller.site.id);
        if (wait) throw new LeadsError('rate_limited', 'Too many requests for this site', { retryAfter: wait });
      } else {
        const wait = options.keyLimiter.take(caller.key.id);
        if (wait) throw new LeadsError('rate_limited', 'Too many requests with this key', { retryAfter: wait });
      }
      const input = withAction(body, routeAction);
      const ctx = actionContext(store, caller, options.now);
      const result = await runLeadsAction(ctx, input);
      return c.json(result.body, result.status);
    } catch (error) {
      if (toLeadsError(error).code === 'internal') {
        options.log({ req_id: c.get('requestId'), level: 'error', ...errorFields(error) });
      }
      return errorResponse(c, error);
    }
  }

  for (const [sub, action] of Object.entries(ROUTE_ACTIONS)) {
    app.post(`/${sub}`, (c) => handle(c, action));
  }
  app.put('/update', (c) => handle(c, 'update'));
  app.post('/', (c) => handle(c, undefined));
  app.all('/:sub?', (c) => {
    const sub = c.req.param('sub');
    const known = sub === undefined || sub in ROUTE_ACTIONS;
    const error = known
      ? new LeadsError('method_not_allowed', `Use POST for ${c.req.path}`)
      : new LeadsError('not_found', `No leads route ${c.req.path}; use create, get, update, qualify or identify`);
    if (known) c.header('Allow', sub === 'update' ? 'POST, PUT, OPTIONS' : 'POST, OPTIONS');
    return errorResponse(c, error);
  });
  return app;
}

/** A sub-route names the action; a body may repeat it but not contradict it. */
function withAction(body: unknown, routeAction: LeadsAction | undefined): unknown {
  if (!routeAction || !body || typeof body !== 'object' || Array.isArray(body)) return body;
  const given = (body as { action?: unknown }).action;
  if (given !== undefined && given !== routeAction) {
    throw invalidInput([{ path: 'action', message: `must be "${routeAction}" on this route, or left out` }]);
  }
  return { ...body, action: routeAction };
}
