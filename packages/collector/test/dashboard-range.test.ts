/**
 * The leads list's date range and time zone over HTTP, on a SQLite file with a fixed clock: each preset shows the
 * leads of its days in the site's zone (UTC until the owner chooses one; a lead moves between days when the zone
 * changes); the tiles, the chart, the breakdowns by source and the CSV export agree with the list under every filter;
 * the zone is saved only by a same-site form with the CSRF token; the chart's axis labels fit whole, and with more
 * than 20,000 leads in 30 days every day draws its bar; a page past the end, a filter that matches nothing and a site
 * with no lead each say so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkLoadLeads } from '../../../test/bench/data.ts';
import { createTestSite, type TestSite } from '../../../test/support/collector.ts';
import { signInCookie } from '../../../test/support/dashboard.ts';
import { openSqliteTestStore, type StoreHandle } from '../../../test/support/stores.ts';
import { createApp } from '../src/app.ts';
import { runLeadsAction } from '../src/core/run-action.ts';
import { labelColumn, renderChart } from '../src/dashboard/chart.ts';
import { parseCsv } from '../src/dashboard/csv.ts';
import { appOptions } from '../src/server.ts';
import type { SqlDialect } from '../src/store/sql/dialect.ts';

const ORIGIN = 'http://collector.test';
/** Noon UTC on Tuesday 10 March 2026: 17:30 in Kolkata, 13:00 in Berlin. */
const NOW = new Date('2026-03-10T12:00:00.000Z');

/** Leads: when they were created and how they arrived (a campaign, or no touch at all). */
const LEADS: [name: string, at: string, status: string, campaign: string | null][] = [
  ['Olga Old', '2026-01-15T10:00:00.000Z', 'new', 'autumn'],
  ['Lena Lastmonth', '2026-02-14T09:00:00.000Z', 'lost', 'spring'],
  // 23:30 UTC on 28 February is 00:30 on 1 March in Berlin: last month in UTC, this month in Berlin.
  ['Fritz Feb', '2026-02-28T23:30:00.000Z', 'new', null],
  ['Willa Week', '2026-03-04T08:00:00.000Z', 'qualified', 'spring'],
  // 18:45 UTC on 9 March is 00:15 on 10 March in Kolkata: yesterday in UTC, today there.
  ['Kiran Late', '2026-03-09T18:45:00.000Z', 'new', 'spring'],
  ['Tara Today', '2026-03-10T11:00:00.000Z', 'contacted', 'autumn'],
  ['Nico Notouch', '2026-03-10T01:00:00.000Z', 'new', null],
];

let handle: StoreHandle;
let site: TestSite;
let app: ReturnType<typeof createApp>;
let cookie = '';
const ids: Record<string, string> = {};

async function addLeads(siteId: string, ownerUserId: string) {
  for (const [name, at, status, campaign] of LEADS) {
    const ctx = { store: handle.store, siteId, ownerUserId, keyKind: 'secret' as const, now: () => new Date(at) };
    const email = `${name.split(' ')[0]!.toLowerCase()}@range.test`;
    const touches = campaign ? [{ url: `/?utm_source=news&utm_medium=email&utm_campaign=${campaign}`, at }] : [];
    const made = await runLeadsAction(ctx, {
      action: 'identify',
      visitor_id: crypto.randomUUID(),
      name,
      email,
      touches,
    });
    const id = (made.body.lead as { id: string }).id;
    ids[name] = id;
    if (status !== 'new') await runLeadsAction(ctx, { action: 'qualify', lead_id: id, status });
  }
}

beforeAll(async () => {
  handle = await openSqliteTestStore();
  site = await createTestSite(handle.store);
  app = createApp(appOptions({ store: handle.store, log: () => {}, now: () => NOW }));
  cookie = await signInCookie(app, site.secretKey);
  await addLeads(site.siteId, (await handle.store.getSite(site.siteId))!.owner_user_id);
});
afterAll(async () => {
  await handle?.cleanup();
});

