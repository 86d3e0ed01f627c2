/** GET /leadtrail.js: the built bundle, revalidated by ETag, cacheable, loadable from any origin. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestCollector, type TestCollector } from '../../../test/support/collector.ts';
import { openSqliteTestStore, type StoreHandle } from '../../../test/support/stores.ts';
import { TRACKER_BUNDLE } from '../src/server.ts';

let handle: StoreHandle;
let api: TestCollector;
beforeAll(async () => {
  handle = await openSqliteTestStore();
  api = await startTestCollector(handle.store);
});
afterAll(async () => {
  await api.close();
  await handle.cleanup();
});

it('serves the built tracker with an ETag, long caching and a cross-origin resource policy', async () => {
  const res = await fetch(`${api.url}/leadtrail.js`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  expect(res.headers.get('cache-control')).toMatch(/max-age=\d{5,}/);
  expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  expect(await res.text()).toBe(readFileSync(TRACKER_BUNDLE, 'utf8'));
  const etag = res.headers.get('etag')!;
  expect(etag).toMatch(/^"[\w-]+"$/);

  const again = await fetch(`${api.url}/leadtrail.js`, { headers: { 'if-none-match': etag } });
  expect(again.status).toBe(304);
  const versioned = await fetch(`${api.url}/leadtrail.js?v=${etag.slice(1, -1)}`);
  expect(versioned.headers.get('cache-control')).toContain('immutable');
});

it('keeps API answers same-origin for no-cors loads and sends security headers', async () => {
  const res = await fetch(`${api.url}/healthz`);
  expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
});

it('routes a path with doubled slashes as the single-slash path (a data-api given with a trailing slash)', async () => {
  const res = await fetch(`${api.url}//api/agents/tools/leads/identify`, {
    method: 'POST',
    headers: { origin: 'http://site.test', 'content-type': 'text/plain' },
    body: JSON.stringify({ key: api.site.publishableKey, visitor_id: crypto.randomUUID() }),
  });
  expect(res.status).toBe(202);
  expect(await res.json()).toMatchObject({ success: true });
  expect((await fetch(`${api.url}//healthz`)).status).toBe(200);
});
