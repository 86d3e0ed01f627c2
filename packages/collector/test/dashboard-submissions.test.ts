/**
 * The owner sees every browser submission on the lead's page, as sent, and makes a submitted value the lead's with
 * one click (an owner's edit, so no browser changes it afterwards).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSite, type TestSite } from '../../../test/support/collector.ts';
import { signInCookie } from '../../../test/support/dashboard.ts';
import { openSqliteTestStore, type StoreHandle } from '../../../test/support/stores.ts';
import { createApp } from '../src/app.ts';
import { appOptions } from '../src/server.ts';

const ORIGIN = 'http://collector.test';
const LEADS = '/api/agents/tools/leads';
let handle: StoreHandle;
let site: TestSite;
let app: ReturnType<typeof createApp>;
let cookie = '';

beforeAll(async () => {
  handle = await openSqliteTestStore();
  site = await createTestSite(handle.store);
  app = createApp(appOptions({ store: handle.store, log: () => {} }));
  cookie = await signInCookie(app, site.secretKey);
});
afterAll(async () => {
  await handle?.cleanup();
});

// biome-ignore lint/suspicious/noExplicitAny: tests read the answers' fields and assert on them.
async function api(route: string, body: Record<string, unknown>, browser = false): Promise<any> {
  const headers: Record<string, string> = browser
    ? { 'content-type': 'text/plain', origin: 'http://site.test' }
    : { 'content-type': 'application/json', authorization: `Bearer ${site.secretKey}` };
  const response = await app.request(`${ORIGIN}${LEADS}/${route}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(browser ? { key: site.publishableKey, ...body } : body),
  });
  return { status: response.status, body: await response.json() };
}

const page = (path: string) => app.request(`${ORIGIN}${path}`, { headers: { cookie }, redirect: 'manual' });

async function post(path: string, fields: Record<string, string>) {
  const html = await (await page(path.replace(/\/adopt$/, ''))).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  return app.request(`${ORIGIN}${path}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
    redirect: 'manual',
  });
}

describe('form submissions on the lead page', () => {
  it('shows each submission as sent, and "Use this" makes a value the owner’s', async () => {
    const email = `owner.${crypto.randomUUID()}@example.com`;
    const leadId = (await api('create', { name: 'Owner Name', email, phone: '+1 555 0100' })).body.lead.id;
    const visitor = crypto.randomUUID();
    const sent = await api(
      'identify',
      {
        visitor_id: visitor,
        email,
        name: 'Typed <Name>',
        phone: '+1 555 0199',
        company: 'Acme',
        notes: 'Please call',
        pages_visited: [{ path: '/contact', title: 'Contact', at: '2026-12-01T10:00:00Z' }],
      },
      true,
    );
    expect(sent.status).toBe(202);

    const html = await (await page(`/leads/${leadId}`)).text();
    const card = html.slice(html.indexOf('id="submissions"'));
    expect(card).toContain('Form submissions');
    expect(card).toContain('from <code>/contact</code>');
    expect(card).toContain('Typed &lt;Name&gt;');
    expect(card).toContain('filled Company, Message');
    // Offered where the lead holds another value (name, phone); not for what it already holds (company, email).
    const offered = [...card.matchAll(/name="field" value="([a-z_]+)"/g)].map((m) => m[1]);
    expect(offered).toEqual(['name', 'phone']);
    expect(html).toContain('A form filled company, notes');

    const submission = /name="submission" value="([^"]+)"/.exec(card)?.[1] ?? '';
    const adopted = await post(`/leads/${leadId}/adopt`, { submission, field: 'phone' });
    expect(adopted.status).toBe(303);
    expect(adopted.headers.get('location')).toBe(`/leads/${leadId}?done=adopted#submissions`);
    const lead = async () => (await api('get', { lead_id: leadId })).body.data;
    expect((await lead()).lead.phone).toBe('+1 555 0199');
    expect((await lead()).events.at(-1)).toMatchObject({ type: 'updated', from: null, to: 'phone' });

    // The company the browser filled is its own until the owner takes it: here the browser may still correct it.
    await api('identify', { visitor_id: visitor, email, company: 'Acme Inc', phone: '+1 555 0000' }, true);
    expect((await lead()).lead).toMatchObject({ company: 'Acme Inc', phone: '+1 555 0199' });
  });

  it('refuses a value that is not in a submission of this lead, and a lead of another site', async () => {
    const email = `bogus.${crypto.randomUUID()}@example.com`;
    const leadId = (await api('create', { name: 'Bogus', email })).body.lead.id;
    await api('identify', { visitor_id: crypto.randomUUID(), email, phone: '+1 555 0123' }, true);
    const before = (await api('get', { lead_id: leadId })).body.data.lead;
    const bogus = await post(`/leads/${leadId}/adopt`, { submission: crypto.randomUUID(), field: 'phone' });
    expect(bogus.status).toBe(400);
    const html = await (await page(`/leads/${leadId}`)).text();
    const submission = /name="submission" value="([^"]+)"/.exec(html)?.[1] ?? '';
    // The message is added to the notes, never adopted over them.
    const notes = await post(`/leads/${leadId}/adopt`, { submission, field: 'notes' });
    expect(notes.status).toBe(400);
    expect((await api('get', { lead_id: leadId })).body.data.lead).toEqual(before);

    const other = await createTestSite(handle.store);
    const foreign = await app.request(`${ORIGIN}${LEADS}/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${other.secretKey}` },
      body: JSON.stringify({ name: 'Other', email }),
    });
    const foreignId = ((await foreign.json()) as { lead: { id: string } }).lead.id;
    const refused = await post(`/leads/${leadId}/adopt`.replace(leadId, foreignId), { submission, field: 'phone' });
    expect(refused.status).toBe(404);
  });
});
