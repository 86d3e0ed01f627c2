/**
 * What a collector facing every browser on the internet must hold to: the Origin allowlist, per-address, per-site and
 * per-key rate limits (429 with Retry-After, measured under bursts, refilling), body limits (declared or streamed),
 * security headers on everything it serves, no secret key from a browser, keys stored and compared by hash only.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestSite, type TestSite } from '../support/collector.ts';
import { uniqueEmail } from '../support/conformance.ts';
import {
  type DumpableStore,
  mcpToolCall,
  openDumpableStore,
  type RawAnswer,
  send,
  startLoggedCollector,
} from './support.ts';

// Generous: the suites share two cores with everything else `pnpm test` runs.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const LEADS = '/api/agents/tools/leads';
const ORIGIN = 'http://site.test';
const OFF = null;

type Collector = Awaited<ReturnType<typeof startLoggedCollector>>;

/**
 * A browser's identify: text/plain JSON carrying the publishable key, from an origin, maybe from `ip` through two
 * proxies (10.0.0.1, then the one on the socket): collectors that read it trust 2 hops.
 */
function beacon(collector: Collector, init: { key?: string; origin?: string | null; ip?: string; body?: object } = {}) {
  const headers: Record<string, string> = { 'content-type': 'text/plain;charset=UTF-8' };
  const origin = init.origin === undefined ? ORIGIN : init.origin;
  if (origin !== null) headers.origin = origin;
  if (init.ip) headers['x-forwarded-for'] = `${init.ip}, 10.0.0.1`;
  return send(`${collector.url}${LEADS}/identify`, {
    headers,
    body: JSON.stringify({
      key: init.key ?? collector.site.publishableKey,
      visitor_id: crypto.randomUUID(),
      ...(init.body ?? {}),
    }),
  });
}

const statuses = (answers: RawAnswer[]) =>
  answers.reduce<Record<number, number>>((acc, a) => {
    acc[a.status] = (acc[a.status] ?? 0) + 1;
    return acc;
  }, {});

