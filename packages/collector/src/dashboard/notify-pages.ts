/**
 * The notifications page and its changes: adding an endpoint (a webhook, Slack or an email address), a test send,
 * resending a delivery, turning an endpoint back on, removing one. Every change names an endpoint of the owner's site;
 * another site's endpoint is not found. The rules are the core's (core/notify/webhooks.ts).
 */
import { isUuid } from '@leadtrail/protocol';
import { Hono } from 'hono';
import { LeadsError } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import {
  addEmailRecipient,
  addWebhook,
  listWebhooks,
  resendDelivery,
  sendTest,
  siteEndpoint,
  WEBHOOK_FORMATS,
} from '../core/notify/webhooks.ts';
import { OUTBOX_EVENT_TYPES } from '../core/outbox.ts';
import { type DashContext, type DashEnv, type Deps, formText } from './context.ts';
import { requireOwner } from './guard.ts';
import { type NotificationsPageData, notificationsPage } from './pages/notifications.ts';

const DONE: Record<string, string> = {
  added: 'Endpoint added.',
  test: 'Test queued: it shows in the endpoint’s deliveries in a moment.',
  resent: 'Delivery queued again, with its webhook-id unchanged.',
  enabled: 'Endpoint turned on: new events go to it again.',
  removed: 'Endpoint removed.',
};

const DELIVERIES_SHOWN = 10;

export function notifyPagesApp(deps: Deps, options: { canMail: boolean }) {
  const app = new Hono<DashEnv>();
  const guard = requireOwner(deps);
  const { store } = deps.options;

  async function render(
    c: DashContext,
    extra: Partial<NotificationsPageData> = {},
    status: 200 | 201 | 400 | 404 = 200,
  ) {
    const siteId = c.get('owner').site.id;
    const endpoints = await Promise.all(
      (await listWebhooks(store, siteId)).map(async (endpoint) => ({
        ...endpoint,
        deliveries: await store.listDeliveries(endpoint.id, DELIVERIES_SHOWN),
      })),
    );
    const data = { owner: c.get('owner'), endpoints, newId: uuidv7(), canMail: options.canMail, ...extra };
    return c.html(notificationsPage(data), status);
  }
  const notFound = (c: DashContext) => render(c, { error: 'This site has no such endpoint or delivery.' }, 404);
  const done = (c: DashContext, what: keyof typeof DONE) => c.redirect(`/setup/notifications?done=${what}`, 303);

  app.get('/setup/notifications', guard, (c) => render(c, { info: DONE[c.req.query('done') ?? ''] ?? null }));

  app.post('/setup/notifications', guard, async (c) => {
    const form = c.get('form');
    const siteId = c.get('owner').site.id;
    const id = formText(form, 'id').toLowerCase();
    if (!isUuid(id)) return render(c, { error: 'The form is out of date: reload the page.' }, 400);
    const format = formText(form, 'format');
    const target = formText(form, 'target').trim();
    const events = OUTBOX_EVENT_TYPES.filter((type) => formText(form, `event:${type}`) === '1');
    // The same form sent again (a reload of the answer) adds nothing and gives the same answer.
    const existing = await store.getWebhookEndpoint(id);
    if (existing) {
      if (existing.site_id !== siteId) return render(c, { error: 'The form is out of date: reload the page.' }, 400);
      const secret = existing.format === 'standard' ? existing.secret : null;
      return render(c, { added: { id, secret }, info: DONE.added ?? null }, 201);
    }
    try {
      if (format === 'email') {
        await addEmailRecipient(store, siteId, target, events, id);
        return done(c, 'added');
      }
      if (!(WEBHOOK_FORMATS as readonly string[]).includes(format))
        throw new LeadsError('invalid_input', 'Choose a kind');
      const added = await addWebhook(store, siteId, {
        url: target,
        format: format as (typeof WEBHOOK_FORMATS)[number],
        events,
        id,
      });
      if (format === 'slack') return done(c, 'added');
      return render(c, { added: { id, secret: added.secret }, info: DONE.added ?? null }, 201);
    } catch (error) {
      if (!(error instanceof LeadsError)) throw error;
      return render(c, { error: `${error.message}. Nothing was added.` }, 400);
    }
  });

  app.post('/setup/notifications/:id/test', guard, async (c) =>
    (await sendTest(store, c.get('owner').site.id, c.req.param('id'))) ? done(c, 'test') : notFound(c),
  );

  app.post('/setup/notifications/:id/deliveries/:event/resend', guard, async (c) => {
    const resent = await resendDelivery(store, c.get('owner').site.id, c.req.param('id'), c.req.param('event'));
    return resent ? done(c, 'resent') : notFound(c);
  });

  app.post('/setup/notifications/:id/enable', guard, async (c) => {
    const siteId = c.get('owner').site.id;
    const endpoint = await siteEndpoint(store, siteId, c.req.param('id'));
    return endpoint && (await store.enableWebhookEndpoint(siteId, endpoint.id)) ? done(c, 'enabled') : notFound(c);
  });

  app.post('/setup/notifications/:id/remove', guard, async (c) => {
    const siteId = c.get('owner').site.id;
    const endpoint = await siteEndpoint(store, siteId, c.req.param('id'));
    return endpoint && (await store.removeWebhookEndpoint(siteId, endpoint.id)) ? done(c, 'removed') : notFound(c);
  });
  return app;
}
