import { type RunningServer, startServer } from '../../server.ts';
import type { LeadStore } from '../../store/lead-store.ts';
import { openStore, resolveDb } from '../../store/open-store.ts';
import { dbOption, parse, UsageError } from '../args.ts';

const RECEIPT_DAYS = 7;

export function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0-65535, got ${value}`);
  return port;
}

/** Keeps serving until SIGTERM/SIGINT, then stops accepting, lets in-flight requests finish and closes the store. */
export function stopOnSignals(server: RunningServer, store: LeadStore, extra: () => Promise<void> = async () => {}) {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`leadtrail: ${signal}, finishing in-flight requests\n`);
    await server.close();
    await extra();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** Forgets idempotency receipts after a week; a browser retries within hours, not weeks. */
export function pruneReceiptsDaily(store: LeadStore) {
  const prune = () =>
    store.pruneReceipts(new Date(Date.now() - RECEIPT_DAYS * 86_400_000).toISOString()).catch(() => 0);
  void prune();
  setInterval(prune, 3_600_000).unref();
}

export async function serveCommand(args: string[]) {
  const { values } = parse(args, {
    ...dbOption,
    port: { type: 'string' },
    host: { type: 'string' },
    'trust-proxy': { type: 'boolean' },
  });
  const store = await openStore(resolveDb(values.db));
  const server = await startServer({
    store,
    port: parsePort(values.port, 8787),
    ...(values.host ? { host: values.host } : {}),
    trustProxy: values['trust-proxy'] ?? false,
  });
  pruneReceiptsDaily(store);
  stopOnSignals(server, store);
  process.stderr.write(`leadtrail: collector on ${server.url} (${store.kind})\n`);
}
