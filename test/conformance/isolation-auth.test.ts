import { expect, it } from 'vitest';
import { createTestSite, type TestSite } from '../support/collector.ts';
import { describeEachStore, uniqueEmail, uuid } from '../support/conformance.ts';

describeEachStore('tenant isolation', (env) => {
  it('a key of site B can neither read, change, qualify, identify into nor detect site A leads', async () => {
    const { api, handle } = env();
    const siteB: TestSite = await createTestSite(handle.store);
    const asB = { key: siteB.secretKey };
    const emailA = uniqueEmail('a-secret');
    const visitorA = uuid();
    const a = await api.call('identify', {
      visitor_id: visitorA,
      email: emailA,
      name: 'Alice A',
      time_spent: 50,
      visit_count: 1,
    });
    const leadA = a.body.lead;
    const before = await api.call('get', { lead_id: leadA.id });

    const list = await api.call('get', { search: emailA }, asB);
    expect(list.body.data.pagination.total).toBe(0);
    const all = await api.call('get', { limit: 500 }, asB);
    expect(all.body.data.leads.every((l: { site_id: string }) => l.site_id === siteB.siteId)).toBe(true);

    // Another site's id answers exactly like a missing one.
    const missing = await api.call('get', { lead_id: uuid() }, asB);
    const foreign = await api.call('get', { lead_id: leadA.id }, asB);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
    expect((await api.call('update', { lead_id: leadA.id, name: 'pwned' }, asB)).status).toBe(404);
    expect((await api.call('qualify', { lead_id: leadA.id, status: 'lost' }, asB)).status).toBe(404);
    expect((await api.call('qualify', { email: emailA, status: 'lost' }, asB)).status).toBe(404);
    expect((await api.call('identify', { visitor_id: uuid(), lead_id: leadA.id, name: 'pwned' }, asB)).status).toBe(
      404,
    );
    // Site A's id in the body is refused rather than obeyed.
    expect((await api.call('get', { site_id: api.site.siteId }, asB)).status).toBe(403);
    expect((await api.call('create', { site_id: api.site.siteId, name: 'x', email: uniqueEmail() }, asB)).status).toBe(
      403,
    );

    // The same email and visitor id on site B make B's own records; A's are untouched.
    const b = await api.call('identify', { visitor_id: visitorA, email: emailA, time_spent: 5, visit_count: 1 }, asB);
    expect(b.status).toBe(201);
    expect(b.body.lead.id).not.toBe(leadA.id);
    expect(b.body.lead.site_id).toBe(siteB.siteId);
    const created = await api.call('create', { name: 'Dup elsewhere', email: uniqueEmail('b') }, asB);
    expect(created.status).toBe(201);

    const after = await api.call('get', { lead_id: leadA.id });
    expect(after.body).toEqual(before.body);
  });
});

describeEachStore('authentication', (env) => {
  it('answers 401 with WWW-Authenticate without a key, and invalid_api_key for a wrong one', async () => {
    const { api } = env();
    const none = await api.call('get', {}, { key: null });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('unauthorized');
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    for (const key of ['lt_sk_wrongwrongwrongwrongwrongwrong', 'garbage', 'lt_sk_']) {
      const res = await api.call('get', {}, { key });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_api_key');
    }
    const malformed = await api.call('get', {}, { key: null, headers: { authorization: 'Basic abc' } });
    expect(malformed.status).toBe(401);
  });

  it('accepts the key in x-api-key too', async () => {
    const { api } = env();
    const res = await api.call('get', {}, { key: null, headers: { 'x-api-key': api.site.secretKey } });
    expect(res.status).toBe(200);
  });

  it('stops accepting a revoked key at once', async () => {
    const { api, handle } = env();
    const site = await createTestSite(handle.store);
    expect((await api.call('get', {}, { key: site.secretKey })).status).toBe(200);
    const [secret] = (await handle.store.listApiKeys(site.siteId)).filter((k) => k.kind === 'secret');
    await handle.store.revokeApiKey(secret!.id, new Date().toISOString());
    const res = await api.call('get', {}, { key: site.secretKey });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_api_key');
  });

  it('limits a publishable key to identify and create, from allowed origins, without visitor-forbidden fields', async () => {
    const { api } = env();
    const pk = api.site.publishableKey;
    const browser = { key: null, headers: { origin: 'http://site.test', 'content-type': 'text/plain' } };
    const body = (extra: Record<string, unknown> = {}) => ({
      key: pk,
      visitor_id: uuid(),
      email: uniqueEmail('pk'),
      ...extra,
    });

    const ok = await api.call('identify', body(), browser);
    expect(ok.status).toBe(202);
    expect(Object.keys(ok.body).sort()).toEqual(['success', 'visitor_id']);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://site.test');

    const list = await api.call('get', {}, { key: pk, headers: { origin: 'http://site.test' } });
    expect(list.status).toBe(403);
    expect(list.body.error.code).toBe('forbidden');

    const evil = await api.call('identify', body(), {
      ...browser,
      headers: { ...browser.headers, origin: 'http://evil.test' },
    });
    expect(evil.status).toBe(403);
    expect(evil.body.error.code).toBe('origin_not_allowed');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const noOrigin = await api.call('identify', body(), { key: null, headers: { 'content-type': 'text/plain' } });
    expect(noOrigin.status).toBe(403);

    const forbidden = await api.call('identify', body({ status: 'qualified', lead_score: 100 }), browser);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.issues.map((i: { path: string }) => i.path)).toEqual(['status', 'lead_score']);
    // A browser never names a lead: lead_id is refused like the owner's fields.
    const named = await api.call('identify', body({ lead_id: uuid() }), browser);
    expect(named.status).toBe(403);
  });

  it('never accepts a secret key from a browser origin or inside a body', async () => {
    const { api } = env();
    const fromPage = await api.call('get', {}, { headers: { origin: 'http://site.test' } });
    expect(fromPage.status).toBe(403);
    const inBody = await api.call('identify', { key: api.site.secretKey, visitor_id: uuid() }, { key: null });
    expect(inBody.status).toBe(403);
  });

  it('answers CORS preflights only for origins some site allows', async () => {
    const { api } = env();
    const pre = (origin: string) =>
      fetch(`${api.url}/api/agents/tools/leads/identify`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    const ok = await pre('http://site.test');
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://site.test');
    const bad = await pre('http://evil.test');
    expect(bad.status).toBe(403);
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
  });
});
