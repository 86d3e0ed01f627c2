/**
 * The `leads` MCP tool over stateless Streamable HTTP (POST /mcp), driven by the official SDK client against a
 * real collector on a real SQLite store: the tool and its schema, every action end to end with the same JSON as
 * REST, the published tool's string forms, errors an agent can act on, and who is refused.
 */
import {
  CreateResponse,
  ErrorBody,
  fields,
  GetOneResponse,
  IdentifyResponse,
  ListResponse,
  QualifyResponse,
  UpdateResponse,
} from '@leadtrail/protocol';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSite, LEADS, startTestCollector, type TestCollector } from '../../../test/support/collector.ts';
import { openSqliteTestStore, type StoreHandle } from '../../../test/support/stores.ts';

/** The seed's table, written out: name, type, description. */
const SEED_TABLE: [string, 'string' | 'number' | 'object' | 'array', string][] = [
  ['action', 'string', 'Action to perform on leads. Enum: create, list, update, qualify, identify'],
  ['lead_id', 'string', 'Lead UUID'],
  ['name', 'string', 'Lead full name'],
  ['email', 'string', 'Email address'],
  ['phone', 'string', 'Phone number'],
  ['position', 'string', 'Job title/position'],
  ['company', 'string', 'Company name'],
  ['notes', 'string', 'Notes'],
  ['status', 'string', 'new, contacted, qualified, converted, lost'],
  ['origin', 'string', 'Lead source (e.g. website, referral)'],
  ['segment_id', 'string', 'Segment UUID'],
  ['campaign_id', 'string', 'Campaign UUID'],
  ['assignee_id', 'string', 'Assignee user UUID'],
  ['site_id', 'string', 'Filter by site UUID'],
  ['user_id', 'string', 'Filter by user UUID'],
  ['search', 'string', 'Text search in name, email, notes and company (company: beyond the seed)'],
  ['limit', 'number', 'Max results (default 50)'],
  ['offset', 'number', 'Pagination offset'],
  ['sort_by', 'string', 'Field to sort by'],
  ['sort_order', 'string', 'Sort order. Enum: asc, desc'],
  ['visitor_id', 'string', 'Visitor UUID'],
  ['lead_score', 'number', 'Score 1-100'],
  ['source', 'string', 'Lead source'],
  ['contact_info', 'object', 'Contact details'],
  ['company_info', 'object', 'Company details'],
  ['interest_level', 'string', 'Interest level'],
  ['product_interest', 'string', 'Product interest'],
  ['pages_visited', 'array', 'Pages visited'],
  ['time_spent', 'number', 'Time spent'],
  ['visit_count', 'number', 'Visit count'],
];

const SEED_DESCRIPTION =
  'Manage leads. Use action="create" to create a new lead (requires name, email). Use action="update" to update an ' +
  'existing lead (requires lead_id). Use action="list" to get leads with filters. Use action="qualify" to change ' +
  'status (requires status). Use action="identify" to identify a visitor (requires visitor_id).';

interface ToolAnswer {
  isError: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: the test reads the answer's fields and asserts on them.
  body: any;
  structured: unknown;
}

let handle: StoreHandle;
let collector: TestCollector;
let client: Client;

function transportFor(key: string | null, headers: Record<string, string> = {}) {
  return new StreamableHTTPClientTransport(new URL(`${collector.url}/mcp`), {
    requestInit: { headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } },
  });
}

async function connect(key: string): Promise<Client> {
  const c = new Client({ name: 'leadtrail-test', version: '1.0.0' });
  await c.connect(transportFor(key));
  return c;
}

async function callTool(args: Record<string, unknown>, using: Client = client): Promise<ToolAnswer> {
  const result = await using.callTool({ name: 'leads', arguments: args });
  const content = result.content as { type: string; text: string }[];
  expect(content).toHaveLength(1);
  expect(content[0]!.type).toBe('text');
  return { isError: result.isError === true, body: JSON.parse(content[0]!.text), structured: result.structuredContent };
}

/** A raw POST to /mcp: an initialize request, so a refusal is visibly about the caller, not the message. */
function rawMcp(headers: Record<string, string>, method = 'POST') {
  return fetch(`${collector.url}/mcp`, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    ...(method === 'POST'
      ? {
          body: JSON.stringify({
            jsonrpc: '2.0',
            id: 1,
            method: 'initialize',
            params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
          }),
        }
      : {}),
  });
}

