/**
 * POST /mcp: the `leads` tool over stateless Streamable HTTP, for agents that reach the collector over the network.
 * Same key as REST (a secret key, `Authorization: Bearer lt_sk_...`), same core, same answers.
 */
import { Hono } from 'hono';
import type { ActionContext } from '../../core/context.ts';
import { LeadsError } from '../../core/errors.ts';
import { serveMcpRequest } from '../../mcp/http-transport.ts';
import { createLeadsMcpServer } from '../../mcp/server.ts';
import { authenticate, headerKey } from '../caller.ts';
import { errorResponse } from '../errors.ts';
import type { AppEnv, AppOptions } from '../options.ts';

export const MCP_PATH = '/mcp';

export function mcpRoutes(options: AppOptions) {
  const { store } = options;
  const app = new Hono<AppEnv>();

  app.post(MCP_PATH, async (c) => {
    try {
      // DNS rebinding: a web page of another origin must not drive the server, whatever it sends.
      const origin = c.req.header('origin');
      if (origin !== undefined && origin !== options.selfOrigin(c)) {
        throw new LeadsError('origin_not_allowed', 'MCP requests from web pages of other origins are refused');
      }
      const caller = await authenticate(store, headerKey(c));
      c.set('siteId', caller.site.id);
      if (caller.key.kind !== 'secret') {
        throw new LeadsError('forbidden', 'MCP needs a secret key (lt_sk_...); publishable keys are only for browsers');
      }
      const ctx: ActionContext = {
        store,
        siteId: caller.site.id,
        ownerUserId: caller.site.owner_user_id,
        keyKind: caller.key.kind,
        ...(options.now ? { now: options.now } : {}),
      };
      const server = createLeadsMcpServer({
        ctx,
        siteName: caller.site.name,
        onError: (error) =>
          options.log({
            req_id: c.get('requestId'),
            level: 'error',
            error: error instanceof Error ? error.name : 'unknown',
            message: error instanceof Error ? error.message : String(error),
          }),
      });
      const response = await serveMcpRequest(server, c.req.raw, options.limits.bodyBytes);
      // Through the context, so the headers set by middleware (the request id) are kept.
      const [status, headers] = [response.status as 200, Object.fromEntries(response.headers)];
      return response.body ? c.body(response.body, status, headers) : c.body(null, status, headers);
    } catch (error) {
      return errorResponse(c, error);
    }
  });

  // Stateless: no server-sent event stream to GET, no session to DELETE.
  app.all(MCP_PATH, (c) => {
    c.header('Allow', 'POST');
    return errorResponse(
      c,
      new LeadsError(
        'method_not_allowed',
        `${c.req.method} ${MCP_PATH} is not supported: this MCP server is stateless, use POST`,
      ),
    );
  });
  return app;
}
