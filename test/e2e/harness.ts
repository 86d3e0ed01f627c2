/**
 * An end-to-end world: a real collector (SQLite file, real port), the demo site on its own origin wired to the
 * site's publishable key, and Chromium. The collector can be stopped and restarted on the same port.
 */
import { allowOrigins, type RunningServer, startServer } from '@leadtrail/collector';
import { startDemo } from '@leadtrail/demo';
import { type ApiResponse, createTestSite, LEADS, type TestSite } from '../support/collector.ts';
import { openSqliteTestStore, type StoreHandle } from '../support/stores.ts';

export interface World {
  handle: StoreHandle;
  site: TestSite;
  collectorUrl: string;
  demoUrl: string;
  stopCollector(): Promise<void>;
  startCollector(): Promise<void>;
  /** POSTs to the leads API with the site's secret key. */
  api(route: string, body: unknown): Promise<ApiResponse>;
  /**
   * Polls the list API until a lead with this email exists (or the time is up), returning its full record with its
   * visitors, events and form submissions.
   */
  waitForLead(email: string, timeoutMs?: number): Promise<Record<string, unknown> & { id: string }>;
  leadsWith(email: string): Promise<number>;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const handle = await openSqliteTestStore();
  const site = await createTestSite(handle.store, []);
  let collector: RunningServer | null = await startServer({ store: handle.store, port: 0, log: () => {} });
  const port = collector.port;
  const collectorUrl = collector.url;
  const demo = await startDemo({ collectorUrl, publishableKey: site.publishableKey, port: 0 });
  const demoPort = new URL(demo.url).port;
  await allowOrigins(handle.store, site.siteId, [demo.url, `http://127.0.0.1:${demoPort}`]);

  async function api(route: string, body: unknown): Promise<ApiResponse> {
    const response = await fetch(`${collectorUrl}${LEADS}/${route}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${site.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: await response.json() };
  }

  async function leadsWith(email: string) {
    return (await api('get', { search: email })).body.data.pagination.total as number;
  }

  async function waitForLead(email: string, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await api('get', { search: email })).body.data.leads[0];
      if (found) return (await api('get', { lead_id: found.id })).body.data;
      if (Date.now() > deadline) throw new Error(`no lead for ${email} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  return {
    handle,
    site,
    collectorUrl,
    demoUrl: demo.url,
    api,
    leadsWith,
    waitForLead: async (email, timeoutMs) => {
      const data = await waitForLead(email, timeoutMs);
      return { ...data.lead, visitors: data.visitors, events: data.events, submissions: data.submissions };
    },
    stopCollector: async () => {
      await collector?.close();
      collector = null;
    },
    startCollector: async () => {
      collector = await startServer({ store: handle.store, port, log: () => {} });
    },
    close: async () => {
      await collector?.close();
      await demo.close();
      await handle.cleanup();
    },
  };
}
