/** Signing in to the dashboard of an app under test, with a site's secret key. */
import { expect } from 'vitest';
import type { createApp } from '../../packages/collector/src/app.ts';

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
