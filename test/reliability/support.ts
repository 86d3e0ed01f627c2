/**
 * Helpers of the reliability suites: stores whose every table can be dumped (to show hostile requests changed
 * nothing), raw MCP calls, and a collector process whose log lines are kept.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type LeadStore,
  openPostgresDialect,
  openSqliteDialect,
  type ServerOptions,
  SqlLeadStore,
  startServer,
} from '@leadtrail/collector';
import { sql } from 'kysely';
import { createTestSite, LEADS, type TestSite } from '../support/collector.ts';
import { createTestSchema, PG_URL, warnIfNoPostgres } from '../support/postgres.ts';

export { PG_URL };

warnIfNoPostgres();

/** Every table of the schema, each dumped in a stable order. */
const TABLES = {
  sites: 'id',
  site_origins: 'site_id, origin',
  api_keys: 'id',
  leads: 'seq',
  visitors: 'site_id, id',
  lead_events: 'seq',
  ingest_receipts: 'site_id, event_id',
  lead_submissions: 'seq',
  dashboard_sessions: 'id',
} as const;

export type Dump = Record<keyof typeof TABLES, Record<string, unknown>[]>;

export interface DumpableStore {
  kind: 'sqlite' | 'postgres';
  store: LeadStore;
  /** What `--db` would be. */
  db: string;
  /** Every row of every table. */
  dump(): Promise<Dump>;
  cleanup(): Promise<void>;
}

export async function openDumpableStore(kind: 'sqlite' | 'postgres'): Promise<DumpableStore> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'leadtrail-rel-'));
    const db = join(dir, 'leadtrail.db');
    const dialect = openSqliteDialect(db);
    const store = await SqlLeadStore.open(dialect);
    return {
      kind,
      store,
      db,
      dump: () => dumpAll(dialect.db),
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const schema = await createTestSchema();
  const dialect = await openPostgresDialect(schema.url);
  const store = await SqlLeadStore.open(dialect);
  return {
    kind,
    store,
    db: schema.url,
    dump: () => dumpAll(dialect.db),
    cleanup: async () => {
      await store.close();
      await schema.drop();
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the dump reads tables by name, outside the typed schema.
async function dumpAll(db: any): Promise<Dump> {
  const out = {} as Dump;
  for (const [table, order] of Object.entries(TABLES) as [keyof typeof TABLES, string][]) {
    const { rows } = await sql<
      Record<string, unknown>
    >`SELECT * FROM ${sql.table(table)} ORDER BY ${sql.raw(order)}`.execute(db);
    out[table] = rows;
  }
  return out;
}

export const STORES: { name: 'sqlite' | 'postgres'; available: boolean }[] = [
  { name: 'sqlite', available: true },
  { name: 'postgres', available: Boolean(PG_URL) },
];

/** An in-process collector on a real port with its log entries kept, on a dumpable store. */
export async function startLoggedCollector(handle: DumpableStore, options: Partial<ServerOptions> = {}) {
  const logs: Record<string, unknown>[] = [];
  const server = await startServer({
    store: handle.store,
    port: 0,
    log: (entry) => logs.push(entry),
    ...options,
  });
  const site = await createTestSite(handle.store);
  return { url: server.url, site, logs, close: () => server.close() };
}

export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the parsed answer freely and assert on it.
  json: any;
}

/**
 * Sends any bytes to any path on a connection of its own, and reads the answer as text and (when it parses) JSON.
 * A fresh connection per request: a pooled keep-alive connection can be closed by the server's idle timeout just as
 * the client reuses it (a client-side race, likelier when the test process stalls), which would look like a reset.
 */
export function send(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array<ArrayBuffer> } = {},
): Promise<RawAnswer> {
  const body = init.body === undefined ? undefined : Buffer.from(init.body);
  // The length is always declared (Node would send a DELETE's or OPTIONS's body with neither length nor chunking).
  const headers = { ...(init.headers ?? {}), ...(body ? { 'content-length': String(body.byteLength) } : {}) };
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: init.method ?? 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        resolve({ status: res.statusCode ?? 0, headers, text, json });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

let rpcId = 1;
/** A JSON-RPC tools/call of the `leads` tool over POST /mcp (stateless: no initialize needed). */
export function mcpToolCall(baseUrl: string, key: string | null, args: unknown, headers: Record<string, string> = {}) {
  return send(`${baseUrl}/mcp`, {
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...headers,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: rpcId++,
      method: 'tools/call',
      params: { name: 'leads', arguments: args },
    }),
  });
}

/** The leads body inside an MCP tool result (the REST body, or its error body). */
// biome-ignore lint/suspicious/noExplicitAny: the caller asserts on the fields.
export function toolBody(answer: RawAnswer): { isError: boolean; body: any } {
  const result = answer.json?.result;
  if (!result) throw new Error(`not a tool result: ${answer.status} ${answer.text.slice(0, 300)}`);
  return { isError: result.isError === true, body: JSON.parse(result.content[0].text) };
}

export { CLI, type LoggedProcess, startLoggedProcess } from '../support/processes.ts';

/** Through identify, a lead with every kind of stored record (visitors, history, a receipt) for the fuzzers to aim at. */
export function seedLead(url: string, secretKey: string, email: string): Promise<RawAnswer> {
  return send(`${url}${LEADS}/identify`, {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${secretKey}` },
    body: JSON.stringify({
      visitor_id: crypto.randomUUID(),
      event_id: crypto.randomUUID(),
      email,
      name: 'Seed Lead',
      phone: '+1 555 0100',
      contact_info: { twitter: '@seed' },
      pages_visited: [{ path: '/pricing', title: 'Pricing', at: '2026-01-01T00:00:00.000Z' }],
      time_spent: 30,
      visit_count: 2,
    }),
  });
}

/** A site with keys, made on a store that the caller then closes (before a collector process opens the file). */
export async function siteOn(store: LeadStore, origins?: string[]): Promise<TestSite> {
  return createTestSite(store, origins);
}