beforeAll(async () => {
  handle = await openSqliteTestStore();
  collector = await startTestCollector(handle.store);
  client = await connect(collector.site.secretKey);
});

afterAll(async () => {
  await client?.close();
  await collector?.close();
  await handle?.cleanup();
});

describe('tools/list', () => {
  it('lists one tool, leads, with the seed description and every seed parameter with its type and words', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['leads']);
    const tool = tools[0]!;
    expect(tool.description?.startsWith(SEED_DESCRIPTION)).toBe(true);

    const schema = tool.inputSchema as {
      $schema?: string;
      type: string;
      required?: string[];
      properties: Record<string, { type?: string; enum?: string[]; description?: string }>;
    };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(['action']);
    expect(schema.properties.action!.enum).toEqual(['create', 'list', 'update', 'qualify', 'identify']);

    expect(SEED_TABLE).toHaveLength(30);
    for (const [name, type, description] of SEED_TABLE) {
      const property = schema.properties[name];
      expect(property, name).toBeDefined();
      expect(property!.description, name).toBe(description);
      if (type === 'number') expect(['number', 'integer'], name).toContain(property!.type);
      else expect(property!.type, name).toBe(type);
    }
    // Generated from the protocol: every field it declares is a property, with its own description.
    for (const [name, fieldSchema] of Object.entries(fields)) {
      expect(schema.properties[name]?.description, name).toBe(v.getDescription(fieldSchema));
    }
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(fields).sort());
  });
});

describe('each action end to end, answering the same JSON as REST', () => {
  it('create, list, update, qualify and identify', async () => {
    const created = await callTool({
      action: 'create',
      name: 'Jane Smith',
      email: 'jane@example.com',
      company: 'Acme Corp',
      contact_info: { linkedin: 'jane-smith' },
      pages_visited: [{ path: '/pricing', title: 'Pricing' }],
    });
    expect(created.isError).toBe(false);
    v.parse(CreateResponse, created.body);
    expect(created.structured).toEqual(created.body);
    const lead = created.body.lead;
    expect(lead).toMatchObject({ name: 'Jane Smith', email: 'jane@example.com', status: 'new' });
    expect(lead.contact_info).toEqual({ linkedin: 'jane-smith' });

    // The one-lead list answers exactly what REST answers.
    const one = await callTool({ action: 'list', lead_id: lead.id });
    v.parse(GetOneResponse, one.body);
    const restOne = await collector.call('get', { lead_id: lead.id });
    expect(restOne.status).toBe(200);
    expect(one.body).toEqual(restOne.body);
    expect(one.body.data.lead).toEqual(lead);

    const listed = await callTool({ action: 'list', search: 'jane', limit: 10 });
    v.parse(ListResponse, listed.body);
    expect(listed.body.data.leads.map((l: { id: string }) => l.id)).toEqual([lead.id]);
    expect(listed.body.data.pagination).toEqual({ total: 1, count: 1, offset: 0, limit: 10, has_more: false });
    expect(listed.body).toEqual((await collector.call('get', { search: 'jane', limit: 10 })).body);

    const updated = await callTool({ action: 'update', lead_id: lead.id, notes: 'Asked for a demo', phone: null });
    expect(updated.isError).toBe(false);
    v.parse(UpdateResponse, updated.body);
    expect(updated.body.lead).toMatchObject({ id: lead.id, notes: 'Asked for a demo', phone: null });
    expect(updated.body.lead).toEqual((await collector.call('get', { lead_id: lead.id })).body.data.lead);

    const qualified = await callTool({ action: 'qualify', email: 'jane@example.com', status: 'qualified' });
    v.parse(QualifyResponse, qualified.body);
    expect(qualified.body).toMatchObject({
      status_changed: true,
      status_change: { from: 'new', to: 'qualified' },
      lead: { id: lead.id, status: 'qualified' },
    });
    const again = await callTool({ action: 'qualify', lead_id: lead.id, status: 'qualified' });
    expect(again.body).toMatchObject({ success: true, status_changed: false });

    const visitorId = crypto.randomUUID();
    const identified = await callTool({
      action: 'identify',
      visitor_id: visitorId,
      email: 'jane@example.com',
      pages_visited: [{ path: '/demo' }],
      time_spent: 42,
      visit_count: 2,
    });
    expect(identified.isError).toBe(false);
    v.parse(IdentifyResponse, identified.body);
    expect(identified.body.visitor).toMatchObject({ id: visitorId, lead_id: lead.id, time_spent: 42 });
    // identify never downgrades a qualified lead.
    expect(identified.body.lead).toMatchObject({ id: lead.id, status: 'qualified' });
    expect(identified.body.lead.pages_visited.map((p: { path: string }) => p.path)).toEqual(
      expect.arrayContaining(['/pricing', '/demo']),
    );

    const anonymous = await callTool({ action: 'identify', visitor_id: crypto.randomUUID(), time_spent: 5 });
    expect(anonymous.body.lead).toBeNull();
    v.parse(IdentifyResponse, anonymous.body);
  });

  it('a key sees only its own site: another site’s lead is not found, as over REST', async () => {
    const other = await createTestSite(handle.store);
    const foreign = await collector.call(
      'create',
      { name: 'Other', email: 'other@example.com' },
      { key: other.secretKey },
    );
    expect(foreign.status).toBe(201);
    const answer = await callTool({ action: 'list', lead_id: foreign.body.lead.id });
    expect(answer.isError).toBe(true);
    expect(answer.body.error.code).toBe('not_found');
    const mismatch = await callTool({ action: 'list', site_id: other.siteId });
    expect(mismatch.body.error).toMatchObject({ code: 'site_mismatch', issues: [{ path: 'site_id' }] });
  });
});

