/**
 * Hostile input, property-based (fast-check), over every route and action of the leads API (REST sub-routes, PUT
 * update, POST /leads with action, MCP tools/call), with both content types and with the secret and publishable keys:
 * mutated bodies, wrong types, deep nesting, huge strings and arrays, invalid UTF-8, prototype-polluting keys, SQL and
 * HTML in every text field. Never a 5xx, every answer a JSON error with its code, the store byte for byte unchanged,
 * no unexpected error logged. On SQLite, and on PostgreSQL when LEADTRAIL_TEST_DATABASE_URL is set.
 *
 * Cases per route: LEADTRAIL_FUZZ_RUNS (default 150); a failure prints fast-check's seed and path to replay it.
 * The long run (10,000+ per route) is `npx tsx test/reliability/fuzz-long.ts`.
 */
import { ERROR_CODES, ERROR_STATUS, type ErrorCode, LEAD_STATUSES } from '@leadtrail/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail } from '../support/conformance.ts';
import {
  type Case,
  hostileCase,
  type Keys,
  LEADS,
  nastyText,
  ROUTES,
  type Route,
  randomCase,
  requestOf,
} from './hostile.ts';
import {
  type DumpableStore,
  openDumpableStore,
  type RawAnswer,
  STORES,
  seedLead,
  send,
  startLoggedCollector,
} from './support.ts';

const RUNS = Number(process.env.LEADTRAIL_FUZZ_RUNS ?? 150);
/** Generous: the suites share two cores with everything else `pnpm test` runs. */
const TIMEOUT = 240_000;
const NO_LIMIT = { burst: 1e9, perSecond: 1e9 };
const ORIGIN = 'http://site.test';

