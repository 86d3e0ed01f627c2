/**
 * The tracker in real Chromium against the real collector over real HTTP, on the demo site (served with a strict
 * Content-Security-Policy on its own origin). Each case uses a fresh browser profile.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, launchBrowser } from '../support/browser.ts';
import { collectorRequests } from './form-pages.ts';
import { startWorld, type World } from './harness.ts';

let world: World;
let browser: BrowserSession | null = null;

beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  await world?.close();
});
afterEach(async () => {
  // No case may ever see an exception or rejection from the script on the page.
  const errors = browser?.pageErrors ?? [];
  await browser?.close();
  browser = null;
  expect(errors).toEqual([]);
});

async function open(options: { initScript?: () => void } = {}) {
  browser = await launchBrowser();
  if (options.initScript) await browser.context.addInitScript(options.initScript);
  return browser.newPage();
}

let n = 0;
const newEmail = (label: string) => `${label}.${Date.now()}.${n++}@e2e.test`;

/** Resolves once the tracker has stored the current page view (leadtrail.visitor() waits for the first write). */
async function settled(page: Page) {
  await page.evaluate(() => (window as unknown as { leadtrail: { visitor(): Promise<unknown> } }).leadtrail.visitor());
}

async function fillContact(page: Page, email: string, name = 'Grace Hopper') {
  // A person needs seconds to fill a form; the tracker needs its stored state loaded (or given up) first.
  await settled(page);
  await page.fill('input[name=name]', name);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=company]', 'Navy');
  await page.fill('textarea[name=message]', 'Please call me');
}

const paths = (lead: Record<string, unknown>) => (lead.pages_visited as { path: string }[]).map((p) => p.path);

