/**
 * A person's data over REST, beside the seed's five actions: `POST .../leads/erase` and `POST .../leads/export`, with
 * `{lead_id}` or `{email}`. Secret keys only; a publishable key is refused (403) before anything is looked up. The
 * rules are the core's (core/erasure.ts); this file authenticates, limits and answers like rest/leads.ts.
 */
import { type Context, Hono } from 'hono';
import {
  ACCESS,
  assertDoor,
  assertPersonData,
  checkHttpRequest,
  readLimit,
  unsupportedContent,
} from '../core/access.ts';
import { contextFor } from '../core/context.ts';
import { erasePerson, exportPerson } from '../core/erasure.ts';
import { LeadsError } from '../core/errors.ts';
import { keyKindOf } from '../core/keys.ts';
import { bodyKindOf, readJsonBody } from '../web/body.ts';
import { authenticate, takeKey } from '../web/caller.ts';
import { errorResponse, logUnexpected } from '../web/errors.ts';
import type { AppEnv, AppOptions } from '../web/options.ts';

type Run = (ctx: ReturnType<typeof contextFor>, body: unknown) => Promise<unknown>;

export function erasureApi(options: AppOptions) {
  const { store, limits } = options;
  const app = new Hono<AppEnv>();

  async function handle(c: Context<AppEnv>, run: Run) {
    try {
      const content = bodyKindOf(c);
      // JSON only: no browser sends these, so text/plain (a browser's body type) is refused like any other.
      if (content !== 'json') throw unsupportedContent(null);
      const { value: body, bytes } = await readJsonBody(c, readLimit(content, limits.bodyBytes));
      const key = takeKey(c, body);
      const claimed = key ? keyKindOf(key) : null;
      if (claimed && ACCESS[claimed].rateLimits === 'address-and-site') {
        const wait = options.ipLimiter.take(c.get('clientIp'));
        if (wait) throw new LeadsError('rate_limited', 'Too many requests from this address', { retryAfter: wait });
      }
      const caller = await authenticate(store, key);
      const kind = caller.key.kind;
      c.set('siteId', caller.site.id);
      // First, so a publishable key learns nothing else here (not even whether its origin would pass).
      assertPersonData(kind);
      assertDoor(kind, 'rest');
      checkHttpRequest(kind, {
        content,
        bytes,
        origin: c.req.header('origin'),
        fetchSite: c.req.header('sec-fetch-site'),
        selfOrigin: options.selfOrigin(c),
        allowedOrigins: caller.site.allowed_origins,
        serverLimit: limits.bodyBytes,
      });
      const wait = options.keyLimiter.take(caller.key.id);
      if (wait) throw new LeadsError('rate_limited', 'Too many requests with this key', { retryAfter: wait });
      const answer = await run(contextFor(store, caller.site, kind, options.now), body);
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
