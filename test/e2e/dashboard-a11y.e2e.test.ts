/**
 * Accessibility of every dashboard page, by axe-core in Chromium, at desktop and phone widths: sign-in, the leads
 * list (with leads, filters and the chart), a lead with its journey, history and submissions, setup and
 * notifications. Zero violations of axe's default rules. axe runs through the DevTools protocol, so the pages keep
 * their strict CSP.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS } from '../support/browser.ts';
import { CHROMIUM } from '../support/global-setup.ts';
import { startWorld, type World } from './harness.ts';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WIDTHS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;

let world: World;
let browser: Browser;
let leadId: string;

beforeAll(async () => {
  world = await startWorld();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
  for (let i = 0; i < 12; i++) {
    const created = await world.api('identify', {
      visitor_id: crypto.randomUUID(),
      name: `Person ${i}`,
      email: `person${i}@a11y.test`,
      ...(i % 2 ? { company: 'Northwind' } : {}),
      touches: [
        { url: `/pricing?utm_source=news&utm_medium=email&utm_campaign=spring${i % 3}`, at: new Date().toISOString() },
      ],
      pages_visited: [
        { path: '/pricing', title: 'Pricing', at: new Date(Date.now() - 120_000).toISOString() },
        { path: '/contact', title: 'Contact', at: new Date(Date.now() - 60_000).toISOString() },
      ],
    });
    leadId = created.body.lead.id;
  }
  await world.api('qualify', { lead_id: leadId, status: 'qualified' });
});
afterAll(async () => {
  await browser?.close();
  await world?.close();
});

/** axe's violations on the page now: rule id, impact and the first offending nodes. */
async function violationsOn(page: import('playwright-core').Page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected just above.
    const axe = (window as any).axe;
    const { violations } = await axe.run(document);
    return violations.map((v: { id: string; impact: string; nodes: { target: string[] }[] }) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  });
  return result as { id: string; impact: string; nodes: string[] }[];
}

describe.each(WIDTHS)('the dashboard at $name width', ({ width, height }) => {
  it('has no axe-core violation on any page', async () => {
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    try {
      const found: Record<string, unknown> = {};
      await page.goto(`${world.collectorUrl}/login`);
      found['/login'] = await violationsOn(page);
      await page.fill('#key', world.site.secretKey);
      await Promise.all([page.waitForURL(/\/leads/), page.click('button:has-text("Sign in with key")')]);
      for (const path of [
        '/leads',
        '/leads?q=person&channel=email',
        `/leads/${leadId}`,
        '/setup',
        '/setup/notifications',
      ]) {
        await page.goto(`${world.collectorUrl}${path}`);
        found[path] = await violationsOn(page);
      }
      expect(found).toEqual(Object.fromEntries(Object.keys(found).map((path) => [path, []])));
    } finally {
      await context.close();
    }
  });
});
