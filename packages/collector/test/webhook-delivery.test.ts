/**
 * Webhook delivery against a real local receiver that verifies signatures with its own HMAC (not the collector's
 * code): a new lead arrives signed, with the same webhook-id on a retry after the receiver failed; 410 disables the
 * endpoint; a private target is refused unless allowed; Slack endpoints get an escaped message.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSite, startTestCollector, type TestSite } from '../../../test/support/collector.ts';
import { openSqliteTestStore, type StoreHandle } from '../../../test/support/stores.ts';
import { contextFor } from '../src/core/context.ts';
import { deliverDue } from '../src/core/notify/deliver.ts';
import { postWebhook } from '../src/core/notify/send.ts';
import { isPrivateAddress } from '../src/core/notify/target-guard.ts';
import { runLeadsAction } from '../src/core/run-action.ts';

const SECRET_BYTES = Buffer.from('a receiver and a sender share this key');
const SECRET = `whsec_${SECRET_BYTES.toString('base64')}`;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  valid: boolean;
}

let handle: StoreHandle;
let site: TestSite;
let receiver: Server;
let url: string;
const received: Received[] = [];
/** The receiver's next answers (then 204). */
const answers: number[] = [];

/** The receiver's own check, written from the spec: v1 = base64 HMAC-SHA256 of "id.timestamp.body". */
const verify = (headers: IncomingHttpHeaders, body: string) => {
  const expected = createHmac('sha256', SECRET_BYTES)
    .update(`${headers['webhook-id']}.${headers['webhook-timestamp']}.${body}`)
    .digest('base64');
  return String(headers['webhook-signature'] ?? '')
    .split(' ')
    .includes(`v1,${expected}`);
};

beforeAll(async () => {
  handle = await openSqliteTestStore();
  site = await createTestSite(handle.store);
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body, valid: verify(req.headers, body) });
      res.writeHead(answers.shift() ?? 204);
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
});
afterAll(async () => {
  receiver?.close();
  await handle?.cleanup();
});

const owner = async () => contextFor(handle.store, (await handle.store.getSite(site.siteId))!, 'secret');
const addEndpoint = async (format: 'standard' | 'slack' = 'standard', target = url) => {
  const endpoint = {
    id: crypto.randomUUID(),
    site_id: site.siteId,
    url: target,
    format,
    events: null,
    secret: SECRET,
    created_at: new Date().toISOString(),
  };
  await handle.store.addWebhookEndpoint(endpoint);
  return endpoint;
};
const removeEndpoint = (id: string) => handle.store.removeWebhookEndpoint(site.siteId, id);
const options = { allowPrivateTargets: true, retryDelaysMs: [1, 1] };
/** Sends what is due until nothing is (retries are 1 ms apart here). */
const drain = async (opts = options) => {
  for (let i = 0; i < 10; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (!(await deliverDue(handle.store, opts))) return;
  }
};

