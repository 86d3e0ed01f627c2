/**
 * `leadtrail mcp`: the `leads` tool over stdio, for an MCP client that starts the collector as a child process.
 * The secret key decides the site, as over HTTP. stdout carries the protocol only; everything else goes to stderr.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { mayUseDoor } from '../../core/access.ts';
import { contextFor } from '../../core/context.ts';
import { verifyApiKey } from '../../core/keys.ts';
import { createLeadsMcpServer } from '../../mcp/server.ts';
import { openStore, resolveDb } from '../../store/open-store.ts';
import { dbOption, parse, UsageError } from '../args.ts';

export async function mcpCommand(args: string[]) {
  const { values } = parse(args, { ...dbOption, key: { type: 'string' } });
  const key = values.key || process.env.LEADTRAIL_KEY;
  if (!key) throw new UsageError('mcp needs a secret key: --key lt_sk_... (or the LEADTRAIL_KEY environment variable)');

  const store = await openStore(resolveDb(values.db));
  const found = await verifyApiKey(store, key).catch(async (error: unknown) => {
    await store.close();
    throw error;
  });
  if (!found || !mayUseDoor(found.key.kind, 'mcp')) {
    await store.close();
    throw new Error(
      found
        ? 'mcp needs a secret key (lt_sk_...); publishable keys are only for browsers'
        : 'the API key is not valid or has been revoked (create one with `leadtrail keys create --site ID`)',
    );
  }

  const server = createLeadsMcpServer({
    ctx: contextFor(store, found.site, found.key.kind),
    siteName: found.site.name,
    onError: (error) =>
      process.stderr.write(`leadtrail: internal error: ${error instanceof Error ? error.message : String(error)}\n`),
  });

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`leadtrail: MCP server stopping (${why})\n`);
    await server.close().catch(() => {});
    await store.close().catch(() => {});
    process.exit(0);
  };
  // The client ends the session by closing our stdin (then SIGTERM if we linger).
  process.stdin.once('end', () => void stop('stdin closed'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));

  await server.connect(new StdioServerTransport());
  process.stderr.write(
    `leadtrail: MCP server on stdio for site "${found.site.name}" (${found.site.id}), ${store.kind} store\n`,
  );
}
