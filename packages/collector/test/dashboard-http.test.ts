/**
 * The dashboard over HTTP, without a browser: its headers (strict CSP, no caching), sign-in and its rate limit,
 * the session cookie, CSRF and origin checks on every change, sessions ending with their key or password, site
 * isolation, and a session secret shared by every collector on one database.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSite, type TestSite } from '../../../test/support/collector.ts';
import { openSqliteTestStore, STORE_KINDS, type StoreHandle } from '../../../test/support/stores.ts';
import { createApp } from '../src/app.ts';
import { createApiKey } from '../src/core/keys.ts';
import { setOwnerPassword } from '../src/core/sites.ts';
import { DASHBOARD_CSP } from '../src/dashboard/security.ts';
import { appOptions } from '../src/server.ts';

let handle: StoreHandle;
let site: TestSite;
let other: TestSite;
let app: ReturnType<typeof createApp>;
const ORIGIN = 'http://collector.test';

beforeAll(async () => {
  handle = await openSqliteTestStore();
  site = await createTestSite(handle.store);
  other = await createTestSite(handle.store);
  app = newApp(1);
});
afterAll(async () => {
  await handle?.cleanup();
});

const newApp = (trustProxy = 0) => createApp(appOptions({ store: handle.store, log: () => {}, trustProxy }));

type App = ReturnType<typeof createApp>;

let client = 0;

/** A request from its own client address (sign-in is rate-limited per address), unless one is given. */
function request(path: string, init: RequestInit & { cookie?: string; on?: App } = {}) {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set('cookie', init.cookie);
  if (!headers.has('x-forwarded-for'))
    headers.set('x-forwarded-for', `10.0.${Math.floor(client / 250)}.${client++ % 250}`);
  return (init.on ?? app).request(`${ORIGIN}${path}`, { ...init, headers, redirect: 'manual' });
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

const cookieOf = (response: Response) => /lt_session=[^;]*/.exec(response.headers.get('set-cookie') ?? '')?.[0] ?? '';

async function signIn(key: string, on?: App): Promise<string> {
  const response = await request('/login', { ...form({ method: 'key', key }), on });
  expect(response.status).toBe(303);
  return cookieOf(response);
}

async function csrfOf(cookie: string, path = '/setup'): Promise<string> {
  const page = await (await request(path, { cookie })).text();
  const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!token) throw new Error(`no CSRF field on ${path}`);
  return token;
}

async function newLead(key = site.secretKey) {
  const response = await app.request('/api/agents/tools/leads/create', {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Dana Scully', email: `dana.${crypto.randomUUID()}@fbi.test` }),
  });
  return ((await response.json()) as { lead: { id: string } }).lead.id;
}

describe('dashboard pages', () => {
  it('send the strict CSP, no framing and no caching, with no inline script or style', async () => {
    const response = await request('/login');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const page = await response.text();
    expect(page).not.toMatch(/<script(?![^>]*\ssrc=)/);
    expect(page).not.toMatch(/\sstyle=|<style|\son[a-z]+=/i);
    const css = await request('/dashboard.css');
    expect(css.headers.get('content-type')).toContain('text/css');
  });

  it('leave the API, /healthz and the tracker their own paths and headers', async () => {
    const health = await request('/healthz');
    expect(health.status).toBe(200);
    expect(health.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    const missing = await request('/nothing-here');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ success: false, error: { code: 'not_found' } });
    const api = await request('/api/agents/tools/leads/get', { method: 'POST' });
    expect(api.status).not.toBe(403);
  });

  it('send a visitor without a session to sign in, keeping where they were going', async () => {
    const response = await request('/leads/abc?done=notes');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?next=%2Fleads%2Fabc%3Fdone%3Dnotes');
    expect((await request('/')).headers.get('location')).toBe('/login');
  });
});