describe('the published tool’s string forms', () => {
  it('accepts contact_info and company_info as JSON strings and pages_visited as a list of paths', async () => {
    const answer = await callTool({
      action: 'create',
      name: 'String Client',
      email: 'strings@example.com',
      contact_info: '{"linkedin":"strings","twitter":"@strings"}',
      company_info: '{"size":50,"industry":"SaaS"}',
      pages_visited: '/pricing, /about,/contact',
    });
    expect(answer.isError).toBe(false);
    expect(answer.body.lead.contact_info).toEqual({ linkedin: 'strings', twitter: '@strings' });
    expect(answer.body.lead.company_info).toEqual({ size: 50, industry: 'SaaS' });
    expect(answer.body.lead.pages_visited.map((p: { path: string }) => p.path)).toEqual([
      '/pricing',
      '/about',
      '/contact',
    ]);

    const jsonPages = await callTool({
      action: 'update',
      lead_id: answer.body.lead.id,
      pages_visited: '[{"path":"/blog","title":"Blog"}]',
      company_info: 'null',
    });
    expect(jsonPages.isError).toBe(false);
    expect(jsonPages.body.lead.company_info).toBeNull();
    expect(jsonPages.body.lead.pages_visited.map((p: { path: string }) => p.path)).toContain('/blog');
  });

  it("takes a visitor's touches and answers each lead's attribution; list filters by channel and campaign", async () => {
    const email = `touched.${crypto.randomUUID()}@example.com`;
    const identified = await callTool({
      action: 'identify',
      visitor_id: crypto.randomUUID(),
      email,
      touches: [{ url: 'https://site.test/?utm_source=chatgpt.com&utm_campaign=launch', at: '2026-11-02T09:00:00Z' }],
    });
    expect(identified.isError).toBe(false);
    expect(identified.body.lead.attribution).toMatchObject({
      channel: 'ai_assistant',
      first_touch: { utm_source: 'chatgpt.com', utm_campaign: 'launch', landing_page: '/' },
    });
    const listed = await callTool({ action: 'list', channel: 'ai_assistant', utm_campaign: 'LAUNCH' });
    expect(listed.body.data.leads.map((lead: { email: string }) => lead.email)).toEqual([email]);
    const wrong = await callTool({ action: 'list', channel: 'carrier_pigeon' });
    expect(wrong.isError).toBe(true);
    expect(JSON.stringify(wrong.body)).toContain('must be one of direct, organic_search');
  });

  it('a string that is not a JSON object is refused by name', async () => {
    const answer = await callTool({ action: 'create', name: 'X', email: 'x@example.com', contact_info: 'call me' });
    expect(answer.isError).toBe(true);
    expect(answer.body.error.code).toBe('invalid_input');
    expect(answer.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['contact_info']);
  });
});