const get = (path: string, as = cookie) =>
  app.request(`${ORIGIN}${path}`, { headers: { cookie: as }, redirect: 'manual' });
const page = async (path: string, as = cookie) => {
  const response = await get(path, as);
  expect(response.status, path).toBe(200);
  return response.text();
};

/** What the list page shows. */
const read = (html: string) => ({
  names: [...html.matchAll(/class="lead-name" href="[^"]+">([^<]+)</g)].map((m) => m[1]!).sort(),
  total: Number(/\d+–\d+ of (\d+)/.exec(html)?.[1] ?? 0),
  tiles: Object.fromEntries(
    [...html.matchAll(/<a class="count"[^>]*><strong>(\d+)<\/strong><span>([^<]+)<\/span>/g)].map((m) => [
      m[2]!,
      Number(m[1]),
    ]),
  ),
  bars: [...html.matchAll(/<g data-first="([\d-]+)" data-total="(\d+)">/g)].map((m) => [m[1]!, Number(m[2])] as const),
  breakdown: (title: string) =>
    [
      ...(new RegExp(`<h2>${title}</h2><ol class="breakdown">([\\s\\S]*?)</ol>`).exec(html)?.[1] ?? '').matchAll(
        /<span class="num">(\d+)<\/span>/g,
      ),
    ].reduce((sum, m) => sum + Number(m[1]), 0),
  from: /id="from" type="date" name="from" value="([^"]*)"/.exec(html)?.[1],
  to: /id="to" type="date" name="to" value="([^"]*)"/.exec(html)?.[1],
  // The list shows the day; the time in the zone is the element's title.
  created: [...html.matchAll(/<time datetime="[^"]+" title="([^"]+)">/g)].map((m) => m[1]!),
});

async function setZone(zone: string, back = '') {
  const html = await page('/leads');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
  return app.request(`${ORIGIN}/leads/zone`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, time_zone: zone, back }).toString(),
    redirect: 'manual',
  });
}

const names = (...list: string[]) => [...list].sort();