describe('tracker end to end in Chromium', () => {
  it('turns three pages (one client-side routed) and a classic form POST into a lead with history, time and one visit', async () => {
    const page = await open();
    const email = newEmail('grace');
    // Visible time: from each page's load to the moment it is left (a page being fetched shows nothing to count).
    let visibleMs = 0;
    const visit = async (path: string) => {
      await page.goto(`${world.demoUrl}${path}`);
      return Date.now();
    };
    let shown = await visit('/pricing');
    await page.waitForTimeout(1500);
    visibleMs += Date.now() - shown;
    shown = await visit('/app/');
    await page.click('a[href="/app/connect"]');
    await page.waitForURL('**/app/connect');
    await page.waitForTimeout(1500);
    visibleMs += Date.now() - shown;
    shown = await visit('/contact');
    await fillContact(page, email);
    visibleMs += Date.now() - shown;
    await Promise.all([page.waitForURL('**/thanks'), page.click('button[type=submit]')]);
    const visible = visibleMs / 1000;

    const lead = await world.waitForLead(email);
    expect(lead).toMatchObject({
      name: 'Grace Hopper',
      email,
      company: 'Navy',
      notes: 'Please call me',
      visit_count: 1,
    });
    expect(paths(lead).slice(0, 4)).toEqual(['/pricing', '/app/', '/app/connect', '/contact']);
    const titles = (lead.pages_visited as { title: string }[]).slice(0, 4).map((p) => p.title);
    expect(titles).toEqual([
      'Pricing | Northwind Analytics',
      'Product tour | Northwind Analytics',
      'Connect | Product tour | Northwind Analytics',
      'Contact sales | Northwind Analytics',
    ]);
    expect(Math.abs((lead.time_spent as number) - visible)).toBeLessThanOrEqual(1);
    expect((lead.visitors as unknown[]).length).toBe(1);
  });

  it('counts a second visit after 30 minutes without activity', async () => {
    const page = await open();
    await page.clock.install();
    const email = newEmail('twice');
    await page.goto(`${world.demoUrl}/`);
    await settled(page);
    await page.goto(`${world.demoUrl}/about`);
    await settled(page);
    await page.clock.fastForward('31:00');
    await page.goto(`${world.demoUrl}/contact`);
    await fillContact(page, email);
    await Promise.all([page.waitForURL('**/thanks'), page.click('button[type=submit]')]);
    const lead = await world.waitForLead(email);
    expect(lead.visit_count).toBe(2);
    expect(paths(lead).slice(0, 3)).toEqual(['/', '/about', '/contact']);
  });

  it('delivers once, on a later page, when the collector was down at submit time', async () => {
    const page = await open();
    const email = newEmail('offline');
    await page.goto(`${world.demoUrl}/contact`);
    await world.stopCollector();
    try {
      await fillContact(page, email);
      await Promise.all([page.waitForURL('**/thanks'), page.click('button[type=submit]')]);
      await page.waitForTimeout(500);
      expect(await world.leadsWith(email).catch(() => 0)).toBe(0);
    } finally {
      await world.startCollector();
    }
    await page.goto(`${world.demoUrl}/pricing`);
    const lead = await world.waitForLead(email, 25_000);
    expect(lead.email).toBe(email);
    // Give any further retries time to happen: still exactly one lead.
    await page.goto(`${world.demoUrl}/about`);
    await page.waitForTimeout(1500);
    expect(await world.leadsWith(email)).toBe(1);
  });

  it('sends nothing from a login form (it has a password field)', async () => {
    const page = await open();
    const sent = collectorRequests(page, world.collectorUrl);
    const email = newEmail('login');
    await page.goto(`${world.demoUrl}/login`);
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', 'hunter2-secret');
    await Promise.all([page.waitForURL('**/thanks'), page.click('button[type=submit]')]);
    await page.waitForTimeout(1000);
    // Not captured, and the visitor not identified: nothing at all leaves the browser.
    expect(sent).toEqual([]);
    expect(await world.leadsWith(email)).toBe(0);
  });

  it('works on a page under a strict Content-Security-Policy, with no violation', async () => {
    const page = await open();
    const violations: string[] = [];
    await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { reportViolation: (v: string) => void }).reportViolation(
          `${e.violatedDirective} ${e.blockedURI}`,
        ),
      );
    });
    const response = await page.goto(`${world.demoUrl}/contact`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    const email = newEmail('csp');
    await fillContact(page, email);
    await Promise.all([page.waitForURL('**/thanks'), page.click('button[type=submit]')]);
    await world.waitForLead(email);
    expect(violations).toEqual([]);
  });

  it('still delivers with IndexedDB unavailable', async () => {
    const page = await open({
      initScript: () => {
        Object.defineProperty(window, 'indexedDB', { configurable: true, get: () => undefined });
      },
    });
    const email = newEmail('noidb');
    await page.goto(`${world.demoUrl}/pricing`);
    await page.goto(`${world.demoUrl}/contact`);
    await fillContact(page, email);
    await Promise.all([page.waitForURL('**/thanks'), page.click('button[type=submit]')]);
    const lead = await world.waitForLead(email);
    expect(paths(lead)).toContain('/contact');
  });

  it('delivers on an insecure origin, where crypto.randomUUID does not exist', async () => {
    const page = await open({
      initScript: () => {
        // What a plain-http site (not localhost) gets: randomUUID is only exposed to secure contexts.
        delete (Crypto.prototype as { randomUUID?: unknown }).randomUUID;
      },
    });
    const email = newEmail('insecure');
    await page.goto(`${world.demoUrl}/contact`);
    await fillContact(page, email);
    await Promise.all([page.waitForURL('**/thanks'), page.click('button[type=submit]')]);
    const lead = await world.waitForLead(email);
    const visitors = lead.visitors as { id: string }[];
    expect(visitors).toHaveLength(1);
    expect(visitors[0]!.id).toMatch(/^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/);
  });

  it('still delivers when opening IndexedDB throws', async () => {
    const page = await open({
      initScript: () => {
        IDBFactory.prototype.open = () => {
          throw new DOMException(
            'A mutation operation was attempted on a database that did not allow mutations.',
            'InvalidStateError',
          );
        };
      },
    });
    const email = newEmail('idbthrows');
    await page.goto(`${world.demoUrl}/contact`);
    await fillContact(page, email);
    await Promise.all([page.waitForURL('**/thanks'), page.click('button[type=submit]')]);
    await world.waitForLead(email);
  });

  it('records and sends nothing under Global Privacy Control', async () => {
    const page = await open({
      initScript: () => {
        Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { configurable: true, get: () => true });
      },
    });
    const sent = collectorRequests(page, world.collectorUrl);
    const email = newEmail('gpc');
    await page.goto(`${world.demoUrl}/contact`);
    await fillContact(page, email);
    await Promise.all([page.waitForURL('**/thanks'), page.click('button[type=submit]')]);
    await page.waitForTimeout(800);
    expect(sent).toEqual([]);
    expect(
      await page.evaluate(() =>
        (window as unknown as { leadtrail: { visitor(): Promise<unknown> } }).leadtrail.visitor(),
      ),
    ).toBeNull();
  });

  it('identify() from the page links the history; the public API answers', async () => {
    const page = await open();
    await page.goto(`${world.demoUrl}/pricing`);
    // A first IndexedDB open can take a moment on a new profile; a person reads a page longer than that.
    await settled(page);
    await page.goto(`${world.demoUrl}/about`);
    const email = newEmail('api');
    const visitor = await page.evaluate(async (address) => {
      const lt = (
        window as unknown as { leadtrail: { identify(c: object): void; visitor(): Promise<{ visitor_id: string }> } }
      ).leadtrail;
      lt.identify({ email: address, name: 'Api Person' });
      return lt.visitor();
    }, email);
    const lead = await world.waitForLead(email);
    expect(lead.name).toBe('Api Person');
    expect(paths(lead)).toEqual(['/pricing', '/about']);
    expect((lead.visitors as { id: string }[])[0]!.id).toBe(visitor.visitor_id);
  });
});
