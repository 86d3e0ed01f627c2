/**
 * A person's data over REST, beside the seed's five actions: `POST .../leads/erase` and `POST .../leads/export`, with
 * `{lead_id}` or `{email}`. Secret keys only; a publishable key is refused (403) before anything is looked up. The
 * rules are the core's (core/erasure.ts); this file admits the call as rest/leads.ts does (admit.ts) and answers.
 */
import { type Context, Hono } from 'hono';
import { assertPersonData, unsupportedContent } from '../core/access.ts';
import { contextFor } from '../core/context.ts';
import { erasePerson, exportPerson } from '../core/erasure.ts';
import { LeadsError } from '../core/errors.ts';
import { bodyKindOf } from '../web/body.ts';
import { errorResponse, logUnexpected } from '../web/errors.ts';
import type { AppEnv, AppOptions } from '../web/options.ts';
import { admit } from './admit.ts';

type Run = (ctx: ReturnType<typeof contextFor>, body: unknown) => Promise<unknown>;

export function erasureApi(options: AppOptions) {
  const { store } = options;
  const app = new Hono<AppEnv>();

  async function handle(c: Context<AppEnv>, run: Run) {
    try {
      const content = bodyKindOf(c);
      // JSON only: no browser sends these, so text/plain (a browser's body type) is refused like any other.
      if (content !== 'json') throw unsupportedContent(null);
      // The refusal comes first, so a publishable key learns nothing else here (not even whether its origin would pass).
      const { body, caller } = await admit(c, options, content, assertPersonData);
      const answer = await run(contextFor(store, caller.site, caller.key.kind, options.now), body);
      // A person's data is never kept by a cache along the way.
      c.header('Cache-Control', 'no-store');
      return c.json(answer as object, 200);
    } catch (error) {
      logUnexpected(c, options.log, error);
      return errorResponse(c, error);
    }
  }

  app.post('/erase', (c) => handle(c, erasePerson));
  app.post('/export', (c) => handle(c, async (ctx, body) => ({ success: true, data: await exportPerson(ctx, body) })));
  for (const sub of ['/erase', '/export']) {
    app.all(sub, (c) => {
      c.header('Allow', 'POST');
      return errorResponse(c, new LeadsError('method_not_allowed', `Use POST for ${c.req.path}`));
    });
  }
  return app;
}
