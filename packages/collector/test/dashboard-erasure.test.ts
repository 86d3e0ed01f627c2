/**
 * A person's data from their lead's page: a "Download their data (JSON)" link (an attachment of the export) and a
 * "Delete this lead and all its data" form that asks first (data-confirm) and needs the session's CSRF token; after
 * it the list shows a flash and the lead's page, its download and a second delete are 404s. Another site's lead is
 * neither downloaded nor deleted.
 */
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSite } from '../../../test/support/collector.ts';
import { apiOf, csrfIn, signedInDashboard } from '../../../test/support/dashboard.ts';
import type { StoreHandle } from '../../../test/support/stores.ts';
import type { createApp } from '../src/app.ts';
import { PersonExport } from '../src/core/erasure.ts';

const ORIGIN = 'http://collector.test';
let handle: StoreHandle;
let site: TestSite;
let other: TestSite;
let app: ReturnType<typeof createApp>;
let cookie = '';

const api = (key: string, route: string, body: unknown) => apiOf(app)(key, route, body);
const get = (path: string) => app.request(`${ORIGIN}${path}`, { headers: { cookie }, redirect: 'manual' });
const csrfOf = async (id: string) => csrfIn(await (await get(`/leads/${id}`)).text());
const remove = (id: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  app.request(`${ORIGIN}/leads/${id}/delete`, {
    method: 'POST',
    headers: { cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });

beforeAll(async () => {
  ({ handle, site, other, app, cookie } = await signedInDashboard());
});
afterAll(async () => {
  await handle?.cleanup();
});

async function makeLead(name: string, email: string) {
  const visitor = crypto.randomUUID();
  const made = await api(site.secretKey, 'identify', {
    visitor_id: visitor,
    name,
    email,
    pages_visited: [{ path: '/pricing', title: 'Pricing', at: '2026-12-01T09:00:00.000Z' }],
  });
  return { id: made.lead.id as string, visitor };
}

describe('their data, on the lead page', () => {
  it('offers the download and the deletion, asking first', async () => {
    const { id } = await makeLead('Rosalind "Ros" Franklin', 'rosalind@kings.example');
    const page = await (await get(`/leads/${id}`)).text();
    expect(page).toContain(`<a href="/leads/${id}/export.json" download>Download their data (JSON)</a>`);
    const form = /<form method="post" action="\/leads\/[^/]+\/delete"[^>]*>/.exec(page)?.[0] ?? '';
    expect(form).toContain(`action="/leads/${id}/delete"`);
    // The name is escaped inside the question.
    expect(form).toContain('data-confirm="Delete Rosalind &quot;Ros&quot; Franklin and all their data');
    expect(page).toMatch(
      /name="_csrf" value="[^"]+"><button class="danger" type="submit">Delete this lead and all its data/,
    );
  });

  it('downloads the export as a JSON attachment', async () => {
    const { id, visitor } = await makeLead('Lise Meitner', 'lise@kwi.example');
    const answer = await get(`/leads/${id}/export.json`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toBe(`attachment; filename="lead-${id}.json"`);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    const data = await answer.json();
    expect(v.safeParse(PersonExport, data).success).toBe(true);
    expect(data.lead).toEqual((await api(site.secretKey, 'get', { lead_id: id })).data.lead);
    expect(data.visitors.map((d: { id: string }) => d.id)).toEqual([visitor]);
    expect(data.pages).toEqual([
      { visitor_id: visitor, path: '/pricing', title: 'Pricing', at: '2026-12-01T09:00:00.000Z' },
    ]);
    // Only for the signed-in owner.
    const anonymous = await app.request(`${ORIGIN}/leads/${id}/export.json`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(`/login?next=${encodeURIComponent(`/leads/${id}/export.json`)}`);
  });

  it('deletes only with the CSRF token, from this site, then the lead is gone everywhere', async () => {
    const { id, visitor } = await makeLead('Chien-Shiung Wu', 'wu@columbia.example');
    const kept = await makeLead('Emmy Noether', 'emmy@goettingen.example');
    const token = (await csrfOf(id))!;
    for (const [fields, headers] of [
      [{}, {}],
      [{ _csrf: 'forged' }, {}],
      [{ _csrf: token }, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }],
    ] as [Record<string, string>, Record<string, string>][]) {
      const refused = await remove(id, fields, headers);
      expect(refused.status).toBe(403);
      expect(await refused.text()).toContain('nothing was changed');
    }
    expect((await get(`/leads/${id}`)).status).toBe(200);

    const deleted = await remove(id, { _csrf: token });
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get('location')).toBe('/leads?done=deleted');
    const list = await get('/leads?done=deleted');
    expect(list.status).toBe(200);
    const html = await list.text();
    expect(html).toContain('<div class="flash ok" role="status">The lead was deleted with all its data');
    expect(html).not.toContain('wu@columbia.example');
    expect(html).toContain('emmy@goettingen.example');
    // No flash without the word, nor for anything else put there.
    expect(await (await get('/leads')).text()).not.toContain('flash ok');
    expect(await (await get('/leads?done=%3Cscript%3E')).text()).not.toContain('flash ok');

    for (const path of [`/leads/${id}`, `/leads/${id}/export.json`]) {
      const gone = await get(path);
      expect(gone.status, path).toBe(404);
      expect(await gone.text()).toContain('Lead not found');
    }
    expect((await remove(id, { _csrf: token })).status).toBe(404);
    expect((await api(site.secretKey, 'get', { lead_id: id })).error.code).toBe('not_found');
    expect(await handle.store.getVisitor(site.siteId, visitor)).toBeNull();
    expect((await get(`/leads/${kept.id}`)).status).toBe(200);
  });

  it('finds no lead of another site, nor one that is not a lead id, and deletes nothing', async () => {
    const theirs = await api(other.secretKey, 'create', { name: 'Other Site', email: 'other@site.example' });
    const token = (await csrfOf((await makeLead('Mine', 'mine@site.example')).id))!;
    for (const id of [theirs.lead.id, 'not-a-lead', crypto.randomUUID()]) {
      expect((await get(`/leads/${id}/export.json`)).status, id).toBe(404);
      expect((await remove(id, { _csrf: token })).status, id).toBe(404);
    }
    expect((await api(other.secretKey, 'get', { lead_id: theirs.lead.id })).data.lead.email).toBe('other@site.example');
  });
});
