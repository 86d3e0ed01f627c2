/**
 * Where leads came from, in the dashboard: a source column, channel and campaign filters, leads by channel and by
 * campaign for the filtered list, the touches on the lead's page, and the touch columns of the CSV export.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSite, type TestSite } from '../../../test/support/collector.ts';
import { signInCookie } from '../../../test/support/dashboard.ts';
import { openSqliteTestStore, type StoreHandle } from '../../../test/support/stores.ts';
import { createApp } from '../src/app.ts';
import { appOptions } from '../src/server.ts';

const ORIGIN = 'http://collector.test';
let handle: StoreHandle;
let site: TestSite;
let app: ReturnType<typeof createApp>;
let cookie = '';
const ids: Record<string, string> = {};

const AT = '2026-11-02T09:00:00.000Z';
/** Leads by the way they arrived: two from the spring newsletter, one from a search, one with no touch. */
const ARRIVALS: [name: string, touches: { url: string; referrer?: string; at: string }[] | null][] = [
  ['Ada', [{ url: '/?utm_source=newsletter&utm_medium=email&utm_campaign=spring', at: AT }]],
  ['Grace', [{ url: '/pricing?utm_source=newsletter&utm_medium=email&utm_campaign=spring&gclid=x1', at: AT }]],
  ['Linus', [{ url: '/blog/post', referrer: 'https://www.google.com/', at: AT }]],
  ['Margaret', null],
];

beforeAll(async () => {
  handle = await openSqliteTestStore();
  site = await createTestSite(handle.store);
  app = createApp(appOptions({ store: handle.store, log: () => {} }));
  cookie = await signInCookie(app, site.secretKey);
  for (const [name, touches] of ARRIVALS) {
    const response = await app.request(`${ORIGIN}/api/agents/tools/leads/identify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${site.secretKey}` },
      body: JSON.stringify({
        visitor_id: crypto.randomUUID(),
        name,
        email: `${name.toLowerCase()}@example.com`,
        ...(touches ? { touches } : {}),
      }),
    });
    ids[name] = ((await response.json()) as { lead: { id: string } }).lead.id;
  }
});
afterAll(async () => {
  await handle?.cleanup();
});

const page = async (path: string) => {
  const response = await app.request(`${ORIGIN}${path}`, { headers: { cookie }, redirect: 'manual' });
  expect(response.status, path).toBe(200);
  return response.text();
};
/** The names of the leads in the list's table. */
const names = (html: string) => [...html.matchAll(/class="lead-name" href="[^"]+">([^<]+)</g)].map((m) => m[1]).sort();
/** A breakdown's items: [label, count]. */
const breakdown = (html: string, title: string) => {
  const list = new RegExp(`<h2>${title}</h2><ol class="breakdown">([\\s\\S]*?)</ol>`).exec(html)?.[1] ?? '';
  return [
    ...list.matchAll(/<li>(?:<a [^>]+>|<span class="muted">)([^<]+)<\/(?:a|span)> <span class="num">(\d+)<\/span>/g),
  ].map((m) => [m[1], Number(m[2])]);
};

describe('the leads list', () => {
  it("shows each lead's first channel and source, and breaks the list down by channel and by campaign", async () => {
    const html = await page('/leads');
    expect(html).toMatch(/>Email<\/a> <span class="muted small">newsletter<\/span>/);
    expect(html).toMatch(/>Organic search<\/a> <span class="muted small">google\.com<\/span>/);
    expect(breakdown(html, 'Leads by channel')).toEqual([
      ['Email', 2],
      ['Organic search', 1],
      ['No touch recorded', 1],
    ]);
    expect(breakdown(html, 'Leads by campaign')).toEqual([
      ['spring', 2],
      ['No campaign', 2],
    ]);
  });

  it('filters by channel and by campaign, and the breakdown follows the filters', async () => {
    expect(names(await page('/leads?channel=email'))).toEqual(['Ada', 'Grace']);
    expect(names(await page('/leads?channel=organic_search'))).toEqual(['Linus']);
    const spring = await page('/leads?campaign=Spring');
    expect(names(spring)).toEqual(['Ada', 'Grace']);
    expect(breakdown(spring, 'Leads by channel')).toEqual([['Email', 2]]);
    expect(spring).toContain('<option value="email">Email</option>');
    // An unknown channel in the URL is no filter (the list as a whole), not an error.
    expect(names(await page('/leads?channel=carrier-pigeon'))).toEqual(['Ada', 'Grace', 'Linus', 'Margaret']);
  });
});

describe("a lead's page", () => {
  it('shows its first touch (channel, campaign, click id, landing page) and says when the latest is the same', async () => {
    const html = await page(`/leads/${ids.Grace}`);
    expect(html).toContain('Where they came from');
    expect(html).toContain('<dt>Campaign</dt><dd>spring</dd>');
    expect(html).toContain('<dt>Click id</dt><dd>gclid</dd>');
    expect(html).toContain('<dt>Landing page</dt><dd>/pricing</dd>');
    expect(html).toContain('The same: no later visit came with a source.');
    expect(await page(`/leads/${ids.Margaret}`)).not.toContain('Where they came from');
  });
});

describe('the CSV export', () => {
  it("has each touch's columns, and the list's filters", async () => {
    const text = await page('/leads/export.csv?channel=email');
    const [header, ...rows] = text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    const columns = header!.split(',');
    expect(columns).toEqual(
      expect.arrayContaining(['first_touch_channel', 'first_touch_utm_campaign', 'latest_touch_source']),
    );
    expect(rows).toHaveLength(2);
    const cell = (row: string, column: string) => row.split(',')[columns.indexOf(column)];
    for (const row of rows) {
      expect(cell(row, 'first_touch_channel')).toBe('email');
      expect(cell(row, 'first_touch_utm_campaign')).toBe('spring');
    }
    expect(rows.map((row) => cell(row, 'first_touch_click_id')).sort()).toEqual(['', 'x1']);
  });
});
