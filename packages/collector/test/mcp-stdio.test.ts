/**
 * `leadtrail mcp` over stdio, as an MCP client runs it: the official SDK client spawns the real CLI on a SQLite
 * file whose site was made beforehand, lists the tool, runs every action, and is refused with a wrong key.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateResponse,
  GetOneResponse,
  IdentifyResponse,
  ListResponse,
  QualifyResponse,
  UpdateResponse,
} from '@leadtrail/protocol';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSite, type TestSite } from '../../../test/support/collector.ts';
import { openSqliteTestStore } from '../../../test/support/stores.ts';
import { openStore } from '../src/store/open-store.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(ROOT, 'packages/collector/bin/leadtrail.mjs');

/** The seed's 30 parameter names, written out. */
const SEED_PARAMETERS = [
  'action',
  'lead_id',
  'name',
  'email',
  'phone',
  'position',
  'company',
  'notes',
  'status',
  'origin',
  'segment_id',
  'campaign_id',
  'assignee_id',
  'site_id',
  'user_id',
  'search',
  'limit',
  'offset',
  'sort_by',
  'sort_order',
  'visitor_id',
  'lead_score',
  'source',
  'contact_info',
  'company_info',
  'interest_level',
  'product_interest',
  'pages_visited',
  'time_spent',
  'visit_count',
];

let db: string;
let site: TestSite;
let client: Client;
let stderr = '';

function spawnArgs(key: string | null, extra: string[] = []) {
  return [BIN, 'mcp', '--db', db, ...(key ? ['--key', key] : []), ...extra];
}

/** Runs the CLI to completion (for the refusals), with stdin closed. */
function runCli(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      args,
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

async function callTool(args: Record<string, unknown>, using: Client = client) {
  const result = await using.callTool({ name: 'leads', arguments: args });
  const content = result.content as { type: string; text: string }[];
  expect(content[0]!.type).toBe('text');
  // biome-ignore lint/suspicious/noExplicitAny: the test reads the answer's fields and asserts on them.
  return { isError: result.isError === true, body: JSON.parse(content[0]!.text) as any };
}

beforeAll(async () => {
  const handle = await openSqliteTestStore();
  db = handle.db;
  site = await createTestSite(handle.store);
  await handle.store.close();

  const transport = new StdioClientTransport({
    command: process.execPath,
    args: spawnArgs(site.secretKey),
    cwd: ROOT,
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  client = new Client({ name: 'leadtrail-stdio-test', version: '1.0.0' });
  await client.connect(transport);
});

afterAll(async () => {
  await client?.close();
  if (db) rmSync(dirname(db), { recursive: true, force: true });
});

// Each case may start the CLI (TypeScript compiled on the fly when the bundle is stale): give it time on a busy machine.
describe('leadtrail mcp (stdio)', { timeout: 60_000 }, () => {
  it('announces itself on stderr and lists the leads tool with every seed parameter', async () => {
    expect(client.getServerVersion()?.name).toBe('leadtrail');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['leads']);
    const schema = tools[0]!.inputSchema as { required?: string[]; properties: Record<string, { type?: string }> };
    expect(schema.required).toEqual(['action']);
    expect(SEED_PARAMETERS).toHaveLength(30);
    for (const name of SEED_PARAMETERS) expect(schema.properties[name], name).toBeDefined();
    expect(schema.properties.contact_info!.type).toBe('object');
    expect(schema.properties.pages_visited!.type).toBe('array');
    expect(stderr).toContain(`MCP server on stdio for site "Test site" (${site.siteId})`);
  });

  it('runs every action end to end on the store, with the REST response shapes', async () => {
    const created = await callTool({
      action: 'create',
      name: 'Stdio Lead',
      email: 'stdio@example.com',
      contact_info: '{"linkedin":"stdio"}',
      pages_visited: '/pricing,/about',
    });
    expect(created.isError).toBe(false);
    v.parse(CreateResponse, created.body);
    const lead = created.body.lead;
    expect(lead.site_id).toBe(site.siteId);
    expect(lead.contact_info).toEqual({ linkedin: 'stdio' });

    const listed = await callTool({ action: 'list', search: 'stdio' });
    v.parse(ListResponse, listed.body);
    expect(listed.body.data.leads.map((l: { id: string }) => l.id)).toEqual([lead.id]);

    const updated = await callTool({ action: 'update', lead_id: lead.id, position: 'CTO' });
    v.parse(UpdateResponse, updated.body);
    expect(updated.body.lead.position).toBe('CTO');

    const qualified = await callTool({ action: 'qualify', lead_id: lead.id, status: 'contacted' });
    v.parse(QualifyResponse, qualified.body);
    expect(qualified.body).toMatchObject({ status_changed: true, status_change: { from: 'new', to: 'contacted' } });

    const identified = await callTool({ action: 'identify', visitor_id: crypto.randomUUID(), lead_id: lead.id });
    v.parse(IdentifyResponse, identified.body);
    expect(identified.body.visitor.lead_id).toBe(lead.id);

    const one = await callTool({ action: 'list', lead_id: lead.id });
    v.parse(GetOneResponse, one.body);
    expect(one.body.data.lead).toMatchObject({ id: lead.id, position: 'CTO', status: 'contacted' });
    expect(one.body.data.visitors).toHaveLength(1);

    // It was written to the database the CLI was given.
    const store = await openStore(db);
    try {
      expect((await store.getLead(site.siteId, lead.id))?.status).toBe('contacted');
    } finally {
      await store.close();
    }
  });

  it('bad arguments come back as isError naming the fields', async () => {
    const answer = await callTool({ action: 'create', email: 'nope', limit: 5 });
    expect(answer.isError).toBe(true);
    expect(answer.body.success).toBe(false);
    expect(answer.body.error.code).toBe('invalid_input');
    expect(answer.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['email', 'limit', 'name']);
  });

  it('a wrong key: exits non-zero with a message on stderr, nothing on stdout', async () => {
    const [wrong, publishable, none] = await Promise.all([
      runCli(spawnArgs(`lt_sk_${'z'.repeat(32)}`)),
      runCli(spawnArgs(site.publishableKey)),
      runCli(spawnArgs(null)),
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/API key is not valid/);
    expect(wrong.stdout).toBe('');

    expect(publishable.code).toBe(1);
    expect(publishable.stderr).toMatch(/secret key/);

    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--key/);
  });

  it('takes the key from LEADTRAIL_KEY', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: spawnArgs(null),
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LEADTRAIL_KEY: site.secretKey },
      stderr: 'ignore',
    });
    const other = new Client({ name: 'env-key', version: '1.0.0' });
    await other.connect(transport);
    try {
      const answer = await callTool({ action: 'list', limit: 1 }, other);
      expect(answer.isError).toBe(false);
      expect(answer.body.data.pagination.total).toBeGreaterThanOrEqual(1);
    } finally {
      await other.close();
    }
  });
});
