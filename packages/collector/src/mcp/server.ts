/**
 * The MCP front door: a low-level SDK `Server` with one tool, `leads`, whose calls go through the same
 * `runLeadsAction` core as REST. It only translates: arguments in, the REST response's JSON (or its error) out.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
} from '@modelcontextprotocol/sdk/types.js';
import type { ActionContext } from '../core/context.ts';
import { toLeadsError } from '../core/errors.ts';
import { runLeadsAction } from '../core/run-action.ts';
import { SERVER_VERSION } from '../version.ts';
import { coerceToolArguments } from './coerce.ts';
import { LEADS_TOOL_NAME, leadsTool } from './tool.ts';

export interface LeadsMcpServerOptions {
  /** The authenticated caller: the key's site and kind. Nothing in the arguments can widen it. */
  ctx: ActionContext;
  /** The site's name, for the server's instructions. */
  siteName?: string;
  /** Called with unexpected errors (they reach the agent as `internal`, without details). */
  onError?: (error: unknown) => void;
}

const text = (value: unknown) => [{ type: 'text' as const, text: JSON.stringify(value) }];

/**
 * Runs one call of the `leads` tool. A result is text content holding the same JSON as the REST response
 * (and the same object as structured content); a failure is an `isError` result holding the REST error body
 * `{success:false, error:{code, message, issues?}}`, so the agent can correct its arguments and retry.
 */
export async function callLeadsTool(
  ctx: ActionContext,
  args: unknown,
  onError?: (error: unknown) => void,
): Promise<CallToolResult> {
  try {
    const result = await runLeadsAction(ctx, coerceToolArguments(args ?? {}));
    return { content: text(result.body), structuredContent: result.body };
  } catch (error) {
    const failure = toLeadsError(error);
    if (failure.code === 'internal') onError?.(error);
    const body = failure.toBody();
    return { isError: true, content: text(body), structuredContent: body as unknown as Record<string, unknown> };
  }
}

/** A server for one caller. Cheap to make: the HTTP transport makes one per request (stateless). */
export function createLeadsMcpServer(options: LeadsMcpServerOptions): Server {
  const site = options.siteName ? `the site "${options.siteName}"` : 'one site';
  const server = new Server(
    { name: 'leadtrail', title: 'leadtrail', version: SERVER_VERSION },
    {
      capabilities: { tools: {} },
      instructions:
        `leadtrail holds the leads of ${site}: people who filled a form, with the pages they visited. ` +
        'Use the "leads" tool to list, create, update, qualify and identify them.',
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [leadsTool] }));
  server.setRequestHandler(CallToolRequestSchema, (request) => {
    if (request.params.name !== LEADS_TOOL_NAME) {
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool "${request.params.name}"; the tool is "leads"`);
    }
    return callLeadsTool(options.ctx, request.params.arguments, options.onError);
  });
  return server;
}
