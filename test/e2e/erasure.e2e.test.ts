/**
 * Erasure end to end in Chromium: a visitor sends the demo site's contact form through the tracker, which makes a
 * lead; the owner downloads the person's data from the lead's page and deletes the lead there (the page asks first;
 * cancelling keeps it); then the visitor's tracker sends the very same submission again (its own retry path: the
 * copy it keeps in localStorage until the collector answers, sent on the next page with the same event_id). The lead
 * does not come back.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, launchBrowser } from '../support/browser.ts';
import { startWorld, type World } from './harness.ts';

const IDENTIFY = '/api/agents/tools/leads/identify';
const NAME = 'Katherine Johnson';
const EMAIL = `katherine.${Date.now()}@nasa.test`;

let world: World;
let visitor: BrowserSession;
let owner: BrowserSession;
/** The submission the tracker sent, as it sent it (the body with the form and its event_id). */
let submitted = '';
let leadId = '';
let visitorTab: Awaited<ReturnType<BrowserSession['newPage']>>;

beforeAll(async () => {
  world = await startWorld();
  visitor = await launchBrowser();
  owner = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await visitor?.close();
  await owner?.close();
  await world?.close();
});

describe('erasure in Chromium', () => {
  it('a form sent through the tracker makes a lead', async () => {
    visitor.context.on('request', (request) => {
      const body = request.postData() ?? '';
      if (request.url().endsWith(IDENTIFY) && body.includes(EMAIL)) submitted ||= body;
    });
    const tab = await visitor.newPage();
    visitorTab = tab;
    await tab.goto(`${world.demoUrl}/pricing`);
    // A moment on the page, so its view is recorded before the next one (as a reader would stay).
    await tab.waitForTimeout(1200);
    await tab.goto(`${world.demoUrl}/contact`);
    await tab.fill('input[name=name]', NAME);
    await tab.fill('input[name=email]', EMAIL);
    await tab.fill('input[name=company]', 'NASA');
    await tab.fill('textarea[name=message]', 'Trajectory analysis');
    await Promise.all([tab.waitForURL('**/thanks'), tab.click('button[type=submit]')]);
    const lead = await world.waitForLead(EMAIL);
    leadId = lead.id;
    expect(lead).toMatchObject({ name: NAME, email: EMAIL, company: 'NASA' });
    expect(JSON.parse(submitted)).toMatchObject({ event_id: expect.any(String), visitor_id: expect.any(String) });
    expect(visitor.pageErrors).toEqual([]);
  });

  it('the owner downloads their data, cancels once, then deletes the lead from its page', async () => {
    const page = await owner.newPage();
    await page.goto(`${world.collectorUrl}/login`);
    await page.fill('#key', world.site.secretKey);
    await Promise.all([page.waitForURL('**/leads'), page.click('#key-login button[type=submit]')]);
    await page.goto(`${world.collectorUrl}/leads/${leadId}`);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('text=Download their data (JSON)'),
    ]);
    expect(download.suggestedFilename()).toBe(`lead-${leadId}.json`);
    const data = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    expect(data.lead).toMatchObject({ id: leadId, name: NAME, email: EMAIL });
    expect(data.submissions).toHaveLength(1);
    expect(data.pages.map((p: { path: string }) => p.path)).toEqual(expect.arrayContaining(['/pricing', '/contact']));

    const button = page.getByRole('button', { name: 'Delete this lead and all its data' });
    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await button.click();
    await page.waitForTimeout(300);
    expect(asked).toEqual([expect.stringContaining(`Delete ${NAME} and all their data`)]);
    expect(new URL(page.url()).pathname).toBe(`/leads/${leadId}`);
    expect(await world.leadsWith(EMAIL)).toBe(1);

    page.once('dialog', (dialog) => void dialog.accept());
    await Promise.all([page.waitForURL('**/leads?done=deleted'), button.click()]);
    expect(await page.textContent('.flash.ok')).toContain('The lead was deleted with all its data');
    expect(await world.leadsWith(EMAIL)).toBe(0);
    const gone = await page.goto(`${world.collectorUrl}/leads/${leadId}`);
    expect(gone?.status()).toBe(404);
  });

  it("the tracker's retry of the same submission (same event_id) does not bring the lead back", async () => {
    const { event_id: eventId, visitor_id: visitorId } = JSON.parse(submitted) as {
      event_id: string;
      visitor_id: string;
    };
    const answers: number[] = [];
    visitor.context.on('response', (response) => {
      if (response.url().endsWith(IDENTIFY) && (response.request().postData() ?? '').includes(eventId)) {
        answers.push(response.status());
      }
    });
    const tab = visitorTab;
    // Where the tracker keeps a submission until the collector answers; the next page sends it again.
    await tab.evaluate((body) => localStorage.setItem('lt_q', body), submitted);
    await tab.goto(`${world.demoUrl}/about`);
    const deadline = Date.now() + 20_000;
    while (!answers.length && Date.now() < deadline) await tab.waitForTimeout(200);
    expect(answers).toEqual([202]);

    expect(await world.leadsWith(EMAIL)).toBe(0);
    expect((await world.api('get', {})).body.data.pagination.total).toBe(0);
    expect((await world.api('get', { lead_id: leadId })).status).toBe(404);
    // The browser's later behaviour syncs (new event ids, no email) are an anonymous visitor's, linked to nothing.
    expect((await world.handle.store.getVisitor(world.site.siteId, visitorId))?.lead_id ?? null).toBeNull();
    expect(visitor.pageErrors).toEqual([]);
  });
});
