/**
 * The site owner's dashboard in real Chromium against the real collector: a lead made by a real form submission on
 * the demo site (from two devices), found by search, its journey, one-click qualify, notes, CSV export, setup
 * (origins, keys), sign-in refusals, CSRF refusals, sign-out, password sign-in set through the CLI, strict CSP and
 * a phone-width layout.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { allowOrigins, createApiKey, runLeadsAction } from '@leadtrail/collector';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../packages/collector/src/dashboard/csv.ts';
import { DASHBOARD_CSP } from '../../packages/collector/src/dashboard/security.ts';
import { type BrowserSession, launchBrowser } from '../support/browser.ts';
import { startWorld, type World } from './harness.ts';

const BIN = fileURLToPath(new URL('../../packages/collector/bin/leadtrail.mjs', import.meta.url));
const NAME = 'Grace Hopper';
const EMAIL = `grace.${Date.now()}@navy.test`;
const PASSWORD = 'correct horse battery staple';

let world: World;
let browser: BrowserSession;
let page: Page;
let leadId: string;
const violations: string[] = [];

/**
 * A visitor on one device: reads some pages of the demo site, then sends the contact form. The browser stays open
 * until `arrived` says the collector has it (the tracker retries on its own, as on a real visitor's next page).
 */
async function visitAndSubmit(paths: string[], arrived: () => Promise<boolean>) {
  const device = await launchBrowser();
  try {
    const tab = await device.newPage();
    for (const path of paths) {
      await tab.goto(`${world.demoUrl}${path}`);
      await tab.waitForTimeout(1200);
    }
    await tab.goto(`${world.demoUrl}/contact`);
    await tab.fill('input[name=name]', NAME);
    await tab.fill('input[name=email]', EMAIL);
    await tab.fill('input[name=company]', 'US Navy');
    await tab.fill('textarea[name=message]', 'Please call me about COBOL');
    await Promise.all([tab.waitForURL('**/thanks'), tab.click('button[type=submit]')]);
    const deadline = Date.now() + 30_000;
    while (!(await arrived())) {
      if (Date.now() > deadline) throw new Error(`the form of ${paths.join(', ')} never reached the collector`);
      await tab.waitForTimeout(250);
    }
    expect(device.pageErrors).toEqual([]);
  } finally {
    await device.close();
  }
}

async function leadNow() {
  return world.waitForLead(EMAIL);
}

/** Runs `leadtrail sites password` as an owner would, the password on stdin. */
function setPasswordWithCli(password: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(
    process.execPath,
    [BIN, 'sites', 'password', '--site', world.site.siteId, '--password-stdin', '--db', world.handle.db],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  child.stdin.end(`${password}\n`);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}

const url = (path: string) => `${world.collectorUrl}${path}`;

/** "figure label" of each tile: its <strong> and its <span>. */
const figures = (selector: string) =>
  page.$$eval(selector, (tiles) =>
    tiles.map((t) => `${t.querySelector('strong')?.textContent} ${t.querySelector('span')?.textContent}`),
  );

async function signInWithKey(key: string) {
  await page.goto(url('/login'));
  await page.fill('#key', key);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url() === url('/login') && r.request().method() === 'POST'),
    page.click('#key-login button[type=submit]'),
  ]);
  await page.waitForLoadState();
  return response;
}

