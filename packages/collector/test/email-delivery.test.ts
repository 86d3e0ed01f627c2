/**
 * Email notifications through a real local SMTP server (smtp-server): a new lead's mail reaches the recipient once,
 * with the URL's credentials; a 4xx reply is tried again, a 5xx fails at once; without an SMTP server the delivery
 * waits with a clear error; a visitor's line breaks cannot add headers or recipients; recipients are checked. Then
 * the whole path through processes: `notify email` and `serve --smtp-url`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSite, LEADS, type TestSite } from '../../../test/support/collector.ts';
import { runCli, startLoggedProcess } from '../../../test/support/processes.ts';
import { type SmtpReceiver, startSmtpReceiver, waitFor } from '../../../test/support/receivers.ts';
import { openSqliteTestStore, type StoreHandle } from '../../../test/support/stores.ts';
import { contextFor } from '../src/core/context.ts';
import { deliverDue } from '../src/core/notify/deliver.ts';
import { mailOf, smtpMailer } from '../src/core/notify/email.ts';
import { addEmailRecipient } from '../src/core/notify/webhooks.ts';
import { runLeadsAction } from '../src/core/run-action.ts';

let handle: StoreHandle;
let site: TestSite;
let smtp: SmtpReceiver;

beforeAll(async () => {
  handle = await openSqliteTestStore();
  site = await createTestSite(handle.store);
  smtp = await startSmtpReceiver();
});
afterAll(async () => {
  await smtp?.close();
  await handle?.cleanup();
});

const owner = async () => contextFor(handle.store, (await handle.store.getSite(site.siteId))!, 'secret');
const create = async (name: string, extra: Record<string, unknown> = {}) => {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${crypto.randomUUID().slice(0, 8)}@example.com`;
  const { body } = await runLeadsAction(await owner(), { action: 'create', name, email, ...extra });
  return { email, id: (body.lead as { id: string }).id };
};
const options = (mailer: ReturnType<typeof smtpMailer> | null) => ({
  allowPrivateTargets: true,
  retryDelaysMs: [1, 1],
  dashboardUrl: 'https://leads.example.com',
  mailer,
});
const drain = async (opts: ReturnType<typeof options>) => {
  for (let i = 0; i < 10; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (!(await deliverDue(handle.store, opts))) return;
  }
};

describe('email notifications', () => {
  it('mails a new lead to the recipient once, with the SMTP URL’s credentials, and nothing for other events', async () => {
    const { endpoint_id } = await addEmailRecipient(handle.store, site.siteId, 'owner@example.com');
    const mailer = smtpMailer(smtp.url, 'leadtrail <alerts@example.com>');
    try {
      smtp.mails.length = 0;
      const { email, id } = await create('Ada Lovelace', { company: 'Analytical Engines', phone: '+44 20 7946 0000' });
      await drain(options(mailer));
      expect(smtp.mails).toHaveLength(1);
      const [mail] = smtp.mails;
      expect(mail!.from).toBe('alerts@example.com');
      expect(mail!.to).toEqual(['owner@example.com']);
      expect(mail!.subject).toBe(`New lead: Ada Lovelace <${email}>`);
      expect(mail!.text).toContain('Name: Ada Lovelace');
      expect(mail!.text).toContain(`Email: ${email}`);
      expect(mail!.text).toContain('Phone: +44 20 7946 0000');
      expect(mail!.text).toContain('Company: Analytical Engines');
      expect(mail!.text).toMatch(/https:\/\/leads\.example\.com\/leads\/[\w-]+/);
      expect((await handle.store.listDeliveries(endpoint_id, 5))[0]).toMatchObject({
        status: 'delivered',
        attempts: 1,
        last_status: 250,
      });
      // A status change is not a new lead: an email recipient takes lead.created unless told otherwise.
      await runLeadsAction(await owner(), { action: 'qualify', lead_id: id, status: 'qualified' });
      await drain(options(mailer));
      expect(smtp.mails).toHaveLength(1);
    } finally {
      mailer.close();
      await handle.store.removeWebhookEndpoint(site.siteId, endpoint_id);
    }
  });

  it('tries a 4xx refusal again and fails a 5xx at once, the address kept out of the error', async () => {
    const { endpoint_id } = await addEmailRecipient(handle.store, site.siteId, 'sales@example.com');
    const mailer = smtpMailer(smtp.url);
    try {
      smtp.mails.length = 0;
      smtp.refusals.push(451);
      await create('Temporary Trouble');
      await drain(options(mailer));
      expect(smtp.mails).toHaveLength(1);
      expect((await handle.store.listDeliveries(endpoint_id, 5))[0]).toMatchObject({
        status: 'delivered',
        attempts: 2,
      });
      smtp.refusals.push(550);
      await create('Refused For Good');
      await drain(options(mailer));
      expect(smtp.mails).toHaveLength(1);
      const [latest] = await handle.store.listDeliveries(endpoint_id, 1);
      expect(latest).toMatchObject({ status: 'failed', attempts: 1, last_status: 550, last_error: 'SMTP 550' });
    } finally {
      mailer.close();
      await handle.store.removeWebhookEndpoint(site.siteId, endpoint_id);
    }
  });

  it('gives up on an SMTP server that trickles its greeting past the time limit', async () => {
    const trickle = createNetServer((socket) => {
      const drip = setInterval(() => socket.write('2'), 100);
      socket.on('close', () => clearInterval(drip));
      socket.on('error', () => clearInterval(drip));
    });
    await new Promise<void>((resolve) => trickle.listen(0, '127.0.0.1', resolve));
    const mailer = smtpMailer(`smtp://127.0.0.1:${(trickle.address() as AddressInfo).port}`, undefined, {
      timeoutMs: 500,
    });
    try {
      const payload = JSON.stringify({ type: 'lead.created', timestamp: '', data: { lead: { id: 'x', name: 'T' } } });
      // The server never finishes a line: without a bound on the whole send this hangs.
      expect(await mailer.send('owner@example.com', payload)).toEqual({ error: 'SMTP timed out' });
    } finally {
      mailer.close();
      trickle.close();
    }
  });

  it('keeps a mail pending with a clear error while the collector has no SMTP server', async () => {
    const { endpoint_id } = await addEmailRecipient(handle.store, site.siteId, 'later@example.com');
    await create('Waiting Mail');
    await deliverDue(handle.store, options(null));
    expect((await handle.store.listDeliveries(endpoint_id, 1))[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: expect.stringContaining('--smtp-url'),
    });
    await handle.store.removeWebhookEndpoint(site.siteId, endpoint_id);
  });

  it('lets no line break a visitor typed reach a header, and refuses what is not one address', async () => {
    const payload = JSON.stringify({
      type: 'lead.created',
      timestamp: new Date().toISOString(),
      data: { lead: { id: 'x', name: 'Eve\r\nBcc: victim@example.com', email: 'eve@example.com', company: null } },
    });
    expect(mailOf(payload).subject).toBe('New lead: Eve Bcc: victim@example.com <eve@example.com>');
    expect(mailOf(payload).subject).not.toMatch(/[\r\n]/);
    for (const bad of ['not-an-address', 'a@b', 'a@b.com, c@d.com', 'Name <a@b.com>', 'a@b.com\nBcc: c@d.com', '']) {
      await expect(addEmailRecipient(handle.store, site.siteId, bad), bad).rejects.toMatchObject({
        code: 'invalid_input',
      });
    }
    await expect(addEmailRecipient(handle.store, site.siteId, 'a@b.com', ['lead.nope'])).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });

  it('runs from the command line: notify email, then serve --smtp-url mails a lead created over REST', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadtrail-mail-'));
    const db = join(dir, 'leadtrail.db');
    try {
      const created = await runCli(['sites', 'create', '--name', 'Mail site', '--db', db, '--json']);
      expect(created.code).toBe(0);
      const { site_id: siteId, secret_key } = JSON.parse(created.stdout);
      const refused = await runCli(['notify', 'email', '--site', siteId, '--to', 'two@x.com,three@x.com', '--db', db]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('one email address');
      const added = await runCli([
        'notify',
        'email',
        '--site',
        siteId,
        '--to',
        'inbox@example.com',
        '--db',
        db,
        '--json',
      ]);
      expect(added.code).toBe(0);
      expect(JSON.parse(added.stdout)).toEqual({ endpoint_id: expect.stringMatching(/^[\da-f-]{36}$/) });
      const listed = JSON.parse((await runCli(['webhooks', 'list', '--site', siteId, '--db', db, '--json'])).stdout);
      expect(listed).toMatchObject([{ format: 'email', url: 'mailto:inbox@example.com', events: ['lead.created'] }]);
      expect((await runCli(['serve', '--db', db, '--smtp-url', 'http://nope'])).code).toBe(2);
      smtp.mails.length = 0;
      const collector = await startLoggedProcess(db, ['--smtp-url', smtp.url]);
      try {
        const response = await fetch(`${collector.url}${LEADS}/create`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${secret_key}` },
          body: JSON.stringify({ name: 'Grace Hopper', email: 'grace@navy.example' }),
        });
        expect(response.status).toBe(201);
        await waitFor(() => smtp.mails.length > 0, 15_000, 'the mail');
        expect(smtp.mails.map((m) => [m.to, m.subject])).toEqual([
          [['inbox@example.com'], 'New lead: Grace Hopper <grace@navy.example>'],
        ]);
        // Nothing of the mail or the SMTP password in the collector's output.
        expect(collector.stdout() + collector.stderr()).not.toMatch(/grace@navy|secret@|owner:secret/);
      } finally {
        await collector.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
