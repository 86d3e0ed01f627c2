/**
 * The leads list in Chromium: ticking leads and qualifying them in one go, and at a phone's width the key columns
 * (the name with the email and date under it, the status) in view without scrolling sideways.
 */
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS } from '../support/browser.ts';
import { CHROMIUM } from '../support/global-setup.ts';
import { startWorld, type World } from './harness.ts';

let world: World;
let browser: Browser;
const ids: string[] = [];

beforeAll(async () => {
  world = await startWorld();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  for (const name of ['Ada Lovelace', 'Grace Hopper', 'Katherine Johnson', 'Margaret Hamilton-Longname']) {
    const email = `${name.split(' ')[0]!.toLowerCase()}@a-rather-long-company-domain.example`;
    ids.push((await world.api('create', { name, email, company: 'Northwind' })).body.lead.id);
  }
});
afterAll(async () => {
  await browser?.close();
  await world?.close();
});

async function signedIn(width: number, height: number) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  await page.goto(`${world.collectorUrl}/login`);
  await page.fill('#key', world.site.secretKey);
  await Promise.all([page.waitForURL(/\/leads/), page.click('button:has-text("Sign in with key")')]);
  return { context, page };
}

describe('the leads list in Chromium', () => {
  it('qualifies the ticked leads in one go', async () => {
    const { context, page } = await signedIn(1280, 900);
    try {
      await page.check(`input[name="lead:${ids[0]}"]`);
      await page.check(`input[name="lead:${ids[2]}"]`);
      await page.selectOption('#bulk-action', 'qualified');
      await Promise.all([page.waitForURL(/bulk=qualified/), page.click('form#bulk button[type=submit]')]);
      expect(await page.textContent('.flash.ok')).toBe('2 leads marked qualified.');
      const statuses = await Promise.all(
        ids.map(async (id) => (await world.api('get', { lead_id: id })).body.data.lead.status),
      );
      expect(statuses).toEqual(['qualified', 'new', 'qualified', 'new']);
    } finally {
      await context.close();
    }
  });

  it('keeps the name, email, date and status in view at a phone’s width, with no sideways scrolling', async () => {
    const { context, page } = await signedIn(390, 844);
    try {
      const layout = await page.evaluate(() => {
        const wrap = document.querySelector<HTMLElement>('.table-wrap')!;
        const rows = [...document.querySelectorAll('tbody tr')].map((row) => ({
          badge: row.querySelector('.badge')!.getBoundingClientRect().right,
          sub: (row.querySelector('.show-sm') as HTMLElement).innerText,
        }));
        return { scrolls: wrap.scrollWidth > wrap.clientWidth, width: window.innerWidth, rows };
      });
      expect(layout.scrolls).toBe(false);
      expect(layout.rows).toHaveLength(4);
      for (const row of layout.rows) {
        expect(row.badge).toBeLessThanOrEqual(layout.width);
        expect(row.sub).toMatch(/@a-rather-long-company-domain\.example · \d{4}-\d\d-\d\d$/);
      }
    } finally {
      await context.close();
    }
  });
});