/** The answer to a request that must be refused: a 4xx, JSON, in the one error shape (or JSON-RPC's, on MCP). */
export function expectRefusal(route: Route, answer: RawAnswer, label: string) {
  const where = `${route.name} <- ${label}: ${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, where).toBeLessThan(500);
  if (route.mcp && answer.status === 202) {
    // A message holding no request (an empty batch, say) is accepted with no answer: nothing is run.
    expect(answer.text, where).toBe('');
    return;
  }
  expect(answer.headers.get('content-type') ?? '', where).toMatch(/^application\/json/);
  expect(answer.json, where).toBeTypeOf('object');
  if (route.mcp && answer.json?.jsonrpc === '2.0') {
    if (answer.json.error) {
      expect(answer.json.error.code, where).toBeTypeOf('number');
      expect(answer.json.error.message, where).toBeTypeOf('string');
      return;
    }
    // A tool result: it must be the error result, with the REST error body.
    expect(answer.status, where).toBe(200);
    expect(answer.json.result?.isError, where).toBe(true);
    const body = answer.json.result.structuredContent;
    expect(body.success, where).toBe(false);
    expect(ERROR_CODES, where).toContain(body.error.code);
    return;
  }
  expect(answer.status, where).toBeGreaterThanOrEqual(400);
  expect(answer.json.success, where).toBe(false);
  expect(ERROR_CODES, where).toContain(answer.json.error.code);
  expect(answer.status, where).toBe(ERROR_STATUS[answer.json.error.code as ErrorCode]);
  expect(answer.json.error.message, where).toBeTypeOf('string');
  if (answer.status === 429) expect(Number(answer.headers.get('retry-after')), where).toBeGreaterThanOrEqual(1);
}

/** The answer to anything at all: never a 5xx; a success only for the read-only list action. */
function expectSafe(route: Route, answer: RawAnswer, label: string) {
  const where = `${route.name} <- ${label}: ${answer.status} ${answer.text.slice(0, 300)}`;
  const rpcRefusal = route.mcp && answer.json?.jsonrpc === '2.0' && (answer.json.error || answer.json.result?.isError);
  if (answer.status < 300 && answer.status !== 202 && !rpcRefusal) {
    expect(answer.status, where).toBe(200);
    if (route.mcp && answer.json?.jsonrpc === '2.0' && !answer.json.result?.isError) {
      expect(answer.json.result?.structuredContent?.data, where).toBeDefined();
    } else if (!route.mcp) {
      expect(answer.json?.success, where).toBe(true);
      expect(answer.json.data, where).toBeDefined();
    }
    return;
  }
  expectRefusal(route, answer, label);
}

for (const kind of STORES) {
  describe.skipIf(!kind.available)(`hostile input on every route [${kind.name}]`, () => {
    let handle: DumpableStore;
    let collector: Awaited<ReturnType<typeof startLoggedCollector>>;
    let keys: Keys;
    let ids: { leadId: string; email: string };

    beforeAll(async () => {
      handle = await openDumpableStore(kind.name);
      collector = await startLoggedCollector(handle, { ipRateLimit: NO_LIMIT, siteRateLimit: NO_LIMIT });
      keys = { secret: collector.site.secretKey, publishable: collector.site.publishableKey, origin: ORIGIN };
      const email = uniqueEmail('fuzz-seed');
      const created = await seedLead(collector.url, keys.secret, email);
      expect(created.status).toBe(201);
      ids = { leadId: created.json.lead.id, email };
      const qualified = await send(`${collector.url}${LEADS}/qualify`, {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.secret}` },
        body: JSON.stringify({ lead_id: ids.leadId, status: 'contacted' }),
      });
      expect(qualified.status).toBe(200);
    });

    afterAll(async () => {
      await collector?.close();
      await handle?.cleanup();
    });

    async function run(route: Route, c: Case): Promise<RawAnswer> {
      const request = requestOf(route, c, keys);
      return send(`${collector.url}${route.path}`, request);
    }

    for (const route of ROUTES) {
      it(
        `${route.name}: ${RUNS} hostile and ${Math.ceil(RUNS / 3)} random requests, all refused, nothing stored changes`,
        async () => {
          const before = await handle.dump();
          const logged = collector.logs.length;
          await fc.assert(
            fc.asyncProperty(hostileCase(route, ids), async (c) => {
              expectRefusal(route, await run(route, c), c.label);
            }),
            { numRuns: RUNS },
          );
          await fc.assert(
            fc.asyncProperty(randomCase(route), async (c) => {
              expectSafe(route, await run(route, c), c.label);
            }),
            { numRuns: Math.ceil(RUNS / 3) },
          );
          expect(await handle.dump()).toEqual(before);
          const entries = collector.logs.slice(logged);
          expect(entries.length).toBeGreaterThanOrEqual(RUNS);
          expect(entries.filter((e) => e.level === 'error')).toEqual([]);
          expect(entries.every((e) => typeof e.req_id === 'string' && e.req_id.length > 0)).toBe(true);
          expect((await send(`${collector.url}/healthz`, { method: 'GET' })).status).toBe(200);
        },
        TIMEOUT,
      );
    }

    it(
      'stores SQL, HTML and odd Unicode literally in every text field, through every writing action',
      async () => {
        const auth = { 'content-type': 'application/json', authorization: `Bearer ${keys.secret}` };
        const call = (sub: string, body: unknown) =>
          send(`${collector.url}${LEADS}/${sub}`, { headers: auth, body: JSON.stringify(body) });
        const seedBefore = (await call('get', { lead_id: ids.leadId })).json;
        const textFields = {
          name: nastyText(200),
          position: nastyText(200),
          company: nastyText(200),
          notes: nastyText(2000),
          origin: nastyText(100),
          source: nastyText(100),
          interest_level: nastyText(100),
          product_interest: nastyText(500),
          phone: nastyText(64),
        };
        await fc.assert(
          fc.asyncProperty(
            fc.record(textFields),
            fc.constantFrom('create', 'identify', 'update'),
            fc.constantFrom(...LEAD_STATUSES),
            async (fields, action, status) => {
              const email = uniqueEmail('nasty');
              let answer: RawAnswer;
              if (action === 'update') {
                const made = await call('create', { name: 'Plain', email });
                answer = await call('update', { lead_id: made.json.lead.id, ...fields, status });
              } else if (action === 'identify') {
                answer = await call('identify', { visitor_id: crypto.randomUUID(), email, ...fields });
              } else {
                answer = await call('create', { email, ...fields });
              }
              expect(answer.status, answer.text).toBeLessThan(300);
              const stored = (await call('get', { lead_id: answer.json.lead.id })).json.data.lead;
              for (const [field, value] of Object.entries(fields)) {
                // Text is stored as given, trimmed of surrounding white space (the schema trims).
                expect(stored[field], field).toBe(value.trim());
              }
              // Found again by a search on its own name (a substring match, never query syntax).
              const found = await call('get', { search: fields.name.trim(), limit: 500 });
              expect(found.status).toBe(200);
              expect(found.json.data.leads.map((l: { id: string }) => l.id)).toContain(answer.json.lead.id);
            },
          ),
          { numRuns: Math.max(10, Math.ceil(RUNS / 5)) },
        );
        // The seeded lead, its visitors and its history are untouched by all of it.
        expect((await call('get', { lead_id: ids.leadId })).json).toEqual(seedBefore);
      },
      TIMEOUT,
    );

    it(
      'answers other routes and methods, with odd paths, never with a 5xx',
      async () => {
        const before = await handle.dump();
        const paths = fc.oneof(
          fc.constantFrom(
            '/healthz',
            '/openapi.json',
            '/leadtrail.js',
            '/mcp',
            LEADS,
            `${LEADS}/get`,
            `${LEADS}/identify`,
          ),
          fc.string({ maxLength: 30 }).map((s) => `${LEADS}/${encodeURIComponent(s)}`),
          fc.constantFrom(
            `${LEADS}/../../etc/passwd`,
            `${LEADS}/%2e%2e/%2e%2e`,
            `${LEADS}/create%00`,
            `${LEADS}/${'a'.repeat(5000)}`,
            '/api/agents/tools/leads//create',
            `/mcp/${encodeURIComponent("' OR 1=1")}`,
          ),
        );
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom('GET', 'HEAD', 'OPTIONS', 'DELETE', 'PATCH', 'PUT', 'POST'),
            paths,
            fc.option(fc.constantFrom(ORIGIN, 'http://evil.test', 'null'), { nil: undefined }),
            async (method, path, origin) => {
              const answer = await send(`${collector.url}${path}`, {
                method,
                headers: { ...(origin ? { origin } : {}), 'access-control-request-method': 'POST' },
                ...(method === 'GET' || method === 'HEAD' ? {} : { body: '{}' }),
              });
              const where = `${method} ${path.slice(0, 80)}: ${answer.status} ${answer.text.slice(0, 200)}`;
              expect(answer.status, where).toBeLessThan(500);
              if (answer.status >= 400 && method !== 'HEAD') {
                expect(answer.json?.success, where).toBe(false);
                expect(ERROR_CODES, where).toContain(answer.json.error.code);
              }
            },
          ),
          { numRuns: RUNS },
        );
        expect(await handle.dump()).toEqual(before);
      },
      TIMEOUT,
    );
  });
}