function expectRateLimited(answer: RawAnswer, message: RegExp) {
  expect(answer.status).toBe(429);
  expect(answer.json.error.code).toBe('rate_limited');
  expect(answer.json.error.message).toMatch(message);
  const retryAfter = answer.headers.get('retry-after');
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let handle: DumpableStore;
beforeAll(async () => {
  handle = await openDumpableStore('sqlite');
});
afterAll(async () => {
  await handle?.cleanup();
});

describe('rate limits', () => {
  const started: Collector[] = [];
  afterAll(async () => {
    for (const c of started) await c.close();
  });
  const collectorWith = async (options: Parameters<typeof startLoggedCollector>[1]) => {
    const c = await startLoggedCollector(handle, options);
    started.push(c);
    return c;
  };

  it('per address: exactly the burst gets through, the rest get 429 + Retry-After, then tokens refill', async () => {
    const c = await collectorWith({ ipRateLimit: { burst: 10, perSecond: 0.5 }, siteRateLimit: OFF });
    const t0 = performance.now();
    const burst = await Promise.all(Array.from({ length: 30 }, () => beacon(c)));
    // The burst, and only what refilled (0.5/s) while the 30 requests were being answered.
    const refilled = Math.floor(((performance.now() - t0) / 1000) * 0.5);
    expect(statuses(burst)).toEqual({ 202: 10 + refilled, 429: 20 - refilled });
    for (const a of burst.filter((x) => x.status === 429)) expectRateLimited(a, /address/);
    // The 429 says when to come back; after that, one more token (0.5/s) and no more.
    const wait = Math.max(...burst.filter((x) => x.status === 429).map((a) => Number(a.headers.get('retry-after'))));
    expect(wait).toBe(2);
    await sleep(wait * 1000 + 100);
    const after = await Promise.all(Array.from({ length: 3 }, () => beacon(c)));
    expect(statuses(after)).toEqual({ 202: 1, 429: 2 });
  });

  it('per address: counted before the key is looked up, so guessing keys is throttled too', async () => {
    const c = await collectorWith({ ipRateLimit: { burst: 5, perSecond: 0.001 }, siteRateLimit: OFF });
    const guesses = await Promise.all(Array.from({ length: 5 }, () => beacon(c, { key: `lt_pk_${'g'.repeat(32)}` })));
    expect(statuses(guesses)).toEqual({ 401: 5 });
    expectRateLimited(await beacon(c), /address/);
  });

  it('per address behind a trusted proxy: each client address has its own bucket', async () => {
    const c = await collectorWith({
      ipRateLimit: { burst: 3, perSecond: 0.001 },
      siteRateLimit: OFF,
      trustProxy: 2,
    });
    const answers = await Promise.all(
      ['203.0.113.1', '203.0.113.2'].flatMap((ip) => Array.from({ length: 5 }, () => beacon(c, { ip }))),
    );
    expect(statuses(answers.slice(0, 5))).toEqual({ 202: 3, 429: 2 });
    expect(statuses(answers.slice(5))).toEqual({ 202: 3, 429: 2 });
  });

  it('per site: many addresses together get exactly the site burst', async () => {
    const c = await collectorWith({
      ipRateLimit: OFF,
      siteRateLimit: { burst: 20, perSecond: 0.001 },
      trustProxy: 2,
    });
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => beacon(c, { ip: `198.51.100.${i}` })));
    expect(statuses(answers)).toEqual({ 202: 20, 429: 30 });
    for (const a of answers.filter((x) => x.status === 429)) expectRateLimited(a, /site/);
    // Another site's visitors are not affected.
    const other = await createTestSite(handle.store, ['http://other.test']);
    const theirs = await beacon(c, { key: other.publishableKey, origin: 'http://other.test' });
    expect(theirs.status).toBe(202);
  });

  it('per secret key: REST and MCP share the key’s bucket; another key has its own', async () => {
    const c = await collectorWith({ keyRateLimit: { burst: 15, perSecond: 0.001 } });
    const list = (key: string) =>
      send(`${c.url}${LEADS}/get`, {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: '{}',
      });
    const rest = await Promise.all(Array.from({ length: 10 }, () => list(c.site.secretKey)));
    const mcp = await Promise.all(
      Array.from({ length: 10 }, () => mcpToolCall(c.url, c.site.secretKey, { action: 'list' })),
    );
    expect(statuses([...rest, ...mcp])).toEqual({ 200: 15, 429: 5 });
    for (const a of [...rest, ...mcp].filter((x) => x.status === 429)) expectRateLimited(a, /key/);
    const other = await createTestSite(handle.store);
    expect((await list(other.secretKey)).status).toBe(200);
  });

  it('the default limits hold under a burst: 60 per address, 1000 per site, 1000 per secret key', async () => {
    const c = await collectorWith({ trustProxy: 2 });
    // One address, 150 requests at once: the address burst of 60 (and what refills at 2/s while they run).
    let t0 = performance.now();
    const one = await Promise.all(Array.from({ length: 150 }, () => beacon(c, { ip: '192.0.2.1' })));
    let seconds = (performance.now() - t0) / 1000;
    const passed = one.filter((a) => a.status === 202).length;
    expect(passed).toBeGreaterThanOrEqual(60);
    expect(passed).toBeLessThanOrEqual(60 + Math.ceil(seconds * 2));
    expect(passed + one.filter((a) => a.status === 429).length).toBe(150);

    // Many addresses, 1300 requests: the site burst of 1000 (plus 200/s while they run). Bodies without a visitor
    // id are refused after the limiter, so the burst measures the limiter, not the store.
    const site = await createTestSite(handle.store, [ORIGIN]);
    const refused = { visitor_id: undefined };
    t0 = performance.now();
    const many: RawAnswer[] = [];
    for (let i = 0; i < 1300; i += 100) {
      many.push(
        ...(await Promise.all(
          Array.from({ length: 100 }, (_, j) =>
            beacon(c, { key: site.publishableKey, ip: `10.1.${i / 100}.${j}`, body: refused }),
          ),
        )),
      );
    }
    seconds = (performance.now() - t0) / 1000;
    const throughSite = many.filter((a) => a.status === 400).length;
    expect(throughSite).toBeGreaterThanOrEqual(1000);
    expect(throughSite).toBeLessThanOrEqual(1000 + Math.ceil(seconds * 200));
    expect(many.filter((a) => a.status !== 400 && a.status !== 429)).toEqual([]);

    // One secret key, 1300 requests: the key burst of 1000 (plus 200/s). Invalid lists are refused after the limiter.
    const keyed = await createTestSite(handle.store);
    t0 = performance.now();
    const calls: RawAnswer[] = [];
    for (let i = 0; i < 1300; i += 100) {
      calls.push(
        ...(await Promise.all(
          Array.from({ length: 100 }, () =>
            send(`${c.url}${LEADS}/get`, {
              headers: { 'content-type': 'application/json', authorization: `Bearer ${keyed.secretKey}` },
              body: '{"limit":0}',
            }),
          ),
        )),
      );
    }
    seconds = (performance.now() - t0) / 1000;
    const throughKey = calls.filter((a) => a.status === 400).length;
    expect(throughKey).toBeGreaterThanOrEqual(1000);
    expect(throughKey).toBeLessThanOrEqual(1000 + Math.ceil(seconds * 200));
    expect(calls.filter((a) => a.status !== 400 && a.status !== 429)).toEqual([]);
  });
});