describe('the date range', () => {
  it('shows each preset’s leads, by the days of the site’s zone (UTC until chosen)', async () => {
    const expected: Record<string, [string[], string, string]> = {
      today: [names('Tara Today', 'Nico Notouch'), '2026-03-10', '2026-03-10'],
      yesterday: [names('Kiran Late'), '2026-03-09', '2026-03-09'],
      '7d': [names('Willa Week', 'Kiran Late', 'Tara Today', 'Nico Notouch'), '2026-03-04', '2026-03-10'],
      '30d': [names(...LEADS.slice(1).map(([name]) => name)), '2026-02-09', '2026-03-10'],
      month: [names('Willa Week', 'Kiran Late', 'Tara Today', 'Nico Notouch'), '2026-03-01', '2026-03-10'],
      'last-month': [names('Lena Lastmonth', 'Fritz Feb'), '2026-02-01', '2026-02-28'],
      all: [names(...LEADS.map(([name]) => name)), '', ''],
    };
    for (const [preset, [list, from, to]] of Object.entries(expected)) {
      const shown = read(await page(`/leads?range=${preset}`));
      expect(shown.names, preset).toEqual(list);
      expect([shown.from, shown.to], preset).toEqual([from, to]);
    }
    // The default is the last 30 days, and its link is the current one.
    const first = await page('/leads');
    expect(read(first).names).toEqual(expected['30d']![0]);
    expect(first).toMatch(/<a class="preset" href="\/leads" aria-current="true">Last 30 days<\/a>/);
  });

  it('takes the owner’s own days, inclusive; a From day after the To day is explained, not run', async () => {
    expect(read(await page('/leads?from=2026-02-28&to=2026-03-04')).names).toEqual(names('Fritz Feb', 'Willa Week'));
    expect(read(await page('/leads?from=2026-03-09')).names).toEqual(names('Kiran Late', 'Tara Today', 'Nico Notouch'));
    expect(read(await page('/leads?to=2026-01-31')).names).toEqual(['Olga Old']);
    const backwards = await get('/leads?from=2026-03-05&to=2026-03-01');
    expect(backwards.status).toBe(400);
    expect(await backwards.text()).toContain('The “From” day is after the “To” day');
    expect((await get('/leads/export.csv?from=2026-03-05&to=2026-03-01')).status).toBe(400);
  });

  it('moves leads between days when the owner changes the zone, and shows times in it', async () => {
    expect(read(await page('/leads?range=today')).created).toEqual(['2026-03-10 11:00', '2026-03-10 01:00']);
    const saved = await setZone('Asia/Kolkata', '?range=today&sort=name&order=asc');
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe('/leads?range=today&sort=name&order=asc');
    const kolkata = read(await page('/leads?range=today&sort=name&order=asc'));
    expect(kolkata.names).toEqual(names('Kiran Late', 'Tara Today', 'Nico Notouch'));
    expect(kolkata.created).toEqual(['2026-03-10 00:15', '2026-03-10 06:30', '2026-03-10 16:30']);
    expect(read(await page('/leads?range=yesterday')).names).toEqual([]);
    // The chart's days are Kolkata's: Kiran's lead is on the 10th there.
    const bars = new Map(read(await page('/leads?range=7d')).bars);
    expect([bars.get('2026-03-09'), bars.get('2026-03-10')]).toEqual([0, 3]);

    expect((await setZone('Europe/Berlin')).status).toBe(303);
    expect(read(await page('/leads?range=last-month')).names).toEqual(['Lena Lastmonth']);
    expect(read(await page('/leads?range=month')).names).toContain('Fritz Feb');
    expect(await page('/leads')).toMatch(/<option value="Europe\/Berlin" selected>/);
    expect((await setZone('UTC')).status).toBe(303);
  });

  it('saves a zone only from a same-site form with the CSRF token, and only a zone Intl knows', async () => {
    const noToken = await app.request(`${ORIGIN}/leads/zone`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'time_zone=Asia%2FTokyo',
      redirect: 'manual',
    });
    expect(noToken.status).toBe(403);
    const unknown = await setZone('Mars/Olympus_Mons');
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('must be an IANA time zone');
    // `back` is only ever a query string of the list.
    const sneaky = await setZone('UTC', '//evil.test/x?y=1');
    expect(sneaky.headers.get('location')).toMatch(/^\/leads(\?|$)/);
    expect(await page('/leads')).toMatch(/<option value="UTC" selected>UTC<\/option>/);
  });
});

describe('the tiles, the chart, the breakdowns and the export', () => {
  const views = [
    '/leads',
    '/leads?range=7d&campaign=spring',
    '/leads?range=all&status=new',
    '/leads?from=2026-02-01&to=2026-03-05&channel=email',
    '/leads?range=all&q=to',
    '/leads?range=last-month',
  ];

  it('agree with the list under every filter', async () => {
    for (const view of views) {
      const html = await page(view);
      const shown = read(html);
      const status = new URLSearchParams(view.split('?')[1]).get('status');
      expect(shown.total, view).toBe(shown.names.length);
      expect(status ? shown.tiles[status] : shown.tiles['All leads'], view).toBe(shown.total);
      expect(
        shown.bars.reduce((sum, [, n]) => sum + n, 0),
        view,
      ).toBe(shown.total);
      expect(shown.breakdown('Leads by channel'), view).toBe(shown.total);
      expect(shown.breakdown('Leads by campaign'), view).toBe(shown.total);
      const csv = parseCsv(await (await get(view.replace('/leads', '/leads/export.csv'))).text());
      expect(
        csv
          .slice(1)
          .map((row) => row[1])
          .sort(),
        view,
      ).toEqual(shown.names);
    }
  });

  it('count the campaign’s leads of the range alone', async () => {
    const shown = read(await page('/leads?range=7d&campaign=spring'));
    expect(shown.names).toEqual(names('Willa Week', 'Kiran Late'));
    expect(shown.tiles).toMatchObject({ 'All leads': 2, new: 1, qualified: 1 });
    expect(shown.bars.filter(([, n]) => n > 0)).toEqual([
      ['2026-03-04', 1],
      ['2026-03-09', 1],
    ]);
  });
});

