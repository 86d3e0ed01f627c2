/**
 * The dashboard's notifications page over HTTP: adding a signed webhook (its secret on the answer; the same form sent
 * again adds nothing), Slack and email endpoints, bad targets refused with nothing added, a test send that a real
 * receiver gets signed, the deliveries with status and attempts, resending one with the same webhook-id, an endpoint
 * turned off shown with its reason and turned back on, removing one; another site's endpoints stay out of reach.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSite } from '../../../test/support/collector.ts';
import { signedInDashboard } from '../../../test/support/dashboard.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../../test/support/receivers.ts';
import type { StoreHandle } from '../../../test/support/stores.ts';
import type { createApp } from '../src/app.ts';
import { deliverDue } from '../src/core/notify/deliver.ts';

const ORIGIN = 'http://collector.test';
let handle: StoreHandle;
let site: TestSite;
let other: TestSite;
let app: ReturnType<typeof createApp>;
let cookie = '';
let receiver: WebhookReceiver;

beforeAll(async () => {
  ({ handle, site, other, app, cookie } = await signedInDashboard());
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await handle?.cleanup();
});

const get = async (path: string) => {
  const response = await app.request(`${ORIGIN}${path}`, { headers: { cookie }, redirect: 'manual' });
  return { status: response.status, html: await response.text() };
};
const csrf = async () => /name="_csrf" value="([^"]+)"/.exec((await get('/setup/notifications')).html)![1]!;
const post = async (path: string, fields: Record<string, string> = {}) => {
  const response = await app.request(`${ORIGIN}${path}`, {
    method: 'POST',
    headers: { cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: await csrf(), ...fields }).toString(),
    redirect: 'manual',
  });
  return { status: response.status, location: response.headers.get('location'), html: await response.text() };
};
const newId = async () => /name="id" value="([^"]+)"/.exec((await get('/setup/notifications')).html)![1]!;
const drain = async () => {
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (!(await deliverDue(handle.store, { allowPrivateTargets: true, retryDelaysMs: [1] }))) return;
  }
};

describe('the notifications page', () => {
  it('is linked from setup and needs a session', async () => {
    expect((await get('/setup')).html).toContain('href="/setup/notifications"');
    const anonymous = await app.request(`${ORIGIN}/setup/notifications`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
  });

  it('adds a signed webhook, shows its secret on the answer, and adds nothing when the form is sent again', async () => {
    const id = await newId();
    const url = `${receiver.origin}/hooks/main`;
    const added = await post('/setup/notifications', {
      id,
      format: 'standard',
      target: url,
      'event:lead.created': '1',
    });
    expect(added.status).toBe(201);
    const secret = /id="new-secret-value">(whsec_[A-Za-z0-9+/=]+)</.exec(added.html)?.[1];
    expect(secret).toBeDefined();
    receiver.secrets.set('/hooks/main', secret!);
    const again = await post('/setup/notifications', { id, format: 'standard', target: url });
    expect(again.status).toBe(201);
    expect(again.html).toContain(secret);
    const endpoints = await handle.store.listWebhookEndpoints(site.siteId);
    expect(endpoints.filter((e) => e.id === id)).toHaveLength(1);
    expect(endpoints.find((e) => e.id === id)).toMatchObject({ format: 'standard', events: ['lead.created'] });
    // The page shows it again without the secret.
    const page = (await get('/setup/notifications')).html;
    expect(page).toContain(`data-endpoint-id="${id}"`);
    expect(page).not.toContain(secret);
  });

  it('refuses bad targets with a reason and adds nothing; another site’s endpoint id is refused', async () => {
    const before = (await handle.store.listWebhookEndpoints(site.siteId)).length;
    for (const [format, target] of [
      ['standard', 'ftp://example.com/x'],
      ['standard', 'https://user:pass@example.com/'],
      ['slack', 'not a url'],
      ['email', 'two@x.com, three@x.com'],
      ['nonsense', 'https://example.com/'],
    ] as const) {
      const refused = await post('/setup/notifications', { id: await newId(), format, target });
      expect(refused.status, `${format} ${target}`).toBe(400);
      expect(refused.html).toContain('Nothing was added');
    }
    expect(
      (await post('/setup/notifications', { id: 'not-a-uuid', format: 'standard', target: 'https://x.test/' })).status,
    ).toBe(400);
    // An id another site's endpoint has: no secret of theirs, nothing added.
    const theirs = crypto.randomUUID();
    await handle.store.addWebhookEndpoint({
      id: theirs,
      site_id: other.siteId,
      url: 'https://other.example/hooks',
      format: 'standard',
      events: null,
      secret: 'whsec_dGhlaXIgc2VjcmV0IHRoZWlyIHNlY3JldA==',
      created_at: new Date().toISOString(),
    });
    const stolen = await post('/setup/notifications', { id: theirs, format: 'standard', target: 'https://x.test/' });
    expect(stolen.status).toBe(400);
    expect(stolen.html).not.toContain('whsec_dGhlaXIg');
    expect((await handle.store.listWebhookEndpoints(site.siteId)).length).toBe(before);
    // Nor can the owner test, resend, turn on or remove another site's endpoint.
    for (const verb of ['test', 'enable', 'remove']) {
      expect((await post(`/setup/notifications/${theirs}/${verb}`)).status, verb).toBe(404);
    }
    expect((await get('/setup/notifications')).html).not.toContain('other.example');
    expect(await handle.store.getWebhookEndpoint(theirs)).not.toBeNull();
  });

  it('sends a test the receiver gets signed, lists deliveries, and resends one with the same webhook-id', async () => {
    const [endpoint] = (await handle.store.listWebhookEndpoints(site.siteId)).filter((e) => e.format === 'standard');
    receiver.received.length = 0;
    const queued = await post(`/setup/notifications/${endpoint!.id}/test`);
    expect(queued).toMatchObject({ status: 303, location: '/setup/notifications?done=test' });
    await drain();
    expect(receiver.received).toHaveLength(1);
    const [first] = receiver.received;
    expect(first!.valid).toBe(true);
    expect(JSON.parse(first!.body)).toMatchObject({ type: 'webhook.test', data: { webhook: { id: endpoint!.id } } });
    const page = (await get('/setup/notifications')).html;
    const eventId = String(first!.headers['webhook-id']);
    expect(page).toMatch(
      new RegExp(
        `data-event-id="${eventId}">\\s*<td>webhook.test</td>\\s*<td class="status-delivered">delivered</td>\\s*<td>1</td>`,
      ),
    );
    const resent = await post(`/setup/notifications/${endpoint!.id}/deliveries/${eventId}/resend`);
    expect(resent.location).toBe('/setup/notifications?done=resent');
    await drain();
    expect(receiver.received.map((r) => r.headers['webhook-id'])).toEqual([eventId, eventId]);
    expect((await post(`/setup/notifications/${endpoint!.id}/deliveries/msg_nope/resend`)).status).toBe(404);
  });

  it('shows an endpoint that was turned off with its reason, and turns it back on', async () => {
    const [endpoint] = (await handle.store.listWebhookEndpoints(site.siteId)).filter((e) => e.format === 'standard');
    await handle.store.disableWebhookEndpoint(endpoint!.id, 'the endpoint answered 410 Gone', new Date().toISOString());
    const page = (await get('/setup/notifications')).html;
    expect(page).toMatch(
      /class="flash error"[^>]*>Webhook \(signed\) endpoint http:\/\/127\.0\.0\.1:\d+\/hooks\/main was turned off: the endpoint answered 410 Gone/,
    );
    expect(page).toContain(`/setup/notifications/${endpoint!.id}/enable`);
    expect((await post(`/setup/notifications/${endpoint!.id}/enable`)).location).toBe(
      '/setup/notifications?done=enabled',
    );
    expect(await handle.store.getWebhookEndpoint(endpoint!.id)).toMatchObject({ disabled_at: null });
  });

  it('adds Slack and email endpoints (email takes new leads, and the page says mail needs an SMTP server), and removes one', async () => {
    const slackId = await newId();
    const slack = await post('/setup/notifications', {
      id: slackId,
      format: 'slack',
      target: 'https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX',
    });
    expect(slack.location).toBe('/setup/notifications?done=added');
    const emailId = await newId();
    expect(
      (await post('/setup/notifications', { id: emailId, format: 'email', target: ' owner@example.com ' })).location,
    ).toBe('/setup/notifications?done=added');
    expect(await handle.store.getWebhookEndpoint(emailId)).toMatchObject({
      format: 'email',
      url: 'mailto:owner@example.com',
      events: ['lead.created'],
    });
    const page = (await get('/setup/notifications')).html;
    // A Slack URL is a secret of its own: its path is cut on the page.
    expect(page).not.toContain('XXXXSECRETXXXX');
    expect(page).toContain('owner@example.com');
    expect(page).toContain('this one has none');
    expect((await post(`/setup/notifications/${slackId}/remove`)).location).toBe('/setup/notifications?done=removed');
    expect(await handle.store.getWebhookEndpoint(slackId)).toBeNull();
    expect((await post(`/setup/notifications/${slackId}/remove`)).status).toBe(404);
  });
});
