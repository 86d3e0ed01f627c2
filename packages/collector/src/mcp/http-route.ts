/**
 * POST /mcp: the `leads` tool over stateless Streamable HTTP, for agents that reach the collector over the network.
 * Same key as REST (a secret key, `Authorization: Bearer lt_sk_...`), same core, same answers.
 */
import { type Context, Hono } from 'hono';
import { assertDoor } from '../core/access.ts';
import { contextFor } from '../core/context.ts';
import { LeadsError } from '../core/errors.ts';
import { inputProblem } from '../core/input-guard.ts';
import { bodyKindOf, readJsonBody } from '../web/body.ts';
import { authenticate, headerKey } from '../web/caller.ts';
import { errorResponse, logUnexpected } from '../web/errors.ts';
import type { AppEnv, AppOptions } from '../web/options.ts';
import { serveMcpRequest } from './http-transport.ts';
import { createLeadsMcpServer } from './server.ts';

export const MCP_PATH = '/mcp';

/**
 * A JSON-RPC error answer, in the shape the MCP transport gives its own: HTTP 400/413 when the body is not a message,
 * 200 when it is one whose parameters are refused (as the SDK answers errors of a request it understood).
 */
function rpcError(
  c: Context,
  status: 200 | 400 | 413,
  code: number,
  message: string,
  data?: unknown,
  id: string | number | null = null,
) {
  return c.json({ jsonrpc: '2.0', error: { code, message, ...(data ? { data } : {}) }, id }, status);
}

/**
 * Reads and checks the JSON-RPC body before the SDK sees it. The SDK's schemas silently drop keys such as
 * `__proto__` (REST refuses them by name) and some walk the message recursively (deep nesting must be refused first),
 * so the message is parsed here, with the same byte cap, UTF-8 and JSON checks as REST, and handed over parsed.
 * Returns the parsed message, or the error answer.
 */
async function readMessage(c: Context, limit: number): Promise<{ message: unknown } | { answer: Response }> {
  let message: unknown;
  try {
    message = (await readJsonBody(c, limit)).value;
  } catch (error) {
    if (error instanceof LeadsError && error.code === 'payload_too_large') {
      return { answer: rpcError(c, 413, -32000, error.message) };
    }
    return { answer: rpcError(c, 400, -32700, 'Parse error: Invalid JSON') };
  }
  const issue = inputProblem(message);
  if (issue) {
    const body = new LeadsError('invalid_input', `The input is not valid: ${issue.path} ${issue.message}`, {
      issues: [issue],
    }).toBody();
    const text = `Invalid params: ${issue.path} ${issue.message}`;
    return { answer: rpcError(c, 200, -32602, text, body, idOf(message)) };
  }
  // The SDK answers a tools/call whose arguments are not an object with an "internal error"; it is the caller's.
  const call = message as { method?: unknown; params?: { arguments?: unknown } } | null;
  const args = call?.method === 'tools/call' ? call.params?.arguments : undefined;
  if (args !== undefined && (args === null || typeof args !== 'object' || Array.isArray(args))) {
    const issue = { path: 'params.arguments', message: 'must be an object' };
    const body = new LeadsError('invalid_input', 'The input is not valid: arguments must be an object', {
      issues: [issue],
    }).toBody();
    return { answer: rpcError(c, 200, -32602, 'Invalid params: arguments must be an object', body, idOf(message)) };
  }
  return { message };
}

/** The id of a JSON-RPC request, when it has a usable one. */
function idOf(message: unknown): string | number | null {
  const id = (message as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}

export function mcpHttpRoute(options: AppOptions) {
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
      assertDoor(caller.key.kind, 'mcp');
      const wait = options.keyLimiter.take(caller.key.id);
      if (wait) throw new LeadsError('rate_limited', 'Too many requests with this key', { retryAfter: wait });
      const ctx = contextFor(store, caller.site, caller.key.kind, options.now);
      const server = createLeadsMcpServer({
        ctx,
        siteName: caller.site.name,
        onError: (error) => logUnexpected(c, options.log, error),
      });
      let parsedBody: unknown;
      if (bodyKindOf(c) === 'json') {
        const read = await readMessage(c, options.limits.bodyBytes);
        if ('answer' in read) return read.answer;
        parsedBody = read.message;
      }
      const response = await serveMcpRequest(server, c.req.raw, options.limits.bodyBytes, parsedBody);
      // Through the context, so the headers set by middleware (the request id) are kept.
      const [status, headers] = [response.status as 200, Object.fromEntries(response.headers)];
      return response.body ? c.body(response.body, status, headers) : c.body(null, status, headers);
    } catch (error) {
      logUnexpected(c, options.log, error);
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
