/**
 * The tracker on the forms of the most-installed form builders, in real Chromium against the real collector. Each
 * page under forms/builders/ reproduces, from the builder's public source, its rendered markup and its submission
 * code (rewritten in plain JS: no jQuery, no CDN); the page's header comment says which version and files it
 * follows. A person fills the form in and clicks the builder's button; the builder's own success state must show,
 * its back end (the stand-in) must have received the post, and the lead must hold what a site owner expects: the
 * name (first and last joined), email, phone, company and message where the form has them, and nothing else. Exactly
 * one lead and one submission per form sent, and no hidden field's value (tokens, nonces, state) ever leaves for the
 * collector. Each case uses a fresh browser profile.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BrowserSession, launchBrowser } from '../support/browser.ts';
import { collectorRequests, type FormPages, startFormPages, trackerReady } from './form-pages.ts';
import { startWorld, type World } from './harness.ts';

let world: World;
let pages: FormPages;
let browser: BrowserSession | null = null;

beforeAll(async () => {
  world = await startWorld();
  pages = await startFormPages(world);
});
afterAll(async () => {
  await pages?.close();
  await world?.close();
});
afterEach(async () => {
  // No case may ever see an exception or rejection from a script on the page (the tracker's or the builder's).
  const errors = browser?.pageErrors ?? [];
  await browser?.close();
  browser = null;
  expect(errors).toEqual([]);
});

let n = 0;
const newEmail = (label: string) => `${label}.${Date.now()}.${n++}@e2e.test`;

const ADA = {
  first: 'Ada',
  last: 'Lovelace',
  name: 'Ada Lovelace',
  phone: '+44 20 7946 0958',
  company: 'Analytical Engines Ltd',
  message: 'We would like a demonstration of the Analytical Engine next month.',
};

/** Opens a builder's page in a fresh browser, recording what the page sends to the collector. */
async function open(builder: string) {
  browser = await launchBrowser();
  const page = await browser.newPage();
  const sent = collectorRequests(page, world.collectorUrl);
  await page.goto(`${pages.url}/builders/${builder}`);
  // A person takes seconds to fill a form in; the tracker has its stored state loaded by then.
  await trackerReady(page);
  return { page, sent };
}

/**
 * Values a tracker must never send: the given ones (which must be on the page), and every hidden input's value now
 * on the page long enough to mean something, but the page's own title and address (sent as page history anyway).
 */
async function secretsOf(page: Page, given: string[]) {
  const html = await page.content();
  for (const secret of given) expect(html).toContain(secret);
  const hidden = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLInputElement>('input[type=hidden]')]
      .map((input) => input.value)
      .filter((value) => value.length >= 8 && ![document.title, location.href, location.pathname].includes(value)),
  );
  return [...given, ...hidden];
}

/** Whether the site's own back end (the stand-in) got a post at `path` carrying the email (raw or URL-encoded). */
const posted = (path: string, email: string) =>
  pages.received.some(
    (request) =>
      request.path === path && (request.body.includes(email) || request.body.includes(encodeURIComponent(email))),
  );

const CONTACT_FIELDS = ['name', 'email', 'phone', 'company', 'position', 'notes'] as const;

/**
 * The lead made of the submission: exactly these contact fields (the others empty), one lead, one submission, and
 * none of the secrets in anything the page sent to the collector.
 */
async function expectLead(
  email: string,
  expected: Partial<Record<(typeof CONTACT_FIELDS)[number], string>>,
  secrets: string[],
  sent: Record<string, unknown>[],
) {
  const lead = await world.waitForLead(email);
  const fields = Object.fromEntries(CONTACT_FIELDS.map((field) => [field, lead[field]]));
  expect(fields).toEqual(Object.fromEntries(CONTACT_FIELDS.map((field) => [field, expected[field] ?? null])));
  // Give a duplicate send (a second capture of the same form, a retry) the time to arrive: still one of each.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(await world.leadsWith(email)).toBe(1);
  expect((await world.waitForLead(email)).submissions as unknown[]).toHaveLength(1);
  const bodies = JSON.stringify(sent);
  expect(bodies).toContain(email);
  for (const secret of secrets) expect(bodies).not.toContain(secret);
}