describe('errors an agent can correct', () => {
  it('bad arguments come back as isError naming every offending field, exactly as REST answers', async () => {
    const args = { action: 'create', name: 'Bad', email: 'not-an-email', lead_score: 500, colour: 'blue' };
    const answer = await callTool(args);
    expect(answer.isError).toBe(true);
    v.parse(ErrorBody, answer.body);
    expect(answer.body.success).toBe(false);
    expect(answer.body.error.code).toBe('invalid_input');
    const paths = answer.body.error.issues.map((i: { path: string }) => i.path).sort();
    expect(paths).toEqual(['colour', 'email', 'lead_score']);
    expect(answer.body.error.message).toMatch(/email/);

    const rest = await collector.call(LEADS, args);
    expect(rest.status).toBe(400);
    expect(rest.body).toEqual(answer.body);
  });

  it('a missing or unknown action and a missing required field are named', async () => {
    const noAction = await callTool({ name: 'x' });
    expect(noAction.body.error).toMatchObject({ code: 'invalid_input', issues: [{ path: 'action' }] });
    const wrongAction = await callTool({ action: 'delete' });
    expect(wrongAction.body.error.issues[0].path).toBe('action');
    const noLead = await callTool({ action: 'update', notes: 'x' });
    expect(noLead.isError).toBe(true);
    expect(noLead.body.error.issues).toEqual([{ path: 'lead_id', message: 'is required' }]);
    const noStatus = await callTool({ action: 'qualify', lead_id: crypto.randomUUID() });
    expect(noStatus.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['status']);
  });

  it('not_found and duplicate_lead come back as isError with their codes', async () => {
    const missing = await callTool({ action: 'update', lead_id: crypto.randomUUID(), notes: 'x' });
    expect(missing).toMatchObject({ isError: true, body: { success: false, error: { code: 'not_found' } } });
    await callTool({ action: 'create', name: 'Dup', email: 'dup@example.com' });
    const dup = await callTool({ action: 'create', name: 'Dup', email: 'dup@example.com' });
    expect(dup.isError).toBe(true);
    expect(dup.body.error.code).toBe('duplicate_lead');
    expect(typeof dup.body.error.lead_id).toBe('string');
  });

  it('an unknown tool is a protocol error', async () => {
    await expect(client.callTool({ name: 'contacts', arguments: {} })).rejects.toThrow(/Unknown tool/);
  });
});

describe('who is refused', () => {
  it('no key and a wrong key: 401 with WWW-Authenticate: Bearer', async () => {
    const none = await rawMcp({});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await none.json()).error.code).toBe('unauthorized');

    const wrong = await rawMcp({ authorization: `Bearer lt_sk_${'x'.repeat(32)}` });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await wrong.json()).error.code).toBe('invalid_api_key');

    const sdk = new Client({ name: 'wrong-key', version: '1.0.0' });
    await expect(sdk.connect(transportFor(`lt_sk_${'y'.repeat(32)}`))).rejects.toThrow();
  });

  it('a publishable key is refused with 403', async () => {
    const response = await rawMcp({ authorization: `Bearer ${collector.site.publishableKey}` });
    expect(response.status).toBe(403);
    expect((await response.json()).error.code).toBe('forbidden');
  });

  it('a request from a web page of another origin is refused; the collector’s own origin is not', async () => {
    const auth = { authorization: `Bearer ${collector.site.secretKey}` };
    const foreign = await rawMcp({ ...auth, origin: 'http://evil.test' });
    expect(foreign.status).toBe(403);
    expect((await foreign.json()).error.code).toBe('origin_not_allowed');
    // Refused before the key is even looked at.
    expect((await rawMcp({ origin: 'http://evil.test' })).status).toBe(403);

    const own = await rawMcp({ ...auth, origin: new URL(collector.url).origin });
    expect(own.status).toBe(200);
    expect(own.headers.get('x-request-id')).toBeTruthy();
    expect((await own.json()).result.serverInfo.name).toBe('leadtrail');
  });

  it('GET and DELETE /mcp answer 405: the server is stateless', async () => {
    const auth = { authorization: `Bearer ${collector.site.secretKey}` };
    for (const method of ['GET', 'DELETE']) {
      const response = await rawMcp(auth, method);
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    }
  });
});
