/**
 * The leads REST front door: the seed's sub-routes, PUT update, and POST /leads with `action`.
 * It only translates HTTP to `runLeadsAction` and back; what each key may do is the core's access policy.
 */
import { type LeadsAction, ROUTE_ACTIONS } from '@leadtrail/protocol';
import { type Context, Hono } from 'hono';
import { contentAccepted, unsupportedContent } from '../core/access.ts';
import { contextFor } from '../core/context.ts';
import { invalidInput, LeadsError } from '../core/errors.ts';
import { runLeadsAction } from '../core/run-action.ts';
import { bodyKindOf } from '../web/body.ts';
import { errorResponse, logUnexpected } from '../web/errors.ts';
import type { AppEnv, AppOptions } from '../web/options.ts';
import { admit } from './admit.ts';

export function leadsApi(options: AppOptions) {
  const { store } = options;
  const app = new Hono<AppEnv>();

  async function handle(c: Context<AppEnv>, routeAction: LeadsAction | undefined) {
    try {
      const content = bodyKindOf(c);
      if (!content || !contentAccepted(content, routeAction)) throw unsupportedContent(content, routeAction);
      const { body, caller } = await admit(c, options, content);
      const input = withAction(body, routeAction);
      const ctx = contextFor(store, caller.site, caller.key.kind, options.now);
      const result = await runLeadsAction(ctx, input);
      return c.json(result.body, result.status);
    } catch (error) {
      logUnexpected(c, options.log, error);
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
