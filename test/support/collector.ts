/** A real collector on a real port for tests: a store, a site with keys, and a small JSON client. */
import { createSiteWithKeys, type LeadStore, type ServerOptions, startServer } from '@leadtrail/collector';

export const LEADS = '/api/agents/tools/leads';

export interface TestSite {
  siteId: string;
  secretKey: string;
  publishableKey: string;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response fields freely and assert on them.
  body: any;
}

export async function createTestSite(store: LeadStore, origins = ['http://site.test']): Promise<TestSite> {
  const created = await createSiteWithKeys(store, 'Test site', origins);
  return { siteId: created.site.id, secretKey: created.secret_key, publishableKey: created.publishable_key };
}

export async function startTestCollector(store: LeadStore, options: Partial<ServerOptions> = {}) {
  const server = await startServer({ store, port: 0, log: () => {}, ...options });
  const site = await createTestSite(store);

  /** POSTs JSON (or raw text) to a leads route with a key; returns status, headers and parsed body. */
  async function call(
    path: string,
    body: unknown,
    init: { key?: string | null; method?: string; headers?: Record<string, string>; raw?: string } = {},
  ): Promise<ApiResponse> {
    const key = init.key === undefined ? site.secretKey : init.key;
    const response = await fetch(`${server.url}${path.startsWith('/') ? path : `${LEADS}/${path}`}`, {
      method: init.method ?? 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...init.headers,
      },
      body: init.raw ?? JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: response.status, headers: response.headers, body: parsed };
  }

  return { url: server.url, site, call, close: () => server.close() };
}

export type TestCollector = Awaited<ReturnType<typeof startTestCollector>>;