describe('sign-in', () => {
  it('refuses a wrong key and a publishable key, setting no cookie', async () => {
    for (const key of ['lt_sk_wrongwrongwrongwrongwrong', site.publishableKey, '']) {
      const response = await request('/login', form({ method: 'key', key }));
      expect(response.status).toBe(401);
      expect(response.headers.get('set-cookie')).toBeNull();
    }
  });

  it('with the secret key sets an HttpOnly, SameSite=Lax session cookie (Secure over https)', async () => {
    const response = await request('/login', form({ method: 'key', key: site.secretKey, next: '/setup' }));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/setup');
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^lt_session=[\w-]{43}; Max-Age=43200; Path=\/; HttpOnly; SameSite=Lax$/);
    const proxied = newApp(1);
    const secure = await request('/login', {
      ...form({ method: 'key', key: site.secretKey }),
      headers: { ...form({}).headers, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'leads.example.com' },
      on: proxied,
    });
    // Over https: the __Host- prefix (Secure, Path=/, no Domain), so no other host can set the cookie.
    expect(secure.headers.get('set-cookie')).toMatch(
      /^__Host-lt_session=[\w-]{43}; Max-Age=43200; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
    const hostCookie = /__Host-lt_session=[^;]*/.exec(secure.headers.get('set-cookie') ?? '')![0];
    const https = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'leads.example.com' };
    expect((await request('/leads', { cookie: hostCookie, headers: https, on: proxied })).status).toBe(200);
    // The unprefixed name is not read over https (a cookie any subdomain could have set).
    const plain = hostCookie.replace('__Host-', '');
    expect((await request('/leads', { cookie: plain, headers: https, on: proxied })).status).toBe(303);
  });

  it('refuses a sign-in posted from another site', async () => {
    const response = await request('/login', {
      ...form({ method: 'key', key: site.secretKey }),
      headers: { ...form({}).headers, origin: 'http://evil.test' },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('is rate-limited per address', async () => {
    const limited = newApp(1);
    const from = { ...form({}).headers, 'x-forwarded-for': '192.0.2.7' };
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const attempt = { ...form({ method: 'key', key: 'lt_sk_nopenopenopenopenope' }), headers: from, on: limited };
      statuses.push((await request('/login', attempt)).status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    const last = await request('/login', {
      ...form({ method: 'key', key: site.secretKey }),
      headers: from,
      on: limited,
    });
    expect(last.status).toBe(429);
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
    const elsewhere = await request('/login', { ...form({ method: 'key', key: site.secretKey }), on: limited });
    expect(elsewhere.status).toBe(303);
  });

  it('with the owner password works, and ends when the password changes', async () => {
    await setOwnerPassword(handle.store, site.siteId, 'first password!');
    const wrong = await request(
      '/login',
      form({ method: 'password', site_id: site.siteId, password: 'nope nope nope' }),
    );
    expect(wrong.status).toBe(401);
    const unknown = await request(
      '/login',
      form({ method: 'password', site_id: 'not-a-site', password: 'first password!' }),
    );
    expect(unknown.status).toBe(401);
    const ok = await request('/login', form({ method: 'password', site_id: site.siteId, password: 'first password!' }));
    expect(ok.status).toBe(303);
    const cookie = cookieOf(ok);
    expect((await request('/leads', { cookie })).status).toBe(200);
    await setOwnerPassword(handle.store, site.siteId, 'second password');
    expect((await request('/leads', { cookie })).status).toBe(303);
    await setOwnerPassword(handle.store, site.siteId, null);
  });
});

describe('sessions', () => {
  it('end when their key is revoked', async () => {
    const { key, record } = await createApiKey(handle.store, site.siteId, 'secret');
    const cookie = await signIn(key);
    expect((await request('/leads', { cookie })).status).toBe(200);
    await handle.store.revokeApiKey(record.id, new Date().toISOString());
    const after = await request('/leads', { cookie });
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/login?next=%2Fleads');
  });

  it('hold across collectors on one database and across restarts (the secret is stored there)', async () => {
    const cookie = await signIn(site.secretKey);
    expect((await request('/leads', { cookie, on: newApp() })).status).toBe(200);
    expect(await handle.store.putSettingIfAbsent('dashboard_session_secret', 'other')).not.toBe('other');
  });

  it('refuse a forged or altered cookie', async () => {
    const cookie = await signIn(site.secretKey);
    const [name, token] = cookie.split('=') as [string, string];
    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const forged of [altered, randomBytes(32).toString('base64url'), `${token}.x`, '']) {
      expect((await request('/leads', { cookie: `${name}=${forged}` })).status).toBe(303);
    }
  });

  it('sign out ends the session: the cookie is cleared, and a copy of it no longer works', async () => {
    const cookie = await signIn(site.secretKey);
    const copy = cookie;
    const csrf = await csrfOf(cookie);
    const response = await request('/logout', { ...form({ _csrf: csrf }), cookie });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?out');
    expect(response.headers.get('set-cookie')).toMatch(/^lt_session=; Max-Age=0; Path=\//);
    const reused = await request('/leads', { cookie: copy });
    expect(reused.status).toBe(303);
    expect(reused.headers.get('location')).toBe('/login?next=%2Fleads');
  });
});

describe('changes', () => {
  it('need the CSRF token of the session and a same-origin request', async () => {
    const cookie = await signIn(site.secretKey);
    const csrf = await csrfOf(cookie);
    const id = await newLead();
    const notes = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
      request(`/leads/${id}/notes`, { ...form(fields), headers: { ...form({}).headers, ...headers }, cookie });
    expect((await notes({ notes: 'no token' })).status).toBe(403);
    expect((await notes({ notes: 'wrong token', _csrf: `${csrf}x` })).status).toBe(403);
    const otherSession = await csrfOf(await signIn(site.secretKey));
    expect((await notes({ notes: 'token of another session', _csrf: otherSession })).status).toBe(403);
    expect((await notes({ notes: 'cross origin', _csrf: csrf }, { origin: 'http://evil.test' })).status).toBe(403);
    expect((await notes({ notes: 'cross site', _csrf: csrf }, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const refused = await notes({ notes: 'no token' });
    expect(await refused.text()).toContain('Request refused');
    const page = await (await request(`/leads/${id}`, { cookie })).text();
    expect(page).not.toMatch(/token|cross/);

    const ok = await notes(
      { notes: 'with the token', _csrf: csrf },
      { origin: ORIGIN, 'sec-fetch-site': 'same-origin' },
    );
    expect(ok.status).toBe(303);
    expect(await (await request(`/leads/${id}`, { cookie })).text()).toContain('with the token');
  });

  it('refuse a form too large to be a dashboard form', async () => {
    const cookie = await signIn(site.secretKey);
    const csrf = await csrfOf(cookie);
    const id = await newLead();
    const response = await request(`/leads/${id}/notes`, {
      ...form({ _csrf: csrf, notes: 'x'.repeat(300_000) }),
      cookie,
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
  });

  it('reach only the signed-in site: another site’s lead and key are not found', async () => {
    const cookie = await signIn(site.secretKey);
    const csrf = await csrfOf(cookie);
    const theirs = await newLead(other.secretKey);
    expect((await request(`/leads/${theirs}`, { cookie })).status).toBe(404);
    const qualify = await request(`/leads/${theirs}/status`, { ...form({ _csrf: csrf, status: 'lost' }), cookie });
    expect(qualify.status).toBe(404);
    const theirKey = (await handle.store.listApiKeys(other.siteId))[0]!;
    const revoke = await request(`/setup/keys/${theirKey.id}/revoke`, { ...form({ _csrf: csrf }), cookie });
    expect(revoke.status).toBe(400);
    expect((await handle.store.listApiKeys(other.siteId))[0]!.revoked_at).toBeNull();
  });

  it('never revoke the site’s last secret key', async () => {
    const fresh = await createTestSite(handle.store);
    const cookie = await signIn(fresh.secretKey);
    const csrf = await csrfOf(cookie);
    const secret = (await handle.store.listApiKeys(fresh.siteId)).find((k) => k.kind === 'secret')!;
    const response = await request(`/setup/keys/${secret.id}/revoke`, { ...form({ _csrf: csrf }), cookie });
    expect(response.status).toBe(409);
    expect((await handle.store.listApiKeys(fresh.siteId)).find((k) => k.id === secret.id)!.revoked_at).toBeNull();
  });

  it('refuse origins that are not http(s) origins, saving nothing', async () => {
    const cookie = await signIn(site.secretKey);
    const csrf = await csrfOf(cookie);
    const before = (await handle.store.getSite(site.siteId))!.allowed_origins;
    const bad = await request('/setup/origins', {
      ...form({ _csrf: csrf, origins: 'https://ok.test\njavascript:alert(1)' }),
      cookie,
    });
    expect(bad.status).toBe(400);
    expect((await handle.store.getSite(site.siteId))!.allowed_origins).toEqual(before);
    const good = await request('/setup/origins', {
      ...form({ _csrf: csrf, origins: 'https://a.test/\nhttps://b.test:8443/x\nhttps://a.test' }),
      cookie,
    });
    expect(good.status).toBe(303);
    expect((await handle.store.getSite(site.siteId))!.allowed_origins).toEqual([
      'https://a.test',
      'https://b.test:8443',
    ]);
  });
});

describe('the CSV export', () => {
  it('is an attachment of the filtered list; a bad filter is a 400 page, not a broken file', async () => {
    const cookie = await signIn(site.secretKey);
    const response = await request('/leads/export.csv?q=dana', { cookie });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="leads-\d{4}-\d\d-\d\d\.csv"$/);
    const text = await response.text();
    expect(text.split('\r\n')[0]).toMatch(/^id,name,email,/);
    expect(text).toContain('Dana Scully');
    const bad = await request(`/leads/export.csv?q=${'x'.repeat(300)}`, { cookie });
    expect(bad.status).toBe(400);
  });
});

for (const kind of STORE_KINDS) {
  describe.skipIf(!kind.available)(`the dashboard's storage [${kind.name}]`, () => {
    let own: StoreHandle;
    beforeAll(async () => {
      own = await kind.open();
    });
    afterAll(async () => {
      await own?.cleanup();
    });

    it('keeps the first value of a setting, even when collectors race to set it', async () => {
      const values = await Promise.all(
        Array.from({ length: 8 }, (_, i) => own.store.putSettingIfAbsent('race', `value ${i}`)),
      );
      expect(new Set(values).size).toBe(1);
      expect(await own.store.putSettingIfAbsent('race', 'later')).toBe(values[0]);
    });

    it('sets, replaces and removes a site’s owner password, apart from the site record', async () => {
      const { siteId } = await createTestSite(own.store);
      expect(await own.store.getOwnerPassword(siteId)).toBeNull();
      await own.store.setOwnerPassword(siteId, 'scrypt$first', new Date().toISOString());
      await own.store.setOwnerPassword(siteId, 'scrypt$second', new Date().toISOString());
      expect(await own.store.getOwnerPassword(siteId)).toBe('scrypt$second');
      expect(JSON.stringify(await own.store.listSites())).not.toContain('scrypt');
      await own.store.setOwnerPassword(siteId, null, new Date().toISOString());
      expect(await own.store.getOwnerPassword(siteId)).toBeNull();
      expect(await own.store.getOwnerPassword('not-a-uuid')).toBeNull();
    });
  });
}