describe('webhook delivery', () => {
  it('delivers a new lead signed, and the same webhook-id again after the receiver failed', async () => {
    const endpoint = await addEndpoint();
    received.length = 0;
    answers.push(503);
    const email = `ada.${crypto.randomUUID()}@example.com`;
    await runLeadsAction(await owner(), { action: 'create', name: 'Ada', email });
    await drain();
    expect(received).toHaveLength(2);
    expect(received.every((r) => r.valid)).toBe(true);
    expect(received[1]!.headers['webhook-id']).toBe(received[0]!.headers['webhook-id']);
    expect(received[0]!.headers['webhook-id']).toMatch(/^msg_/);
    const payload = JSON.parse(received[1]!.body);
    expect(payload).toMatchObject({ type: 'lead.created', data: { lead: { email, name: 'Ada' } } });
    const [delivery] = await handle.store.listDeliveries(endpoint.id, 5);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2, last_status: 204 });
    await removeEndpoint(endpoint.id);
  });

  it('fails a delivery after the last retry, and 410 disables the endpoint', async () => {
    const failing = await addEndpoint();
    answers.push(500, 500, 500);
    await runLeadsAction(await owner(), { action: 'create', name: 'Bo', email: `bo.${crypto.randomUUID()}@x.test` });
    await drain();
    expect((await handle.store.listDeliveries(failing.id, 5))[0]).toMatchObject({
      status: 'failed',
      attempts: 3,
      last_error: 'HTTP 500',
    });
    await removeEndpoint(failing.id);

    const gone = await addEndpoint();
    answers.push(410);
    await runLeadsAction(await owner(), { action: 'create', name: 'Cy', email: `cy.${crypto.randomUUID()}@x.test` });
    await drain();
    const [endpoint] = (await handle.store.listWebhookEndpoints(site.siteId)).filter((e) => e.id === gone.id);
    expect(endpoint!.disabled_reason).toContain('410');
    // Disabled: later events make no delivery for it.
    await runLeadsAction(await owner(), { action: 'create', name: 'Di', email: `di.${crypto.randomUUID()}@x.test` });
    expect(await handle.store.listDeliveries(gone.id, 5)).toHaveLength(1);
    await removeEndpoint(gone.id);
  });

  it('turns off an endpoint failing for 5 days and tells the site’s other endpoints, whatever events they take', async () => {
    // Nothing listens on port 9: every attempt is a refused connection.
    const dead = await addEndpoint('standard', 'http://127.0.0.1:9/hooks');
    const slack = { ...(await addEndpoint('slack')) };
    await handle.store.removeWebhookEndpoint(site.siteId, slack.id);
    await handle.store.addWebhookEndpoint({ ...slack, events: ['lead.status_changed'] });
    received.length = 0;
    const logged: Record<string, unknown>[] = [];
    let start = 0;
    const at = (days: number) => () => new Date(start + days * 86_400_000);
    const opts = {
      allowPrivateTargets: true,
      retryDelaysMs: [1, 1, 1, 1],
      log: (e: Record<string, unknown>) => logged.push(e),
    };
    await runLeadsAction(await owner(), { action: 'create', name: 'Hal', email: `hal.${crypto.randomUUID()}@x.test` });
    start = Date.now() + 1;
    await deliverDue(handle.store, { ...opts, now: at(0) });
    expect((await handle.store.getWebhookEndpoint(dead.id))!.failing_since).toBe(new Date(start).toISOString());
    // Four days on, still failing: still on.
    await deliverDue(handle.store, { ...opts, now: at(4) });
    expect((await handle.store.getWebhookEndpoint(dead.id))!.disabled_at).toBeNull();
    await deliverDue(handle.store, { ...opts, now: at(5.01) });
    const off = await handle.store.getWebhookEndpoint(dead.id);
    expect(off!.disabled_reason).toMatch(/^every attempt failed since \d{4}-\d\d-\d\d \(last: .*ECONNREFUSED/);
    expect(logged).toEqual([
      { event: 'webhook_disabled', webhook_id: dead.id, site_id: site.siteId, reason: off!.disabled_reason },
    ]);
    // The Slack endpoint (which takes only status changes) hears of it, and nothing of the lead.
    await deliverDue(handle.store, { ...opts, now: at(5.02) });
    expect(received).toHaveLength(1);
    const { text } = JSON.parse(received[0]!.body);
    expect(text).toContain('*A notification endpoint was turned off*');
    expect(text).toContain('Endpoint: http://127.0.0.1:9/hooks');
    expect(text).toContain('every attempt failed since');
    expect(text).not.toContain('Hal');
    await removeEndpoint(dead.id);
    await removeEndpoint(slack.id);
  });

  it('gives up on a receiver that trickles its answer past the time limit, whatever it sends meanwhile', async () => {
    const trickle = createServer((_req, res) => {
      res.writeHead(200);
      const drip = setInterval(() => res.write('.'), 100);
      res.on('close', () => clearInterval(drip));
    });
    await new Promise<void>((resolve) => trickle.listen(0, '127.0.0.1', resolve));
    try {
      const result = await postWebhook(`http://127.0.0.1:${(trickle.address() as AddressInfo).port}/`, {}, '{}', {
        allowPrivate: true,
        timeoutMs: 500,
      });
      // The receiver never stops: without a bound on the whole attempt (not only the socket's idle time) this hangs.
      expect(result).toEqual({ error: 'timed out' });
    } finally {
      trickle.closeAllConnections();
      trickle.close();
    }
  });

  it('refuses a private or loopback target unless the collector allows them', async () => {
    const endpoint = await addEndpoint();
    received.length = 0;
    await runLeadsAction(await owner(), { action: 'create', name: 'Ed', email: `ed.${crypto.randomUUID()}@x.test` });
    await deliverDue(handle.store, { allowPrivateTargets: false });
    expect(received).toEqual([]);
    expect((await handle.store.listDeliveries(endpoint.id, 5))[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: expect.stringContaining('private'),
    });
    const byName = await addEndpoint('standard', url.replace('127.0.0.1', 'localhost'));
    await runLeadsAction(await owner(), { action: 'create', name: 'Fay', email: `fay.${crypto.randomUUID()}@x.test` });
    await new Promise((resolve) => setTimeout(resolve, 10));
    await deliverDue(handle.store, { allowPrivateTargets: false });
    expect(received).toEqual([]);
    expect((await handle.store.listDeliveries(byName.id, 5))[0]!.last_error).toContain('private');
    for (const address of [
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fd00::1',
      '::ffff:127.0.0.1',
    ])
      expect(isPrivateAddress(address), address).toBe(true);
    for (const address of ['93.184.216.34', '2606:4700::1111']) expect(isPrivateAddress(address), address).toBe(false);
    await removeEndpoint(endpoint.id);
    await removeEndpoint(byName.id);
  });

  it('sends Slack endpoints a readable message, with what the visitor typed escaped', async () => {
    const endpoint = await addEndpoint('slack');
    received.length = 0;
    await runLeadsAction(await owner(), {
      action: 'create',
      name: '<!channel> Mallory',
      email: `mallory.${crypto.randomUUID()}@x.test`,
      company: 'Evil <https://evil.test|Corp>',
    });
    await deliverDue(handle.store, { ...options, dashboardUrl: 'https://leads.example.com/' });
    expect(received).toHaveLength(1);
    const { text } = JSON.parse(received[0]!.body);
    expect(text).toContain('*New lead*: &lt;!channel&gt; Mallory');
    expect(text).toContain('Evil &lt;https://evil.test|Corp&gt;');
    expect(text).toMatch(/<https:\/\/leads\.example\.com\/leads\/[\w-]+\|Open the lead>/);
    expect(received[0]!.headers['webhook-signature']).toBeUndefined();
    await removeEndpoint(endpoint.id);
  });

  it('runs in a collector on its own, moments after the change', async () => {
    const collector = await startTestCollector(handle.store, { allowPrivateWebhookTargets: true });
    try {
      const endpoint = {
        id: crypto.randomUUID(),
        site_id: collector.site.siteId,
        url,
        format: 'standard' as const,
        events: ['lead.status_changed'],
        secret: SECRET,
        created_at: new Date().toISOString(),
      };
      await handle.store.addWebhookEndpoint(endpoint);
      received.length = 0;
      const created = await collector.call('create', { name: 'Gil', email: `gil.${crypto.randomUUID()}@x.test` });
      await collector.call('qualify', { lead_id: created.body.lead.id, status: 'qualified' });
      for (let i = 0; i < 100 && received.length < 1; i++) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(received.map((r) => [JSON.parse(r.body).type, r.valid])).toEqual([['lead.status_changed', true]]);
    } finally {
      await collector.close();
    }
  });
});