beforeAll(async () => {
  world = await startWorld();
  // Device 1 reads pricing and about; device 2, days later in real life, the product tour. One person, one lead.
  const devices = async () => {
    const found = (await world.api('get', { search: EMAIL })).body.data.leads[0];
    if (!found) return 0;
    leadId = found.id;
    return ((await world.api('get', { lead_id: found.id })).body.data.visitors as unknown[]).length;
  };
  await visitAndSubmit(['/pricing', '/about'], async () => (await devices()) === 1);
  await visitAndSubmit(['/app/'], async () => (await devices()) === 2);

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
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

describe('the dashboard in Chromium', () => {
  it('refuses a wrong key and a publishable key: no session', async () => {
    await page.goto(url('/'));
    expect(new URL(page.url()).pathname).toBe('/login');
    for (const key of ['lt_sk_thisIsNotAKeyOfThisSite12345', world.site.publishableKey]) {
      const response = await signInWithKey(key);
      expect(response.status()).toBe(401);
      expect(await page.textContent('.flash.error')).toContain('cannot sign in');
      expect(new URL(page.url()).pathname).toBe('/login');
    }
    expect((await browser.context.cookies()).filter((c) => c.name === 'lt_session')).toEqual([]);
    await page.goto(url('/leads'));
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('signs in with the secret key and finds the form’s lead by search, with counts per status and the chart', async () => {
    const response = await signInWithKey(world.site.secretKey);
    expect(response.status()).toBe(303);
    expect(new URL(page.url()).pathname).toBe('/leads');
    const cookie = (await browser.context.cookies()).find((c) => c.name === 'lt_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });

    expect(await figures('.counts .count')).toEqual([
      '1 All leads',
      '1 new',
      '0 contacted',
      '0 qualified',
      '0 converted',
      '0 lost',
    ]);
    expect(await page.locator('.chart rect.bar-new').count()).toBe(1);
    expect(await page.getAttribute('.chart svg', 'aria-label')).toContain('1 in all');

    await page.fill('#q', 'grace.');
    await Promise.all([page.waitForURL(/q=grace/), page.click('.filters button[type=submit]')]);
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain(EMAIL);
    await page.fill('#q', 'nobody-like-this');
    await Promise.all([page.waitForURL(/q=nobody/), page.click('.filters button[type=submit]')]);
    expect(await page.textContent('.empty')).toContain('No lead matches');
    await page.fill('#q', EMAIL);
    await Promise.all([page.waitForURL(/q=grace/), page.click('.filters button[type=submit]')]);
    await Promise.all([page.waitForURL(`**/leads/${leadId}`), page.click(`a.lead-name`)]);
  });

  it('shows the journey: pages in order with titles and times, active time, visits, two devices as one', async () => {
    const lead = await leadNow();
    const pages = lead.pages_visited as { path: string; title?: string }[];
    const titles = await page.$$eval('ol.journey .page-title', (els) => els.map((e) => e.textContent));
    expect(titles).toEqual(pages.map((p) => p.title ?? p.path));
    // The first device's pages, then the second's, in time order.
    const expected = [
      'Pricing | Northwind Analytics',
      'About | Northwind Analytics',
      'Contact sales | Northwind Analytics',
      'Product tour | Northwind Analytics',
      'Contact sales | Northwind Analytics',
    ];
    expect(titles.filter((t) => !t?.startsWith('Thanks'))).toEqual(expected);
    const times = await page.$$eval('ol.journey .when .at', (els) => els.map((e) => e.textContent));
    expect(times.every((t) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/.test(t ?? ''))).toBe(true);
    expect(times).toEqual([...times].sort());
    const devices = await page.$$eval('ol.journey .device', (els) => els.map((e) => e.textContent));
    expect(new Set(devices)).toEqual(new Set(['device 1', 'device 2']));
    // Time on page: each device's pages but its last of the visit have one (the next page came within seconds).
    const stays = await page.$$eval('ol.journey li:not(.pause)', (els) =>
      els.map((e) => e.querySelector('.stay')?.textContent ?? null),
    );
    expect(stays.filter((s) => s !== null).length).toBeGreaterThanOrEqual(pages.length - 3);
    expect(stays.filter((s) => s !== null).every((s) => /^(\d+ s|\d+ min( \d+ s)?) on page$/.test(s!))).toBe(true);

    const stats = await figures('#journey .stats div');
    expect(stats[0]).toBe(`${pages.length} pages`);
    expect(stats[1]).toMatch(/^\d+ s active time$|^\d+ min( \d+ s)? active time$/);
    expect(lead.time_spent as number).toBeGreaterThan(0);
    expect(stats[2]).toBe(`${lead.visit_count} visits`);
    expect(lead.visit_count).toBe(2);
    expect(stats[3]).toBe('2 devices');
    expect(await page.locator('#journey tbody tr').count()).toBe(2);
    const history = await page.$$eval('#history li', (els) => els.map((e) => e.textContent?.replace(/\s+/g, ' ')));
    expect(history[0]).toMatch(/^Created as new /);
    expect(history).toHaveLength((lead.events as unknown[]).length);
    expect(history.filter((h) => h?.startsWith('Identified'))).toHaveLength(
      (lead.events as { type: string }[]).filter((e) => e.type === 'identified').length,
    );
    expect(await page.textContent('dl.fields')).toContain('US Navy');
  });

  it('qualifies the lead in one click, and the history records it', async () => {
    expect(await page.textContent('.status-actions button.primary')).toBe('Qualify');
    await Promise.all([page.waitForURL(/done=status/), page.click('button:has-text("Qualify")')]);
    expect(await page.textContent('#lead-status')).toBe('qualified');
    expect(await page.textContent('.flash.ok')).toMatch(
      /^Status changed from new to qualified\.\s+Undo \(back to new\)$/,
    );
    expect(await page.locator('button:has-text("Qualify")').count()).toBe(0);
    const history = await page.$$eval('#history li', (els) => els.map((e) => e.textContent?.replace(/\s+/g, ' ')));
    expect(history.at(-1)).toMatch(/^Status new → qualified /);
    expect((await leadNow()).status).toBe('qualified');
  });

  it('moves forward with the primary button, asks before moving back, and undoes a change in one click', async () => {
    // Qualified: the way forward is converting.
    expect(await page.textContent('.status-actions button.primary')).toBe('Mark converted');
    await Promise.all([page.waitForURL(/from=qualified/), page.click('.status-actions button.primary')]);
    expect(await page.textContent('#lead-status')).toBe('converted');
    // Converted is an end: no primary button, and going back asks first.
    expect(await page.locator('.status-actions button.primary').count()).toBe(0);
    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.click('.status-actions button:has-text("Mark new")');
    await page.waitForTimeout(300);
    expect((await leadNow()).status).toBe('converted');
    page.once('dialog', (dialog) => {
      expect(dialog.message()).toBe('Move this converted lead back to new?');
      void dialog.accept();
    });
    await Promise.all([page.waitForURL(/from=converted/), page.click('.status-actions button:has-text("Mark new")')]);
    expect((await leadNow()).status).toBe('new');
    // One click undoes it.
    await Promise.all([
      page.waitForURL(/from=new/),
      page.click('.flash.undo button:has-text("Undo (back to converted)")'),
    ]);
    expect((await leadNow()).status).toBe('converted');
    page.once('dialog', (dialog) => void dialog.accept());
    await Promise.all([page.waitForURL(/from=converted/), page.click('.status-actions button:has-text("Qualify")')]);
    expect((await leadNow()).status).toBe('qualified');
  });

  it('edits the notes', async () => {
    const notes = 'Called on Tuesday.\nWants a quote for the "Pro" plan, 20 seats.';
    await page.fill('#notes', notes);
    await Promise.all([page.waitForURL(/done=notes/), page.click('button:has-text("Save notes")')]);
    expect(await page.textContent('.flash.ok')).toBe('Notes saved.');
    expect(await page.inputValue('#notes')).toBe(notes);
    expect((await leadNow()).notes).toBe(notes);
    // Notes are searchable from the list.
    await page.goto(url('/leads?q=20%20seats'));
    expect(await page.locator('tbody tr').count()).toBe(1);
  });

  it('exports the current filtered list as CSV, and it reads back', async () => {
    await page.goto(url(`/leads?q=${encodeURIComponent(EMAIL)}&status=qualified`));
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("Export CSV")')]);
    expect(download.suggestedFilename()).toMatch(/^leads-\d{4}-\d\d-\d\d\.csv$/);
    const rows = parseCsv(readFileSync((await download.path())!, 'utf8'));
    const [header, ...leads] = rows;
    expect(leads).toHaveLength(1);
    const record = Object.fromEntries(header!.map((column, i) => [column, leads[0]![i]]));
    expect(record).toMatchObject({
      id: leadId,
      name: NAME,
      email: EMAIL,
      company: 'US Navy',
      status: 'qualified',
      notes: 'Called on Tuesday.\nWants a quote for the "Pro" plan, 20 seats.',
      visit_count: '2',
    });
    expect(record.pages).toContain('/pricing /about /contact');

    // A filter that matches nothing exports the header only.
    await page.goto(url('/leads?status=lost'));
    const [empty] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("Export CSV")')]);
    expect(parseCsv(readFileSync((await empty.path())!, 'utf8'))).toHaveLength(1);
  });

  it('edits allowed origins, creates a key and revokes it; the API then refuses that key', async () => {
    await page.goto(url('/setup'));
    expect(await page.textContent('#script-tag')).toContain(`${world.collectorUrl}/leadtrail.js" data-key="lt_pk_`);
    const origins = await page.inputValue('#origins');
    await page.fill('#origins', `${origins}\nhttps://www.northwind.example/`);
    await Promise.all([page.waitForURL(/done=origins/), page.click('button:has-text("Save origins")')]);
    expect((await world.handle.store.getSite(world.site.siteId))!.allowed_origins).toContain(
      'https://www.northwind.example',
    );
    expect(await page.inputValue('#origins')).toContain('https://www.northwind.example');

    await page.selectOption('#kind', 'secret');
    await page.click('button:has-text("Create key")');
    const key = (await page.textContent('#new-key-value'))!;
    expect(key).toMatch(/^lt_sk_/);
    const api = (k: string) =>
      fetch(url('/api/agents/tools/leads/get'), {
        method: 'POST',
        headers: { authorization: `Bearer ${k}`, 'content-type': 'application/json' },
        body: '{}',
      });
    expect((await api(key)).status).toBe(200);

    await page.goto(url('/setup'));
    expect(await page.locator('#new-key-value').count()).toBe(0);
    const row = page.locator('tr[data-key-id]', { hasText: key.slice(0, 12) });
    page.once('dialog', (dialog) => void dialog.accept());
    await Promise.all([page.waitForURL(/done=revoked/), row.locator('button:has-text("Revoke")').click()]);
    expect(await row.textContent()).toContain('revoked');
    const refused = await api(key);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ success: false, error: { code: 'invalid_api_key' } });

    // A reload of the answer that showed a secret key sends the form again: no second key.
    const keysBefore = (await world.handle.store.listApiKeys(world.site.siteId)).length;
    await page.selectOption('#kind', 'secret');
    await page.click('button:has-text("Create key")');
    expect(await page.textContent('#new-key-value')).toMatch(/^lt_sk_/);
    await page.reload();
    expect(await page.locator('#new-key-value').count()).toBe(0);
    expect(await page.textContent('.flash.ok')).toMatch(/^This form created the secret key lt_sk_\S+… already/);
    expect((await world.handle.store.listApiKeys(world.site.siteId)).length).toBe(keysBefore + 1);

    // A new publishable key: the page reloads to show the whole tag with it, and a reload creates nothing.
    await page.goto(url('/setup'));
    await page.selectOption('#kind', 'publishable');
    await Promise.all([page.waitForURL(/done=publishable/), page.click('button:has-text("Create key")')]);
    const newest = (await world.handle.store.listApiKeys(world.site.siteId))
      .filter((k) => k.kind === 'publishable')
      .at(-1)!;
    expect(newest.token).toMatch(/^lt_pk_/);
    expect(await page.textContent('#script-tag')).toBe(
      `<script src="${world.collectorUrl}/leadtrail.js" data-key="${newest.token}" defer></script>`,
    );
    await page.reload();
    expect((await world.handle.store.listApiKeys(world.site.siteId)).length).toBe(keysBefore + 2);
  });

  it('gives a tag that works when pasted into a page as it is', async () => {
    await page.goto(url('/setup'));
    const tag = (await page.textContent('#script-tag'))!;
    const site = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><head><title>Pasted</title>${tag}</head><body>
<form id="f" action="#"><input type="email" name="email"><input name="name"><button>Send</button></form>
</body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    await allowOrigins(world.handle.store, world.site.siteId, [origin]);
    const email = `pasted.${Date.now()}@tag.test`;
    const visitor = await browser.newPage();
    try {
      await visitor.goto(origin);
      await visitor.waitForFunction(() => 'leadtrail' in window);
      await visitor.fill('input[name=email]', email);
      await visitor.fill('input[name=name]', 'Pasted Tag');
      await visitor.click('button');
      const lead = await world.waitForLead(email, 15_000);
      expect(lead).toMatchObject({ email, name: 'Pasted Tag' });
    } finally {
      await visitor.close();
      site.closeAllConnections();
      site.close();
    }
  });

  it('refuses a change without the CSRF token, or from another origin; nothing changes', async () => {
    await page.goto(url(`/leads/${leadId}`));
    const token = await page.inputValue('input[name=_csrf] >> nth=0');
    const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
      page.request.post(url(path), { form, headers, maxRedirects: 0 });
    const without = await post(`/leads/${leadId}/notes`, { notes: 'overwritten' });
    expect(without.status()).toBe(403);
    expect(await without.text()).toContain('Request refused');
    expect((await post(`/leads/${leadId}/status`, { status: 'lost' })).status()).toBe(403);
    expect((await post(`/leads/${leadId}/status`, { status: 'lost', _csrf: 'forged' })).status()).toBe(403);
    const crossOrigin = await post(
      `/leads/${leadId}/status`,
      { status: 'lost', _csrf: token },
      { origin: world.demoUrl },
    );
    expect(crossOrigin.status()).toBe(403);
    expect((await post('/setup/keys', { kind: 'secret' })).status()).toBe(403);
    const lead = await leadNow();
    expect(lead.status).toBe('qualified');
    expect(lead.notes).not.toBe('overwritten');
    // The same request with the token goes through: the refusals above were the token's doing.
    expect((await post(`/leads/${leadId}/status`, { status: 'qualified', _csrf: token })).status()).toBe(303);
  });

  it('ends a session when its key is revoked', async () => {
    const { key, record } = await createApiKey(world.handle.store, world.site.siteId, 'secret');
    const login = await fetch(url('/login'), {
      method: 'POST',
      body: new URLSearchParams({ method: 'key', key }),
      redirect: 'manual',
    });
    const cookie = /lt_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
    const leads = () => fetch(url('/leads'), { headers: { cookie }, redirect: 'manual' });
    expect((await leads()).status).toBe(200);
    await world.handle.store.revokeApiKey(record.id, new Date().toISOString());
    expect((await leads()).status).toBe(303);
  });

  it('exports every lead of a large list, page by page', async () => {
    const ctx = {
      store: world.handle.store,
      siteId: world.site.siteId,
      ownerUserId: crypto.randomUUID(),
      keyKind: 'secret' as const,
    };
    const listed = await runLeadsAction(ctx, { action: 'list', limit: 1 });
    const total = 1100 + (listed.body as unknown as { data: { pagination: { total: number } } }).data.pagination.total;
    for (let i = 0; i < 1100; i++) {
      await runLeadsAction(ctx, {
        action: 'create',
        name: i % 100 === 0 ? `=cmd|' /C calc'!A${i}` : `Bulk ${i}`,
        email: `bulk${i}@example.com`,
        status: (['new', 'contacted', 'lost'] as const)[i % 3],
      });
    }
    const response = await page.request.get(url('/leads/export.csv'));
    expect(response.status()).toBe(200);
    const rows = parseCsv(await response.text());
    expect(rows).toHaveLength(1 + total);
    expect(new Set(rows.slice(1).map((r) => r[0])).size).toBe(total);
    expect(rows.filter((r) => r[1]?.startsWith('=')).length).toBe(0);
    expect(rows.filter((r) => r[1]?.startsWith("'=cmd")).length).toBe(11);

    await page.goto(url('/leads'));
    expect(await page.locator('tbody tr').count()).toBe(50);
    expect(await page.textContent('.pager')).toContain(`1–50 of ${total}`);
    await Promise.all([page.waitForURL(/page=2/), page.click('a[rel=next]')]);
    expect(await page.textContent('.pager')).toContain(`51–100 of ${total}`);
    await Promise.all([page.waitForURL(/sort=name/), page.click('th a:has-text("Name")')]);
    const first = await page.textContent('tbody tr:first-child .lead-name');
    expect(first).toBe("=cmd|' /C calc'!A0");
  });

  it('renders at phone width without the page scrolling sideways', async () => {
    const phone = await browser.newPage();
    await phone.setViewportSize({ width: 375, height: 740 });
    for (const path of ['/leads', `/leads/${leadId}`, '/setup']) {
      await phone.goto(url(path));
      const [scroll, width] = await phone.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      expect(scroll, path).toBeLessThanOrEqual(width);
    }
    await phone.close();
  });

  it('sends the strict CSP on every page, with no violation and no page error', async () => {
    for (const path of ['/leads', `/leads/${leadId}`, '/setup']) {
      const response = await page.goto(url(path));
      expect(response!.headers()['content-security-policy']).toBe(DASHBOARD_CSP);
    }
    expect(violations).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });

  it('signs out; the dashboard then asks to sign in again', async () => {
    await page.goto(url('/leads'));
    await Promise.all([page.waitForURL('**/login?out'), page.click('button:has-text("Sign out")')]);
    expect(await page.textContent('.flash.ok')).toBe('You are signed out.');
    expect((await browser.context.cookies()).filter((c) => c.name === 'lt_session')).toEqual([]);
    await page.goto(url(`/leads/${leadId}`));
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('signs in with the site id and the owner password set through the CLI', async () => {
    const short = await setPasswordWithCli('short');
    expect(short.code).toBe(2);
    const set = await setPasswordWithCli(PASSWORD);
    expect(set.out).toContain('owner password set');
    expect(set.code).toBe(0);

    await page.goto(url('/login'));
    await page.fill('#site_id', world.site.siteId);
    await page.fill('#password', 'not the password');
    await page.click('#password-login button[type=submit]');
    await page.waitForLoadState();
    expect(await page.textContent('.flash.error')).toContain('do not match');

    await page.goto(url(`/login?next=${encodeURIComponent(`/leads/${leadId}`)}`));
    await page.fill('#site_id', world.site.siteId);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`**/leads/${leadId}`), page.click('#password-login button[type=submit]')]);
    expect(await page.textContent('h1')).toBe(NAME);
    await page.goto(url('/setup'));
    expect(await page.textContent('dl.fields')).toContain('Owner passwordset');
    expect(violations).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
