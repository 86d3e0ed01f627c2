/**
 * `--trust-proxy N` over real HTTP: the rate limits key on the address the trusted proxy saw, not on entries a
 * client adds to X-Forwarded-For; X-Forwarded-Proto/-Host are taken from the nearest proxy; and a dashboard POST
 * is judged same-origin by Sec-Fetch-Site even when the proxy passes the upstream's Host.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEADS, startTestCollector, type TestCollector } from '../../../test/support/collector.ts';
import { runCli, startLoggedProcess } from '../../../test/support/processes.ts';
import { openSqliteTestStore, type StoreHandle } from '../../../test/support/stores.ts';

let handle: StoreHandle;
const started: TestCollector[] = [];

beforeAll(async () => {
  handle = await openSqliteTestStore();
});
afterAll(async () => {
  for (const collector of started) await collector.close();
  await handle?.cleanup();
});

async function collectorWith(options: Parameters<typeof startTestCollector>[1]) {
  const collector = await startTestCollector(handle.store, options);
  started.push(collector);
  return collector;
}

const FORM = 'application/x-www-form-urlencoded';

/** A form POST; redirects are not followed (the answer is what is checked). */
const postForm = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': FORM, ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });

/** Sign-in attempts with a wrong key, each with its own spoofed leftmost X-Forwarded-For. */
async function wrongSignIns(baseUrl: string, count: number, forwardedFor: (i: number) => string) {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await postForm(
      `${baseUrl}/login`,
      { method: 'key', key: 'lt_sk_nopenopenopenopenope' },
      { 'x-forwarded-for': forwardedFor(i) },
    );
    await answer.arrayBuffer();
    statuses.push(answer.status);
  }
  return statuses;
}

const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;

/**
 * The login limiter allows 10 attempts at once, then one every 6 seconds: the 11th attempt is refused, and of 40
 * nearly all are (asserting at least 20 leaves room for a slow machine's refills).
 */
function expectLimited(statuses: number[]) {
  expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
  expect(statuses[10]).toBe(429);
  expect(count(statuses, 429)).toBeGreaterThanOrEqual(20);
}

describe('the client address behind a trusted proxy', () => {
  it('login: rotating the spoofed leftmost X-Forwarded-For does not escape the per-address limit', async () => {
    const c = await collectorWith({ trustProxy: 1 });
    expectLimited(await wrongSignIns(c.url, 40, (i) => `10.0.${i}.${i}, 203.0.113.9`));
    // Another client, as the proxy saw it, has its own attempts.
    const other = await wrongSignIns(c.url, 1, () => '203.0.113.9, 203.0.113.10');
    expect(other).toEqual([401]);
  });

  it('login through two proxies (trustProxy 2): the entry the first proxy wrote is the client', async () => {
    const c = await collectorWith({ trustProxy: 2 });
    expectLimited(await wrongSignIns(c.url, 40, (i) => `10.0.${i}.${i}, 203.0.113.9, 10.1.1.1`));
  });

  it('with trust-proxy off, X-Forwarded-For is ignored: every entry is the same socket address', async () => {
    const c = await collectorWith({});
    expectLimited(await wrongSignIns(c.url, 40, (i) => `198.51.100.${i}`));
  });

  it('API: the per-address limit of publishable keys holds against a rotating leftmost entry', async () => {
    const c = await collectorWith({ trustProxy: 1, ipRateLimit: { burst: 5, perSecond: 0.001 }, siteRateLimit: null });
    const identify = async (forwardedFor: string) => {
      const answer = await fetch(`${c.url}${LEADS}/identify`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', origin: 'http://site.test', 'x-forwarded-for': forwardedFor },
        body: JSON.stringify({ key: c.site.publishableKey, visitor_id: crypto.randomUUID() }),
      });
      return { status: answer.status, body: (await answer.json()) as { error?: { message: string } } };
    };
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await identify(`10.9.${i}.1, 203.0.113.20`));
    expect(answers.map((a) => a.status)).toEqual([...Array(5).fill(202), ...Array(7).fill(429)]);
    expect(answers[5]!.body.error?.message).toMatch(/address/);
    expect((await identify('10.9.0.1, 203.0.113.21')).status).toBe(202);
  });
});

/** Signs in with the site's secret key; returns the session cookie. */
async function signIn(c: TestCollector, headers: Record<string, string> = {}) {
  const answer = await postForm(`${c.url}/login`, { method: 'key', key: c.site.secretKey }, headers);
  expect(answer.status).toBe(303);
  return answer.headers.get('set-cookie') ?? '';
}