describe('origins, keys and bodies', () => {
  let c: Collector;
  beforeAll(async () => {
    c = await startLoggedCollector(handle, { ipRateLimit: OFF, siteRateLimit: OFF, keyRateLimit: OFF });
  });
  afterAll(async () => {
    await c?.close();
  });

  it('answers publishable-key requests only from the site’s allowed origins, exactly', async () => {
    const ok = await beacon(c);
    expect(ok.status).toBe(202);
    expect(ok.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(ok.headers.get('vary')).toMatch(/Origin/i);
    for (const origin of [
      null,
      'null',
      'http://evil.test',
      'https://site.test',
      'http://site.test:8080',
      'http://SITE.test.evil.test',
      'http://site.test.evil.test',
      'http://sub.site.test',
      `${ORIGIN}/`,
      'HTTP://SITE.TEST',
    ]) {
      const refused = await beacon(c, { origin });
      expect(refused.status, String(origin)).toBe(403);
      expect(refused.json.error.code, String(origin)).toBe('origin_not_allowed');
      expect(refused.headers.get('access-control-allow-origin'), String(origin)).toBeNull();
    }
  });

  it('never accepts a secret key from a browser: not with an Origin, not cross-site, not in a body', async () => {
    const auth = { 'content-type': 'application/json', authorization: `Bearer ${c.site.secretKey}` };
    const list = (headers: Record<string, string>, body = '{}') => send(`${c.url}${LEADS}/get`, { headers, body });
    expect((await list(auth)).status).toBe(200);
    expect((await list({ ...auth, origin: new URL(c.url).origin })).status).toBe(200);
    const browsers: Record<string, string>[] = [
      { origin: ORIGIN },
      { origin: 'null' },
      { origin: 'http://evil.test' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const extra of browsers) {
      const answer = await list({ ...auth, ...extra });
      expect(answer.status, JSON.stringify(extra)).toBe(403);
      expect(answer.json.error.code, JSON.stringify(extra)).toBe('forbidden');
    }
    for (const contentType of ['text/plain', 'application/json']) {
      const inBody = await send(`${c.url}${LEADS}/identify`, {
        headers: { 'content-type': contentType, origin: ORIGIN },
        body: JSON.stringify({ key: c.site.secretKey, visitor_id: crypto.randomUUID() }),
      });
      expect(inBody.status, contentType).toBe(403);
      expect(inBody.json.error.code, contentType).toBe('forbidden');
    }
    const mcp = await mcpToolCall(c.url, c.site.secretKey, { action: 'list' }, { origin: ORIGIN });
    expect(mcp.status).toBe(403);
  });

  it('keeps secret keys as SHA-256 hashes only (publishable ones, public, also whole), and refuses a key that differs anywhere, alike', async () => {
    const dump = await handle.dump();
    const site: TestSite = c.site;
    for (const key of [site.secretKey, site.publishableKey]) {
      expect(dump.api_keys.map((k) => k.hash)).toContain(createHash('sha256').update(key).digest('hex'));
    }
    // The secret key's random part is nowhere in the database; the publishable key only in its own row's token.
    const text = JSON.stringify(dump);
    expect(text).not.toContain(site.secretKey.slice(6));
    expect(dump.api_keys.filter((k) => k.kind === 'secret' && k.token !== null)).toEqual([]);
    const own = dump.api_keys.filter((k) => k.site_id === site.siteId);
    expect(own.map((k) => [k.kind, k.token])).toEqual(
      expect.arrayContaining([
        ['secret', null],
        ['publishable', site.publishableKey],
      ]),
    );
    const tokenless = { ...dump, api_keys: dump.api_keys.map(({ token: _, ...key }) => key) };
    expect(JSON.stringify(tokenless)).not.toContain(site.publishableKey.slice(6));
    // A key one character off at the start or at the end: the same 401, the same body.
    const flip = (ch: string) => (ch === 'A' ? 'B' : 'A');
    const s = site.secretKey;
    const lateFlip = `${s.slice(0, -1)}${flip(s.at(-1)!)}`;
    const earlyFlip = `${s.slice(0, 6)}${flip(s[6]!)}${s.slice(7)}`;
    const answers = await Promise.all(
      [lateFlip, earlyFlip, `${s}x`, s.slice(0, -1)].map((key) =>
        send(`${c.url}${LEADS}/get`, {
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: '{}',
        }),
      ),
    );
    for (const a of answers) {
      expect(a.status).toBe(401);
      expect(a.json).toEqual(answers[0]!.json);
    }
  });

  it('refuses bodies over the limits, declared or streamed, and closes the connection', async () => {
    const big = (bytes: number) =>
      JSON.stringify({ key: c.site.publishableKey, visitor_id: crypto.randomUUID(), notes: 'x'.repeat(bytes) });
    // On a keep-alive connection (fetch's): refused, and the connection is not kept for another request.
    const declared = await fetch(`${c.url}${LEADS}/identify`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: ORIGIN },
      body: big(33 * 1024),
    });
    expect(declared.status).toBe(413);
    expect((await declared.json()).error.code).toBe('payload_too_large');
    expect(declared.headers.get('connection')).toBe('close');
    const small = await fetch(`${c.url}${LEADS}/identify`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: ORIGIN },
      body: big(1024),
    });
    expect(small.status).toBe(202);
    expect(small.headers.get('connection')).toBe('keep-alive');

    // Streamed in chunks with no Content-Length: cut off once past the limit, without reading the rest.
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024));
    let sentChunks = 0;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"notes":"'));
      },
      pull(controller) {
        sentChunks++;
        if (sentChunks > 2000) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const streamed = await fetch(`${c.url}${LEADS}/update`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${c.site.secretKey}` },
      body: stream,
      duplex: 'half',
    } as RequestInit).then(
      async (r) => ({ status: r.status, json: await r.json() }),
      () => ({ status: 0, json: null }),
    );
    // Either the 413 arrives, or the connection is closed on the sender mid-stream; never all 32 MB read.
    if (streamed.status !== 0) {
      expect(streamed.status).toBe(413);
      expect(streamed.json.error.code).toBe('payload_too_large');
    }
    expect(sentChunks).toBeLessThan(2000);

    const json = await send(`${c.url}${LEADS}/create`, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${c.site.secretKey}` },
      body: JSON.stringify({ name: 'x', email: uniqueEmail(), notes: 'y'.repeat(257 * 1024) }),
    });
    expect(json.status).toBe(413);
    expect((await send(`${c.url}/healthz`, { method: 'GET' })).status).toBe(200);
  });

  it('sets security headers on everything the collector serves', async () => {
    const auth = { authorization: `Bearer ${c.site.secretKey}`, 'content-type': 'application/json' };
    const answers: [string, RawAnswer][] = [
      ['healthz', await send(`${c.url}/healthz`, { method: 'GET' })],
      ['openapi', await send(`${c.url}/openapi.json`, { method: 'GET' })],
      ['tracker', await send(`${c.url}/leadtrail.js`, { method: 'GET' })],
      ['list', await send(`${c.url}${LEADS}/get`, { headers: auth, body: '{}' })],
      ['error', await send(`${c.url}${LEADS}/get`, { headers: auth, body: '{' })],
      ['401', await send(`${c.url}${LEADS}/get`, { headers: { 'content-type': 'application/json' }, body: '{}' })],
      ['404', await send(`${c.url}/api/nowhere`, { method: 'GET' })],
      ['405', await send(`${c.url}${LEADS}/create`, { method: 'GET' })],
      ['browser', await beacon(c)],
      [
        'preflight',
        await send(`${c.url}${LEADS}/identify`, {
          method: 'OPTIONS',
          headers: { origin: ORIGIN, 'access-control-request-method': 'POST' },
        }),
      ],
      ['mcp', await mcpToolCall(c.url, c.site.secretKey, { action: 'list' })],
    ];
    for (const [label, a] of answers) {
      const h = (name: string) => a.headers.get(name);
      expect(h('x-content-type-options'), label).toBe('nosniff');
      expect(h('content-security-policy'), label).toMatch(/default-src 'none'/);
      expect(h('content-security-policy'), label).toMatch(/frame-ancestors 'none'/);
      expect(h('x-frame-options'), label).toMatch(/DENY|SAMEORIGIN/);
      expect(h('referrer-policy'), label).toBe('no-referrer');
      expect(h('strict-transport-security'), label).toMatch(/max-age=\d+/);
      expect(h('x-request-id'), label).toMatch(/^[0-9a-f-]{36}$/);
      expect(h('x-powered-by'), label).toBeNull();
      expect(h('server'), label).toBeNull();
      // Only the script may be embedded by other origins; API answers are never cached.
      expect(h('cross-origin-resource-policy'), label).toBe(label === 'tracker' ? 'cross-origin' : 'same-origin');
      if (!['tracker', 'openapi'].includes(label)) expect(h('cache-control'), label).toBe('no-store');
    }
  });
});
