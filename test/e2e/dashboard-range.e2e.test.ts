/**
 * The leads list's date range and time zone in real Chromium against the real collector: the owner picks "Last 7
 * days" and a campaign, and the list, the status tiles and the chart agree on the same leads; switching the site's
 * zone (the select submits itself) moves a lead created late in the UTC evening to the next day in Tokyo, in the
 * table and in the chart; the chart's axis labels lie whole inside the drawing; no CSP violation, no page error.
 */
import { runLeadsAction } from '@leadtrail/collector';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, launchBrowser } from '../support/browser.ts';
import { startWorld, type World } from './harness.ts';

const DAY = 86_400_000;
/** The UTC day `days` before today, at `time` UTC. */
const at = (days: number, time: string) =>
  `${new Date(Date.now() - days * DAY).toISOString().slice(0, 10)}T${time}:00.000Z`;
const day = (days: number) => new Date(Date.now() - days * DAY).toISOString().slice(0, 10);

/** Name, created, status, campaign. Ed's 20:00 UTC is 05:00 the next morning in Tokyo (+09:00). */
const LEADS: [string, string, string, string][] = [
  ['Ada Spring', at(2, '10:00'), 'new', 'spring'],
  ['Bo Spring', at(5, '10:00'), 'qualified', 'spring'],
  ['Cy Autumn', at(3, '10:00'), 'new', 'autumn'],
  ['Di Spring', at(12, '10:00'), 'new', 'spring'],
  ['Ed Evening', at(3, '20:00'), 'new', 'spring'],
];

let world: World;
let browser: BrowserSession;
let page: Page;
const violations: string[] = [];

beforeAll(async () => {
  world = await startWorld();
  const owner = (await world.handle.store.getSite(world.site.siteId))!.owner_user_id;
  for (const [name, created, status, campaign] of LEADS) {
    const ctx = {
      store: world.handle.store,
      siteId: world.site.siteId,
      ownerUserId: owner,
      keyKind: 'secret' as const,
      now: () => new Date(created),
    };
    const touches = [{ url: `/?utm_source=news&utm_medium=email&utm_campaign=${campaign}`, at: created }];
    const email = `${name.split(' ')[0]!.toLowerCase()}.${Date.now()}@range.test`;
    const made = await runLeadsAction(ctx, {
      action: 'identify',
      visitor_id: crypto.randomUUID(),
      name,
      email,
      touches,
    });
    const id = (made.body.lead as { id: string }).id;
    if (status !== 'new') await runLeadsAction(ctx, { action: 'qualify', lead_id: id, status });
  }
  browser = await launchBrowser();
  await browser.context.exposeBinding('reportViolation', (_source, text: string) => violations.push(text));
  await browser.context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { reportViolation: (t: string) => void }).reportViolation(
        `${e.violatedDirective} ${e.blockedURI} ${location.pathname}`,
      ),
    );
  });
  page = await browser.newPage();
  await page.goto(`${world.collectorUrl}/login`);
  await page.fill('#key', world.site.secretKey);
  await Promise.all([page.waitForURL('**/leads'), page.click('#key-login button[type=submit]')]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

/** The list, the "All leads" tile, the chart's total and its bars by first day. */
async function shown() {
  const names = (await page.$$eval('tbody .lead-name', (els) => els.map((e) => e.textContent ?? ''))).sort();
  const tile = Number(await page.textContent('.counts .count:first-child strong'));
  const label = (await page.getAttribute('.chart svg', 'aria-label')) ?? '';
  const bars = new Map(
    await page.$$eval('.chart g[data-first]', (gs) =>
      gs.map((g) => [g.getAttribute('data-first') ?? '', Number(g.getAttribute('data-total'))] as const),
    ),
  );
  return { names, tile, total: Number(/: (\d+) in all$/.exec(label)?.[1]), bars };
}

describe('the date range and zone in Chromium', () => {
  it('shows the same leads in the list, the tiles and the chart for "Last 7 days" and a campaign', async () => {
    await Promise.all([page.waitForURL(/range=7d/), page.click('.presets a:has-text("Last 7 days")')]);
    expect(await page.getAttribute('.presets a[aria-current="true"]', 'href')).toBe('/leads?range=7d');
    expect(await page.inputValue('#from')).toBe(day(6));
    expect(await page.inputValue('#to')).toBe(day(0));
    await page.fill('#campaign', 'spring');
    await Promise.all([page.waitForURL(/campaign=spring/), page.click('.filters button[type=submit]')]);
    expect(new URL(page.url()).searchParams.get('range')).toBe('7d');

    const view = await shown();
    expect(view.names).toEqual(['Ada Spring', 'Bo Spring', 'Ed Evening']);
    expect(view.tile).toBe(3);
    expect(view.total).toBe(3);
    expect([...view.bars.values()].reduce((sum, n) => sum + n, 0)).toBe(3);
    expect(view.bars.size).toBe(7);
    expect([view.bars.get(day(3)), view.bars.get(day(2))]).toEqual([1, 1]);
    expect(await page.textContent('.chart figcaption')).toContain('(UTC)');
  });

  it('moves the day boundaries when the owner switches the zone', async () => {
    const params = () => Object.fromEntries([...new URL(page.url()).searchParams].filter(([, value]) => value));
    const before = params();
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/leads/zone') && r.status() === 303),
      page.selectOption('#time_zone', 'Asia/Tokyo'),
    ]);
    await page.waitForSelector('#time_zone option[value="Asia/Tokyo"][selected]', { state: 'attached' });
    expect(params()).toEqual(before);

    const view = await shown();
    expect(view.names).toEqual(['Ada Spring', 'Bo Spring', 'Ed Evening']);
    // Ed's evening is the next morning in Tokyo: the 3-days-ago bar loses it, the next day's gains it.
    expect([view.bars.get(day(3)), view.bars.get(day(2))]).toEqual([0, 2]);
    const ed = page.locator('tbody tr', { hasText: 'Ed Evening' });
    expect(await ed.locator('time').textContent()).toBe(day(2));
    expect(await ed.locator('time').getAttribute('title')).toBe(`${day(2)} 05:00`);
    expect(await page.textContent('.chart figcaption')).toContain('(Asia/Tokyo)');
  });

  it('draws the chart’s axis labels whole, inside the drawing', async () => {
    await page.goto(`${world.collectorUrl}/leads?range=all`);
    const boxes = await page.$$eval('.chart text.y-label', (texts) =>
      texts.map((t) => {
        const box = (t as SVGGraphicsElement).getBBox();
        return { text: t.textContent, x: box.x, right: box.x + box.width };
      }),
    );
    expect(boxes.length).toBeGreaterThanOrEqual(2);
    for (const box of boxes) expect(box.x, `${box.text}`).toBeGreaterThanOrEqual(0);
  });

  it('keeps the strict CSP: no violation, no page error', async () => {
    expect(violations).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
