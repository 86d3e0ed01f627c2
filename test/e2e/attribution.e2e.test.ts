/**
 * Attribution in real Chromium against the collector: a visitor arrives from another origin's link carrying a
 * campaign and a click id, browses, leaves; comes back 31 minutes later directly; later again from a search
 * engine's link; then submits. The lead's first touch is the campaign, its latest the search (the direct visit
 * replaced neither), each in the right channel. Two devices of one person: the one that arrived first gives the
 * first touch. Time moves on Playwright's clock; the search engine's link is a navigation with its Referer.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS } from '../support/browser.ts';
import { CHROMIUM } from '../support/global-setup.ts';
import { collectorRequests, type FormPages, startFormPages, trackerReady } from './form-pages.ts';
import { startWorld, type World } from './harness.ts';

let world: World;
let pages: FormPages;
let browser: Browser;
/** Another origin (localhost, the pages being on 127.0.0.1) with a newsletter linking to the campaign. */
let newsletter: Server;
let newsletterUrl: string;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

const CAMPAIGN = '?utm_source=newsletter&utm_medium=email&utm_campaign=spring&fbclid=IwAR2xyz';

beforeAll(async () => {
  world = await startWorld();
  pages = await startFormPages(world);
  newsletter = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><title>Newsletter</title><a id="offer" href="${pages.url}/attribution/landing${CAMPAIGN}">Spring offer</a>`,
    );
  });
  await new Promise<void>((resolve) => newsletter.listen(0, '127.0.0.1', resolve));
  newsletterUrl = `http://localhost:${(newsletter.address() as AddressInfo).port}/spring`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
});
afterAll(async () => {
  await browser?.close();
  newsletter?.close();
  await pages?.close();
  await world?.close();
});
afterEach(async () => {
  for (const context of contexts.splice(0)) await context.close();
  expect(pageErrors.splice(0)).toEqual([]);
});

let n = 0;
const newEmail = (label: string) => `${label}.${Date.now()}.${n++}@e2e.test`;

/** A device: a fresh profile whose clock starts at `time` and moves on only when told. */
async function device(time: string) {
  const context = await browser.newContext();
  contexts.push(context);
  context.on('page', (opened) => opened.on('pageerror', (error) => pageErrors.push(error.message)));
  await context.clock.install({ time: new Date(time) });
  const page = await context.newPage();
  return { context, page, sent: collectorRequests(page, world.collectorUrl) };
}

describe('attribution in Chromium', () => {
  it('gives the lead the campaign as first touch and the later search as latest; a direct return replaces neither', async () => {
    const { context, page, sent } = await device('2026-11-02T09:00:00Z');
    // From the newsletter (another origin): a real click, so the browser sets the referrer.
    await page.goto(newsletterUrl);
    await Promise.all([page.waitForURL('**/attribution/landing*'), page.click('#offer')]);
    await trackerReady(page);
    await Promise.all([page.waitForURL('**/attribution/pricing'), page.click('#pricing')]);
    await trackerReady(page);
    await page.close();

    // 31 minutes later, typed in: a second visit, direct.
    await context.clock.fastForward('31:00');
    const back = await context.newPage();
    const sentBack = collectorRequests(back, world.collectorUrl);
    await back.goto(`${pages.url}/attribution/pricing`);
    await trackerReady(back);
    await context.clock.fastForward('02:00:00');
    // Later again, from a search engine's result.
    await back.goto(`${pages.url}/attribution/landing`, { referer: 'https://www.google.com/' });
    await trackerReady(back);
    expect(await back.evaluate(() => document.referrer)).toBe('https://www.google.com/');
    await Promise.all([back.waitForURL('**/attribution/pricing'), back.click('#pricing')]);
    await Promise.all([back.waitForURL('**/attribution/contact'), back.click('#contact')]);
    await trackerReady(back);

    const email = newEmail('attribution');
    await back.fill('#name', 'Ada Lovelace');
    await back.fill('#email', email);
    // Nothing left the browser before the form: three visits, four pages, no request.
    expect([...sent, ...sentBack]).toEqual([]);
    await Promise.all([back.waitForURL('**/thanks'), back.click('button[type=submit]')]);

    const lead = await world.waitForLead(email);
    const attribution = lead.attribution as Record<string, Record<string, unknown> | string>;
    expect(attribution.channel).toBe('email');
    expect(attribution.first_touch).toMatchObject({
      landing_page: '/attribution/landing',
      referrer: `${new URL(newsletterUrl).origin}/`,
      referrer_host: 'localhost',
      utm_source: 'newsletter',
      utm_medium: 'email',
      utm_campaign: 'spring',
      click_id_kind: 'fbclid',
      click_id: 'IwAR2xyz',
      channel: 'email',
      source: 'newsletter',
      at: expect.stringMatching(/^2026-11-02T09:00:/),
    });
    expect(attribution.latest_touch).toMatchObject({
      landing_page: '/attribution/landing',
      referrer: 'https://www.google.com/',
      referrer_host: 'google.com',
      utm_source: null,
      channel: 'organic_search',
      source: 'google.com',
    });
    // Three visits: the campaign's, the direct return after 31 minutes, the search two hours on.
    expect(lead).toMatchObject({ origin: 'email', source: 'newsletter', visit_count: 3 });
    // No page stored keeps the campaign's parameters (the collector strips them).
    for (const visited of lead.pages_visited as { path: string }[]) expect(visited.path).not.toMatch(/utm_|fbclid/);
  });

  it('gives a person on two devices the first touch of the device that came first', async () => {
    const email = newEmail('two-devices');
    // The laptop, later: from a partner's site.
    const laptop = await device('2026-11-03T10:00:00Z');
    await laptop.page.goto(`${pages.url}/attribution/contact`, { referer: 'https://partner.example/blog/post?id=7' });
    await trackerReady(laptop.page);
    await laptop.page.fill('#email', email);
    await Promise.all([laptop.page.waitForURL('**/thanks'), laptop.page.click('button[type=submit]')]);
    const first = await world.waitForLead(email);
    expect((first.attribution as { channel: string }).channel).toBe('referral');

    // The phone, a day earlier: from a search ad (gclid, no referrer kept by the ad's redirect).
    const phone = await device('2026-11-02T08:00:00Z');
    await phone.page.goto(`${pages.url}/attribution/contact?gclid=Cj0KCQiA`);
    await trackerReady(phone.page);
    await phone.page.fill('#email', email);
    await Promise.all([phone.page.waitForURL('**/thanks'), phone.page.click('button[type=submit]')]);

    for (let tries = 0; ; tries++) {
      const lead = await world.waitForLead(email);
      if ((lead.visitors as unknown[]).length === 2 || tries > 50) {
        const attribution = lead.attribution as Record<string, Record<string, unknown> | string>;
        expect(attribution.first_touch).toMatchObject({
          channel: 'paid_search',
          click_id_kind: 'gclid',
          source: 'google',
          landing_page: '/attribution/contact',
          at: expect.stringMatching(/^2026-11-02T08:00:/),
        });
        expect(attribution.latest_touch).toMatchObject({
          channel: 'referral',
          referrer: 'https://partner.example/blog/post',
          referrer_host: 'partner.example',
        });
        expect(attribution.channel).toBe('paid_search');
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });
});
