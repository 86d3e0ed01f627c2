/**
 * Bulk actions on the leads ticked in the list: a status for all of them (each through qualify, so each gets its own
 * history event; those already there are counted as skipped), or a CSV of exactly those; another site's ids are
 * skipped; nothing ticked, too many, an unknown action or a missing CSRF token change nothing; the way back to the
 * list keeps its filters and never leaves the dashboard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSite } from '../../../test/support/collector.ts';
import { apiOf, csrfIn, signedInDashboard } from '../../../test/support/dashboard.ts';
import type { StoreHandle } from '../../../test/support/stores.ts';
import type { createApp } from '../src/app.ts';
import { parseCsv } from '../src/dashboard/csv.ts';

const ORIGIN = 'http://collector.test';
let handle: StoreHandle;
let site: TestSite;
let other: TestSite;
let app: ReturnType<typeof createApp>;
let cookie = '';
const ids: string[] = [];
let theirs = '';

const api = (key: string, route: string, body: unknown) => apiOf(app)(key, route, body);

beforeAll(async () => {
  ({ handle, site, other, app, cookie } = await signedInDashboard());
  for (const name of ['Ada', 'Grace', 'Linus', 'Margaret']) {
    ids.push((await api(site.secretKey, 'create', { name, email: `${name.toLowerCase()}@bulk.test` })).lead.id);
  }
  await api(site.secretKey, 'qualify', { lead_id: ids[2], status: 'qualified' });
  theirs = (await api(other.secretKey, 'create', { name: 'Theirs', email: 'theirs@other.test' })).lead.id;
});
afterAll(async () => {
  await handle?.cleanup();
});

const page = async (path: string) => (await app.request(`${ORIGIN}${path}`, { headers: { cookie } })).text();
const bulk = async (fields: Record<string, string>, csrf?: string) => {
  const token = csrf ?? csrfIn(await page('/leads'))!;
  const response = await app.request(`${ORIGIN}/leads/bulk`, {
    method: 'POST',
    headers: { cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, ...fields }).toString(),
    redirect: 'manual',
  });
  return { status: response.status, location: response.headers.get('location'), text: await response.text() };
};
const ticked = (...leadIds: string[]) => Object.fromEntries(leadIds.map((id) => [`lead:${id}`, '1']));
const statusOf = async (id: string) => (await api(site.secretKey, 'get', { lead_id: id })).data.lead.status;

describe('bulk actions', () => {
  it('shows a box on every row and the actions', async () => {
    const html = await page('/leads');
    for (const id of ids) expect(html).toContain(`name="lead:${id}"`);
    expect(html).toContain('<form id="bulk"');
    expect(html).toContain('value="export"');
  });

  it('qualifies the ticked leads, each with its own history, and skips those already qualified or not the site’s', async () => {
    const done = await bulk({
      action: 'qualified',
      back: '/leads?q=bulk',
      ...ticked(ids[0]!, ids[1]!, ids[2]!, theirs),
    });
    expect(done.status).toBe(303);
    expect(done.location).toBe('/leads?q=bulk&bulk=qualified&changed=2&skipped=2');
    expect(await Promise.all(ids.map(statusOf))).toEqual(['qualified', 'qualified', 'qualified', 'new']);
    const history = (await api(site.secretKey, 'get', { lead_id: ids[0] })).data.events;
    expect(history.at(-1)).toMatchObject({ type: 'status_changed', from: 'new', to: 'qualified' });
    expect((await api(other.secretKey, 'get', { lead_id: theirs })).data.lead.status).toBe('new');
    expect(await page(done.location!)).toContain('2 leads marked qualified (2 leads already qualified or gone).');
  });

  it('exports exactly the ticked leads as CSV', async () => {
    const done = await bulk({ action: 'export', ...ticked(ids[1]!, ids[3]!, theirs) });
    expect(done.status).toBe(200);
    const rows = parseCsv(done.text.replace(/^\uFEFF/, ''));
    expect(
      rows
        .slice(1)
        .map((r) => r[1])
        .sort(),
    ).toEqual(['Grace', 'Margaret']);
  });

  it('changes nothing for no selection, too many, an unknown action, a forged token; the way back stays inside', async () => {
    const before = await Promise.all(ids.map(statusOf));
    expect((await bulk({ action: 'lost' })).status).toBe(400);
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, () => [`lead:${crypto.randomUUID()}`, '1']));
    expect((await bulk({ action: 'lost', ...tooMany })).status).toBe(400);
    expect((await bulk({ action: 'delete-everything', ...ticked(ids[0]!) })).status).toBe(400);
    expect((await bulk({ action: 'lost', ...ticked(ids[0]!) }, 'forged')).status).toBe(403);
    expect(await Promise.all(ids.map(statusOf))).toEqual(before);
    const away = await bulk({ action: 'lost', back: 'https://evil.example/leads', ...ticked(ids[3]!) });
    expect(away.location).toBe('/leads?bulk=lost&changed=1&skipped=0');
  });
});