const cookieOf = (setCookie: string) => /(?:__Host-)?lt_session=[^;]*/.exec(setCookie)?.[0] ?? '';

async function csrfOf(c: TestCollector, cookie: string, headers: Record<string, string> = {}) {
  const page = await (await fetch(`${c.url}/setup`, { headers: { cookie, ...headers } })).text();
  const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!token) throw new Error('no CSRF field on /setup');
  return { token, page };
}

describe('X-Forwarded-Proto and -Host behind a trusted proxy', () => {
  it('the session cookie is Secure by the nearest proxy’s X-Forwarded-Proto, not a spoofed leftmost one', async () => {
    const c = await collectorWith({ trustProxy: 1 });
    expect(await signIn(c, { 'x-forwarded-proto': 'http, https' })).toContain('; Secure');
    expect(await signIn(c, { 'x-forwarded-proto': 'https, http' })).not.toContain('; Secure');
  });

  it('the public origin (the setup page’s script tag, the Origin check) uses the nearest X-Forwarded-Host', async () => {
    const c = await collectorWith({ trustProxy: 1 });
    const proxied = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.test, leads.example.com' };
    const cookie = cookieOf(await signIn(c, proxied));
    const { token, page } = await csrfOf(c, cookie, proxied);
    expect(page).toContain('https://leads.example.com/leadtrail.js');
    expect(page).not.toContain('evil.test');
    // An older browser (no Sec-Fetch-Site): its Origin is compared with the public origin.
    const save = (origin: string) =>
      postForm(`${c.url}/setup/origins`, { origins: 'http://site.test', _csrf: token }, { cookie, origin, ...proxied });
    expect((await save('https://evil.test')).status).toBe(403);
    expect((await save('https://leads.example.com')).status).toBe(303);
  });
});

describe('dashboard POSTs behind a proxy that passes the upstream Host', () => {
  // nginx `proxy_pass http://127.0.0.1:PORT` without `proxy_set_header Host`: the collector sees Host 127.0.0.1:PORT,
  // the browser's Origin is the public one.
  const PUBLIC = 'https://leads.example.com';
  let c: TestCollector;
  let cookie: string;
  let token: string;

  beforeAll(async () => {
    c = await collectorWith({});
    cookie = cookieOf(await signIn(c));
    ({ token } = await csrfOf(c, cookie));
  });

  const save = (headers: Record<string, string>, csrf = token) =>
    postForm(`${c.url}/setup/origins`, { origins: 'http://site.test', _csrf: csrf }, { cookie, ...headers });

  it('Sec-Fetch-Site: same-origin is not cross-site whatever the Host: a valid token saves', async () => {
    const answer = await save({ 'sec-fetch-site': 'same-origin', origin: PUBLIC });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/setup?done=origins');
  });

  it('Sec-Fetch-Site: none (the user’s own navigation) is not cross-site either', async () => {
    expect((await save({ 'sec-fetch-site': 'none', origin: PUBLIC })).status).toBe(303);
  });

  it('the CSRF token is still required', async () => {
    expect((await save({ 'sec-fetch-site': 'same-origin', origin: PUBLIC }, 'not-the-token')).status).toBe(403);
    expect((await save({ 'sec-fetch-site': 'same-origin', origin: PUBLIC }, '')).status).toBe(403);
  });

  it('Sec-Fetch-Site: cross-site or same-site is refused, even with the collector’s own Origin', async () => {
    for (const site of ['cross-site', 'same-site']) {
      expect((await save({ 'sec-fetch-site': site, origin: c.url })).status).toBe(403);
    }
  });

  it('without Sec-Fetch-Site, a foreign Origin is refused', async () => {
    expect((await save({ origin: 'https://evil.test' })).status).toBe(403);
    expect((await save({ origin: PUBLIC })).status).toBe(403);
  });
});

describe('leadtrail serve --trust-proxy', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'leadtrail-trust-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes a hop count: with 2, the address the first proxy wrote is limited, whatever is on its left', async () => {
    const serve = await startLoggedProcess(join(dir, 'serve.db'), ['--trust-proxy', '2'], { keepLog: false });
    try {
      expectLimited(await wrongSignIns(serve.url, 40, (i) => `10.0.${i}.${i}, 203.0.113.9, 10.1.1.1`));
    } finally {
      await serve.stop();
    }
  });

  it('refuses a value that is not a number of hops, with exit code 2 and the reason', async () => {
    const run = await runCli(['serve', '--db', join(dir, 'bad.db'), '--port', '0', '--trust-proxy=yes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--trust-proxy takes the number of proxies you run in front (e.g. 1), got "yes"');
  });
});
