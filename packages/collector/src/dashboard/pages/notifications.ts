/**
 * Notifications: the site's endpoints (signed webhooks, Slack, email), each with its state and its latest deliveries;
 * adding one (a webhook's signing secret is shown on the answer to its adding), a test send, resending a delivery,
 * turning an endpoint that was turned off back on, removing one.
 */
import { html } from 'hono/html';
import { targetOf } from '../../core/notify/message.ts';
import { OUTBOX_EVENT_TYPES } from '../../core/outbox.ts';
import type { DeliveryOutcome, WebhookEndpoint } from '../../store/lead-store.ts';
import type { Owner } from '../auth.ts';
import { formatTime } from '../format.ts';
import { csrfField, flash, layout } from './layout.ts';

export type Delivery = DeliveryOutcome & { event_id: string; type: string };

export interface NotificationsPageData {
  owner: Owner;
  endpoints: (Omit<WebhookEndpoint, 'secret'> & { deliveries: Delivery[] })[];
  /** The id the add form creates its endpoint with: sending the form twice adds one endpoint. */
  newId: string;
  /** A webhook just added: its signing secret. */
  added?: { id: string; secret: string | null } | null;
  /** Whether this collector has an SMTP server (email endpoints wait for one that has). */
  canMail: boolean;
  info?: string | null;
  error?: string | null;
}

const FORMAT_NAMES = { standard: 'Webhook (signed)', slack: 'Slack', email: 'Email' } as const;

function state(endpoint: NotificationsPageData['endpoints'][number]) {
  if (endpoint.disabled_at) {
    return html`<span class="bad">off since ${formatTime(endpoint.disabled_at)}: ${endpoint.disabled_reason}</span>`;
  }
  if (endpoint.failing_since) return html`<span class="bad">failing since ${formatTime(endpoint.failing_since)}</span>`;
  return 'live';
}

function deliveryRow(owner: Owner, endpoint: WebhookEndpoint | Omit<WebhookEndpoint, 'secret'>, d: Delivery) {
  const answer = d.last_error ?? (d.last_status ? String(d.last_status) : '');
  const resend = endpoint.disabled_at
    ? ''
    : html`<form method="post" action="/setup/notifications/${endpoint.id}/deliveries/${d.event_id}/resend">${csrfField(owner)}<button type="submit">Resend</button></form>`;
  return html`<tr data-event-id="${d.event_id}">
  <td>${d.type}</td>
  <td class="status-${d.status}">${d.status}</td>
  <td>${d.attempts}</td>
  <td>${answer}</td>
  <td class="nowrap">${formatTime(d.updated_at)}</td>
  <td>${resend}</td>
</tr>`;
}

function endpointCard(data: NotificationsPageData, endpoint: NotificationsPageData['endpoints'][number]) {
  const { owner } = data;
  const action = (verb: string, label: string, extra = '') =>
    html`<form method="post" action="/setup/notifications/${endpoint.id}/${verb}" ${extra ? html`data-confirm="${extra}"` : ''}>${csrfField(owner)}<button type="submit"${verb === 'remove' ? html` class="danger"` : ''}>${label}</button></form>`;
  return html`<section class="card endpoint" aria-labelledby="ep-${endpoint.id}" data-endpoint-id="${endpoint.id}">
  <h2 id="ep-${endpoint.id}">${FORMAT_NAMES[endpoint.format]}: <code>${targetOf(endpoint.url)}</code></h2>
  <dl class="fields">
    <dt>Events</dt><dd>${(endpoint.events ?? ['all']).join(', ')}</dd>
    <dt>State</dt><dd>${state(endpoint)}</dd>
    <dt>Added</dt><dd>${formatTime(endpoint.created_at)}</dd>
  </dl>
  <div class="inline-form">
    ${endpoint.disabled_at ? action('enable', 'Turn on') : action('test', 'Send a test')}
    ${action('remove', 'Remove', `Remove this ${FORMAT_NAMES[endpoint.format].toLowerCase()} endpoint? Its delivery log goes with it.`)}
  </div>
  ${
    endpoint.deliveries.length
      ? html`<div class="table-wrap" tabindex="0" role="region" aria-label="Latest deliveries"><table>
    <caption class="muted small">Latest deliveries</caption>
    <thead><tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last answer</th><th scope="col">When</th><th scope="col"><span class="muted">Action</span></th></tr></thead>
    <tbody>${endpoint.deliveries.map((d) => deliveryRow(owner, endpoint, d))}</tbody>
  </table></div>`
      : html`<p class="muted small">No deliveries yet.</p>`
  }
</section>`;
}

function addForm(data: NotificationsPageData) {
  const { owner } = data;
  return html`<section class="card" aria-labelledby="add-h">
  <h2 id="add-h">Add an endpoint</h2>
  <p class="muted small">A signed webhook gets every event as JSON, signed per Standard Webhooks (verify it with the
    secret shown when you add it); Slack takes an incoming-webhook URL; email takes one address and gets a short mail
    per new lead${data.canMail ? '' : html` (mail is sent by a collector started with <code>--smtp-url</code>: this one has none)`}.</p>
  <form method="post" action="/setup/notifications">
    ${csrfField(owner)}
    <input type="hidden" name="id" value="${data.newId}">
    <p><label class="muted small" for="format">Kind</label>
    <select id="format" name="format">
      <option value="standard">Webhook (signed)</option>
      <option value="slack">Slack</option>
      <option value="email">Email</option>
    </select></p>
    <p><label class="muted small" for="target">URL or email address</label>
    <input id="target" name="target" type="text" class="code" spellcheck="false" autocomplete="off" required
      placeholder="https://example.com/hooks/leadtrail or owner@example.com"></p>
    <fieldset><legend class="muted small">Events (none ticked: all; email: new leads)</legend>
      ${OUTBOX_EVENT_TYPES.map(
        (type) => html`<label class="check"><input type="checkbox" name="event:${type}" value="1"> ${type}</label>`,
      )}
    </fieldset>
    <p><button class="primary" type="submit">Add endpoint</button></p>
  </form>
</section>`;
}

export function notificationsPage(data: NotificationsPageData) {
  const off = data.endpoints.filter((e) => e.disabled_at);
  return layout({
    title: 'Notifications',
    owner: data.owner,
    nav: 'setup',
    body: html`<h1>Notifications</h1>
<p><a href="/setup">← Setup</a></p>
${flash('ok', data.info)}${flash('error', data.error)}
${off.map((e) =>
  flash('error', `${FORMAT_NAMES[e.format]} endpoint ${targetOf(e.url)} was turned off: ${e.disabled_reason}`),
)}
${
  data.added?.secret
    ? html`<div class="key-once" role="status" id="new-secret">
  <p><strong>Signing secret of the webhook you added, shown only on this answer:</strong></p>
  <p><code id="new-secret-value">${data.added.secret}</code></p>
  <p class="small">Your receiver verifies each request's <code>webhook-signature</code> with it (docs/notifications.md).</p>
</div>`
    : ''
}
${data.endpoints.map((e) => endpointCard(data, e))}
${addForm(data)}`,
  });
}