describe('the chart’s axis', () => {
  it('sizes the label column from the longest label, so 20000 shows whole', () => {
    const bar = { first: '2026-03-01', last: '2026-03-01', start: '', end: '', total: 19_999 };
    const svg = renderChart({
      unit: 'day',
      zone: 'UTC',
      bars: [{ ...bar, by_status: { new: 19_999, contacted: 0, qualified: 0, converted: 0, lost: 0 } }],
    }).toString();
    const label = /<text class="axis y-label" x="([\d.]+)"[^>]*>20000<\/text>/.exec(svg);
    expect(label).not.toBeNull();
    // The text ends at x and runs left: five digits of a 10-unit font (0.6 of it wide at most) fit before 0.
    expect(Number(label![1]) - 5 * 6).toBeGreaterThan(0);
    expect(labelColumn(['20000'])).toBeGreaterThan(labelColumn(['0']));
  });

  it('draws every day of 30 with more than 20,000 leads, and no inline style', async () => {
    const big = await createTestSite(handle.store);
    const owner = (await handle.store.getSite(big.siteId))!.owner_user_id;
    const dialect = (handle.store as unknown as { dialect: SqlDialect }).dialect;
    const span = 30 * 86_400_000;
    await bulkLoadLeads(dialect.db, big.siteId, owner, 21_000, {
      period: { start: Date.parse('2026-02-09T00:00:00.000Z'), span: span - 3_600_000 },
    });
    const html = await page('/leads', await signInCookie(app, big.secretKey));
    const shown = read(html);
    expect(shown.bars).toHaveLength(30);
    expect(shown.bars.every(([, n]) => n > 600)).toBe(true);
    expect(shown.bars.reduce((sum, [, n]) => sum + n, 0)).toBe(21_000);
    expect(shown.tiles['All leads']).toBe(21_000);
    const heights = [...html.matchAll(/<rect class="bar-[a-z]+" [^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(heights.length).toBeGreaterThanOrEqual(30 * 5);
    expect(heights.every((h) => h >= 1)).toBe(true);
    expect(html).not.toMatch(/\sstyle=|<style|<script(?![^>]*\ssrc=)/);
  }, 60_000);
});

describe('an empty list', () => {
  it('past the last page says so, with the way back to the last page', async () => {
    const html = await page('/leads?range=all&page=9');
    expect(html).toContain('No leads on this page');
    expect(html).not.toContain('No leads yet');
    expect(html).toMatch(/<a class="button" rel="prev" href="\/leads\?range=all">← Last page \(1\)<\/a>/);
  });

  it('says no lead matches a filter, or the range, with the way to all time', async () => {
    const filtered = await page('/leads?q=nobody-like-this');
    expect(filtered).toContain('No lead matches these filters in last 30 days.');
    expect(filtered).toMatch(/href="\/leads\?q=nobody-like-this&amp;range=all">Show all time<\/a>/);
    const quiet = await page('/leads?from=2025-06-01&to=2025-06-30');
    expect(quiet).toContain('No lead matches this date range (2025-06-01 – 2025-06-30).');
    expect(quiet).not.toContain('No leads yet');
  });

  it('says "No leads yet" only for a site with no lead at all', async () => {
    const empty = await createTestSite(handle.store);
    const html = await page('/leads?range=all&q=x&page=3', await signInCookie(app, empty.secretKey));
    expect(html).toContain('No leads yet');
  });
});
