/**
 * The owner hears of a new lead, end to end: a visitor fills a form in real Chromium; the tracker sends it to a
 * `leadtrail serve` process; the lead reaches a signed webhook, a Slack-format endpoint and an SMTP inbox, each
 * exactly once. On the way every receiver fails its first attempt (503, 503, SMTP 451) and the collector is
 * SIGKILLed with the retries pending; a new collector on the same database sends them. SQLite always, PostgreSQL
 * too when LEADTRAIL_TEST_DATABASE_URL is set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allowOrigins, createSiteWithKeys, type LeadStore, openStore } from '@leadtrail/collector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addEmailRecipient, addWebhook } from '../../packages/collector/src/core/notify/webhooks.ts';
import { type BrowserSession, launchBrowser } from '../support/browser.ts';
import { createTestSchema, PG_URL, warnIfNoPostgres } from '../support/postgres.ts';
import { type LoggedProcess, startLoggedProcess } from '../support/processes.ts';
import {
  type SmtpReceiver,
  startSmtpReceiver,
  startWebhookReceiver,
  type WebhookReceiver,
  waitFor,
} from '../support/receivers.ts';
import { trackerReady } from './form-pages.ts';

warnIfNoPostgres();

const KINDS = ['sqlite', ...(PG_URL ? ['postgres'] : [])] as const;

let browser: BrowserSession;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** A port nobody listens on now, so a restarted collector can take the same one (the page's script names it). */
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createNetServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

/** The site: a contact page with the tracker, whose form posts to the site's own back end. */
async function startSite(collectorUrl: string, publishableKey: string) {
  const server: Server = createServer((req, res) => {
    if (req.method === 'POST') {
      req.resume();
      req.on('end', () => {
        res.writeHead(303, { location: '/thanks' });
        res.end();
      });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><title>Contact</title>
<script src="${collectorUrl}/leadtrail.js" data-key="${publishableKey}" defer></script></head><body>
${
  req.url === '/thanks'
    ? '<h1>Thanks</h1>'
    : `<h1>Talk to sales</h1><form method="post" action="/contact">
<label>Name <input name="name" autocomplete="name"></label>
<label>Work email <input type="email" name="email" autocomplete="email"></label>
<label>Company <input name="company" autocomplete="organization"></label>
<button type="submit">Send</button></form>`
}</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.each(KINDS)('a new lead from the tracker reaches webhook, Slack and email [%s]', (kind) => {
  let db: string;
  let cleanup: () => Promise<void>;
  let store: LeadStore;
  let hooks: WebhookReceiver;
  let slack: WebhookReceiver;
  let smtp: SmtpReceiver;
  const collectors: LoggedProcess[] = [];

  beforeAll(async () => {
    if (kind === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'leadtrail-notify-e2e-'));
      db = join(dir, 'leadtrail.db');
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    } else {
      const schema = await createTestSchema();
      db = schema.url;
      cleanup = schema.drop;
    }
    store = await openStore(db);
    [hooks, slack, smtp] = await Promise.all([startWebhookReceiver(), startWebhookReceiver(), startSmtpReceiver()]);
  });
  afterAll(async () => {
    for (const collector of collectors) await collector.stop();
    await store?.close();
    await Promise.all([hooks?.close(), slack?.close(), smtp?.close()]);
    await cleanup?.();
  });

  it('each once, across receiver failures and a SIGKILLed collector', async () => {
    const created = await createSiteWithKeys(store, 'Notified site', []);
    const siteId = created.site.id;
    const webhook = await addWebhook(store, siteId, { url: `${hooks.origin}/leadtrail` });
    hooks.secrets.set('/leadtrail', webhook.secret);
    await addWebhook(store, siteId, { url: `${slack.origin}/services/T1/B2/x`, format: 'slack' });
    const mail = await addEmailRecipient(store, siteId, 'sales@example.com');
    hooks.answers.push(503);
    slack.answers.push(503);
    smtp.refusals.push(451);

    const port = await freePort();
    const args = ['--port', String(port), '--allow-private-webhook-targets', '--smtp-url', smtp.url];
    const first = await startLoggedProcess(db, args);
    collectors.push(first);
    const site = await startSite(first.url, created.publishable_key);
    await allowOrigins(store, siteId, [site.url]);
    try {
      const page = await browser.newPage();
      await page.goto(site.url);
      await trackerReady(page);
      const email = `ada.${kind}.${Date.now()}@example.com`;
      await page.fill('input[name=name]', 'Ada Lovelace');
      await page.fill('input[name=email]', email);
      await page.fill('input[name=company]', 'Analytical Engines');
      await Promise.all([page.waitForURL('**/thanks'), page.click('button[type=submit]')]);
      await page.close();

      // The first attempt of each failed: the retries (5 s on) are pending when the collector is killed.
      const deliveries = async () =>
        (
          await Promise.all(
            (await store.listWebhookEndpoints(siteId)).map((endpoint) => store.listDeliveries(endpoint.id, 10)),
          )
        ).flat();
      await waitFor(
        async () => {
          const all = await deliveries();
          return all.length === 3 && all.every((d) => d.attempts >= 1);
        },
        20_000,
        'a first attempt of each delivery',
      );
      expect((await deliveries()).map((d) => d.status)).toEqual(['pending', 'pending', 'pending']);
      first.child.kill('SIGKILL');
      await first.exited;

      const second = await startLoggedProcess(db, args);
      collectors.push(second);
      await waitFor(
        () => hooks.received.length >= 1 && slack.received.length >= 1 && smtp.mails.length >= 1,
        30_000,
        'the webhook, the Slack message and the mail',
      );
      // Long enough for a duplicate to show, were one to be sent.
      await new Promise((resolve) => setTimeout(resolve, 1500));

      expect(hooks.received).toHaveLength(1);
      const [signed] = hooks.received;
      expect(signed!.valid).toBe(true);
      const payload = JSON.parse(signed!.body);
      expect(payload).toMatchObject({
        type: 'lead.created',
        data: { lead: { email, name: 'Ada Lovelace', company: 'Analytical Engines' } },
      });
      // The retry carried the webhook-id of the failed first attempt.
      expect(hooks.attempts.map((a) => [a.id, a.status])).toEqual([
        [signed!.headers['webhook-id'], 503],
        [signed!.headers['webhook-id'], 204],
      ]);
      expect(slack.received).toHaveLength(1);
      const { text } = JSON.parse(slack.received[0]!.body);
      expect(text).toContain(`*New lead*: Ada Lovelace · <mailto:${email}|${email}> · Analytical Engines`);
      expect(smtp.mails).toHaveLength(1);
      expect(smtp.mails[0]).toMatchObject({ to: ['sales@example.com'], subject: `New lead: Ada Lovelace <${email}>` });
      expect((await deliveries()).map((d) => [d.status, d.attempts])).toEqual([
        ['delivered', 2],
        ['delivered', 2],
        ['delivered', 2],
      ]);
      expect((await store.listDeliveries(mail.endpoint_id, 5))[0]).toMatchObject({
        status: 'delivered',
        last_status: 250,
      });
    } finally {
      await site.close();
    }
  }, 90_000);
});