describe('form builders in Chromium', () => {
  it('Contact Form 7: fetch to the REST feedback endpoint, then the form reset and the response shown', async () => {
    const { page, sent } = await open('cf7');
    const email = newEmail('cf7');
    const secrets = await secretsOf(page, ['wpcf7-f123-p45-o1']);
    await page.fill('input[name="your-name"]', ADA.name);
    await page.fill('input[name="your-email"]', email);
    await page.fill('input[name="your-subject"]', 'A demonstration');
    await page.fill('textarea[name="your-message"]', ADA.message);
    await page.click('input.wpcf7-submit');

    await page
      .locator('.wpcf7-response-output', { hasText: 'Thank you for your message. It has been sent.' })
      .waitFor({ state: 'visible' });
    expect(await page.getAttribute('form.wpcf7-form', 'data-status')).toBe('sent');
    expect(await page.inputValue('input[name="your-email"]')).toBe('');
    expect(posted('/backend/cf7', email)).toBe(true);
    await expectLead(email, { name: ADA.name, email, notes: ADA.message }, secrets, sent);
  });

  it('Gravity Forms with AJAX: the button click cancelled, form.submit() into the hidden iframe, the confirmation replacing the form', async () => {
    const { page, sent } = await open('gravity-ajax');
    const email = newEmail('gravity-ajax');
    const secrets = await secretsOf(page, [
      '6650f3b2c81a4',
      'WyJbXSIsImQ0MWQ4Y2Q5OGYwMGIyMDRlOTgwMDk5OGVjZjg0MjdlIl0=',
    ]);
    await page.fill('#input_1_1_3', ADA.first);
    await page.fill('#input_1_1_6', ADA.last);
    await page.fill('#input_1_2', email);
    await page.fill('#input_1_3', ADA.phone);
    await page.fill('#input_1_4', ADA.company);
    await page.fill('#input_1_5', ADA.message);
    await page.click('#gform_submit_button_1');

    await page
      .locator('#gform_confirmation_message_1', { hasText: 'Thanks for contacting us!' })
      .waitFor({ state: 'visible' });
    expect(await page.locator('#gform_wrapper_1').count()).toBe(0);
    expect(posted('/backend/gravity', email)).toBe(true);
    await expectLead(
      email,
      { name: ADA.name, email, phone: ADA.phone, company: ADA.company, notes: ADA.message },
      secrets,
      sent,
    );
  });

  it('Gravity Forms without AJAX: the button click cancelled and form.submit() posting and navigating (no submit event)', async () => {
    const { page, sent } = await open('gravity');
    const email = newEmail('gravity');
    const secrets = await secretsOf(page, [
      '6650f3b2c81a4',
      'WyJbXSIsImQ0MWQ4Y2Q5OGYwMGIyMDRlOTgwMDk5OGVjZjg0MjdlIl0=',
    ]);
    await page.fill('#input_1_1_3', ADA.first);
    await page.fill('#input_1_1_6', ADA.last);
    await page.fill('#input_1_2', email);
    await page.fill('#input_1_3', ADA.phone);
    await page.fill('#input_1_4', ADA.company);
    await page.fill('#input_1_5', ADA.message);
    await Promise.all([page.waitForURL('**/thanks'), page.click('#gform_submit_button_1')]);

    await page.locator('h1', { hasText: 'Thanks' }).waitFor({ state: 'visible' });
    expect(posted('/thanks', email)).toBe(true);
    await expectLead(
      email,
      { name: ADA.name, email, phone: ADA.phone, company: ADA.company, notes: ADA.message },
      secrets,
      sent,
    );
  });

  it('WPForms: submit prevented and stopped, FormData by XHR to admin-ajax, the container replaced by the confirmation', async () => {
    const { page, sent } = await open('wpforms');
    const email = newEmail('wpforms');
    const secrets = await secretsOf(page, ['8f0c5d1e4b7a2c9e6d3f1a0b5c8e7d24']);
    await page.fill('input[name="wpforms[fields][1][first]"]', ADA.first);
    await page.fill('input[name="wpforms[fields][1][last]"]', ADA.last);
    await page.fill('input[name="wpforms[fields][2]"]', email);
    await page.fill('textarea[name="wpforms[fields][3]"]', ADA.message);
    await page.click('#wpforms-submit-12');

    await page
      .locator('#wpforms-confirmation-12', { hasText: 'Thanks for contacting us!' })
      .waitFor({ state: 'visible' });
    expect(await page.locator('#wpforms-form-12').count()).toBe(0);
    expect(posted('/backend/wpforms', email)).toBe(true);
    await expectLead(email, { name: ADA.name, email, notes: ADA.message }, secrets, sent);
  });

  it('Elementor Pro: placeholders and screen-reader labels, FormData by XHR, the form reset and a success message', async () => {
    const { page, sent } = await open('elementor');
    const email = newEmail('elementor');
    const secrets = await secretsOf(page, ['5c1a6f2']);
    await page.fill('input[placeholder="Name"]', ADA.name);
    await page.fill('input[placeholder="Email"]', email);
    await page.fill('input[placeholder="Phone"]', ADA.phone);
    await page.fill('textarea[placeholder="Message"]', ADA.message);
    await page.click('button.elementor-button[type="submit"]');

    await page
      .locator('.elementor-message-success', { hasText: 'Your submission was successful.' })
      .waitFor({ state: 'visible' });
    expect(await page.inputValue('input[name="form_fields[email]"]')).toBe('');
    expect(posted('/backend/elementor', email)).toBe(true);
    await expectLead(email, { name: ADA.name, email, phone: ADA.phone, notes: ADA.message }, secrets, sent);
  });

  it('Ninja Forms: rendered by script, no <form>, a plain button whose click sends by XHR; fields cleared and layout hidden', async () => {
    const { page, sent } = await open('ninja');
    const email = newEmail('ninja');
    const secrets = await secretsOf(page, ['3f9c1e27ab']);
    await page.fill('#nf-field-1', ADA.first);
    await page.fill('#nf-field-2', ADA.last);
    await page.fill('#nf-field-3', email);
    await page.fill('#nf-field-4', ADA.phone);
    await page.fill('#nf-field-5', ADA.company);
    await page.fill('#nf-field-6', ADA.message);
    expect(await page.locator('form').count()).toBe(0);
    await page.click('#nf-field-7');

    await page
      .locator('#nf-form-1-cont .nf-response-msg', { hasText: 'Form submitted successfully.' })
      .waitFor({ state: 'visible' });
    await page.locator('#nf-field-3').waitFor({ state: 'hidden' });
    expect(posted('/backend/ninja', email)).toBe(true);
    await expectLead(
      email,
      { name: ADA.name, email, phone: ADA.phone, company: ADA.company, notes: ADA.message },
      secrets,
      sent,
    );
  });

  it('HubSpot raw-HTML embed: submit prevented, posted by XHR, the form replaced by the submitted message', async () => {
    const { page, sent } = await open('hubspot');
    const email = newEmail('hubspot');
    const secrets = await secretsOf(page, ['8ef7e4c0-5356-44cb-819e-7af0b39c5dda', '3c9a0f51b7d24e86a1c5f03e9b2d7a64']);
    await page.fill('input[name="firstname"]', ADA.first);
    await page.fill('input[name="lastname"]', ADA.last);
    await page.fill('input[name="email"]', email);
    await page.fill('input[name="phone"]', ADA.phone);
    await page.fill('input[name="company"]', ADA.company);
    await page.fill('textarea[name="message"]', ADA.message);
    await page.click('input.hs-button[type="submit"]');

    await page
      .locator('.submitted-message', { hasText: 'Thanks for submitting the form.' })
      .waitFor({ state: 'visible' });
    expect(await page.locator('form.hs-form').count()).toBe(0);
    expect(posted('/backend/hubspot', email)).toBe(true);
    await expectLead(
      email,
      { name: ADA.name, email, phone: ADA.phone, company: ADA.company, notes: ADA.message },
      secrets,
      sent,
    );
  });

  it('Webflow: submit prevented, the fields posted by XHR, the form hidden and .w-form-done shown', async () => {
    const { page, sent } = await open('webflow');
    const email = newEmail('webflow');
    const secrets = await secretsOf(page, []);
    await page.fill('input[name="Name"]', ADA.name);
    await page.fill('input[name="Email"]', email);
    await page.fill('input[name="Company"]', ADA.company);
    await page.fill('textarea[name="Message"]', ADA.message);
    await page.click('input.w-button[type="submit"]');

    await page
      .locator('.w-form-done', { hasText: 'Thank you! Your submission has been received!' })
      .waitFor({ state: 'visible' });
    await page.locator('#wf-form-Contact').waitFor({ state: 'hidden' });
    expect(posted('/backend/webflow', email)).toBe(true);
    await expectLead(email, { name: ADA.name, email, company: ADA.company, notes: ADA.message }, secrets, sent);
  });
});
