/**
 * Stateless Streamable HTTP: one server and one transport per request, JSON responses (no SSE stream, no
 * session), so any collector behind a load balancer can answer any request.
 */
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';

/**
 * Answers one MCP POST with `server`, then closes both. The caller has authenticated the request, and may have read
 * and checked its body already (`parsedBody`).
 */
export async function serveMcpRequest(
  server: Server,
  request: Request,
  maxBodyBytes: number,
  parsedBody?: unknown,
): Promise<Response> {
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
    maxRequestBodySize: maxBodyBytes,
  });
  await server.connect(transport);
  try {
    // In JSON mode the response is complete (not a stream) once this resolves, so closing after is safe.
    return await transport.handleRequest(request, parsedBody === undefined ? undefined : { parsedBody });
  } finally {
    await server.close();
  }
}
