/** Signing in to the dashboard of an app under test with a site's secret key, and calling its API and forms. */
import { appOptions, createApp } from '@leadtrail/collector';
import { expect } from 'vitest';
import { createTestSite } from './collector.ts';
import { openSqliteTestStore } from './stores.ts';

export const DASHBOARD_ORIGIN = 'http://collector.test';

/** The session cookie (`name=value`) of a sign-in with this secret key. */
export async function signInCookie(app: ReturnType<typeof createApp>, secretKey: string): Promise<string> {
  const signedIn = await app.request(`${DASHBOARD_ORIGIN}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ method: 'key', key: secretKey }).toString(),
    redirect: 'manual',
  });
  expect(signedIn.status).toBe(303);
  return /(?:__Host-)?lt_session=[^;]*/.exec(signedIn.headers.get('set-cookie') ?? '')?.[0] ?? '';
}

/** The leads API of the app under test, with a key: the parsed answer. */
export const apiOf =
  (app: ReturnType<typeof createApp>) =>
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers freely and assert on them.
  async (key: string, route: string, body: unknown): Promise<any> => {
    const response = await app.request(`${DASHBOARD_ORIGIN}/api/agents/tools/leads/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });
    return response.json();
  };

/** The CSRF token a dashboard page's forms carry. */
export const csrfIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

/** A dashboard on a fresh SQLite store with two sites, signed in to the first (the other is another tenant). */
export async function signedInDashboard() {
  const handle = await openSqliteTestStore();
  const site = await createTestSite(handle.store);
  const other = await createTestSite(handle.store);
  const app = createApp(appOptions({ store: handle.store, log: () => {} }));
  const cookie = await signInCookie(app, site.secretKey);
  return { handle, site, other, app, cookie };
}
