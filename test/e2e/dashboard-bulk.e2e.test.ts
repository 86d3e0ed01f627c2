/**
 * The leads list and a lead in Chromium: ticking leads and qualifying them in one go; editing a lead's contact
 * details (the history keeps the old values) and exporting the ticked leads, a phone number written as typed; a page
 * past the end of the list; and at a phone's width the key columns (the name with the email and date under it, the
 * status) in view without scrolling sideways.
 */
import { readFileSync } from 'node:fs';
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

  it('edits a lead’s contact details, keeps the old values in its history, and exports a phone number as typed', async () => {
    const { context, page } = await signedIn(1280, 900);
    try {
      await page.goto(`${world.collectorUrl}/leads/${ids[1]}`);
      await page.click('summary:has-text("Edit contact details")');
      await page.fill('#edit-phone', '+1 555 0100');
      await page.fill('#edit-company', 'US Navy');
      await Promise.all([page.waitForURL(/done=contact/), page.click('button:has-text("Save contact details")')]);
      const history = (await page.textContent('#history'))!.replace(/\s+/g, ' ');
      expect(history).toContain('phone (empty) → +1 555 0100');
      expect(history).toContain('company Northwind → US Navy');
      await page.goto(`${world.collectorUrl}/leads`);
      await page.check(`input[name="lead:${ids[1]}"]`);
      await page.selectOption('#bulk-action', 'export');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click('form#bulk button[type=submit]'),
      ]);
      const csv = readFileSync((await download.path())!, 'utf8');
      expect(csv.split('\r\n').filter(Boolean)).toHaveLength(2);
      expect(csv).toContain(',+1 555 0100,US Navy,');
    } finally {
      await context.close();
    }
  });

  it('says a page past the end is empty and links back to the last page', async () => {
    const { context, page } = await signedIn(1280, 900);
    try {
      await page.goto(`${world.collectorUrl}/leads?page=9`);
      expect(await page.textContent('main')).toContain('No leads on this page');
      await page.click('a:has-text("last page")');
      expect(await page.locator('tbody tr').count()).toBe(4);
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
          sub: row.querySelector('.show-sm')!.textContent,
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
