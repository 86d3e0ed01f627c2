/**
 * Setup: the script tag to paste into pages (whole, with the site's newest publishable key), the site's allowed
 * origins (edit), its keys (create, revoke). A secret key is stored hashed, so it is shown once, on the answer to its
 * creation; publishable keys are public by design and kept whole.
 */
import { html } from 'hono/html';
import type { ApiKey } from '../../store/lead-store.ts';
import type { Owner } from '../auth.ts';
import { formatTime } from '../format.ts';
import { csrfField, flash, layout } from './layout.ts';

export interface SetupPageData {
  owner: Owner;
  keys: ApiKey[];
  hasPassword: boolean;
  /** The newest live publishable key kept whole (null: none is). */
  tagKey: string | null;
  /** The id the new-key form creates its key with (sending the form twice creates one). */
  newKeyId: string;
  /** The collector's public origin, where pages load the script from. */
  collectorOrigin: string;
  /** A secret key just created: shown this once. */
  created?: { key: string; kind: ApiKey['kind'] } | null;
  info?: string | null;
  error?: string | null;
  /** The origins as typed, when saving them failed. */
  draftOrigins?: string;
}

export const scriptTag = (collectorOrigin: string, publishableKey: string) =>
  `<script src="${collectorOrigin}/leadtrail.js" data-key="${publishableKey}" defer></script>`;

function snippet(data: SetupPageData) {
  const livePublishable = data.keys.some((k) => k.kind === 'publishable' && !k.revoked_at);
  return html`<section class="card" aria-labelledby="snippet-h">
  <h2 id="snippet-h">Script tag</h2>
  ${
    data.tagKey
      ? html`<p>Paste this into the <code>&lt;head&gt;</code> of every page of your site. Forms are captured when sent;
    the visitor's pages stay in their browser until then.</p>
  <div class="copy-row"><pre id="script-tag">${scriptTag(data.collectorOrigin, data.tagKey)}</pre>
    <button type="button" data-copy="script-tag" hidden>Copy</button></div>
  <p class="muted small">Publishable keys can only send leads from your allowed origins, and read nothing back.</p>`
      : html`<p id="no-tag">${
          livePublishable
            ? 'This site’s live publishable keys are stored as hashes only, so no tag can be shown with them.'
            : 'This site has no live publishable key.'
        } Create a publishable key below: the tag then shows here, whole.</p>`
  }
</section>`;
}

function origins(data: SetupPageData) {
  const value = data.draftOrigins ?? data.owner.site.allowed_origins.join('\n');
  return html`<section class="card" aria-labelledby="origins-h">
  <h2 id="origins-h">Allowed origins</h2>
  <p class="muted small">The sites whose pages may send leads with a publishable key, one per line, like
    <code>https://www.example.com</code>. Anything else is refused.</p>
  <form method="post" action="/setup/origins">
    ${csrfField(data.owner)}
    <label class="muted small" for="origins">Origins</label>
    <textarea id="origins" name="origins" class="code" rows="4" spellcheck="false">${value}</textarea>
    <p><button class="primary" type="submit">Save origins</button></p>
  </form>
</section>`;
}

function keyRow(owner: Owner, key: ApiKey) {
  const current = owner.claims.method === 'key' && owner.claims.ref === key.id;
  const revoke = key.revoked_at
    ? ''
    : html`<form method="post" action="/setup/keys/${key.id}/revoke" data-confirm="Revoke ${key.prefix}…? Anything using it stops working at once.">${csrfField(owner)}<button class="danger" type="submit">Revoke</button></form>`;
  return html`<tr data-key-id="${key.id}">
  <td><code>${key.prefix}…</code>${current ? html` <span class="device">this session</span>` : ''}</td>
  <td>${key.kind}</td>
  <td class="nowrap">${formatTime(key.created_at)}</td>
  <td>${key.revoked_at ? html`<span class="muted">revoked ${formatTime(key.revoked_at)}</span>` : 'live'}</td>
  <td>${revoke}</td>
</tr>`;
}

function keys(data: SetupPageData) {
  const { owner } = data;
  return html`<section class="card" aria-labelledby="keys-h">
  <h2 id="keys-h">Keys</h2>
  <p class="muted small">Secret keys (<code>lt_sk_</code>) are for your servers, AI agents and this dashboard: keep
    them private. Publishable keys (<code>lt_pk_</code>) go into the script tag.</p>
  ${
    data.created
      ? html`<div class="key-once" role="status" id="new-key">
    <p><strong>New ${data.created.kind} key, shown only this once:</strong></p>
    <p><code id="new-key-value">${data.created.key}</code></p>
    <p class="small">Copy it now: it is stored hashed and cannot be shown again.</p>
  </div>`
      : ''
  }
  <div class="table-wrap" tabindex="0" role="region" aria-label="Keys table"><table>
    <thead><tr><th scope="col">Key</th><th scope="col">Kind</th><th scope="col">Created</th><th scope="col">State</th><th scope="col"><span class="muted">Action</span></th></tr></thead>
    <tbody>${data.keys.map((k) => keyRow(owner, k))}</tbody>
  </table></div>
  <form class="inline-form" method="post" action="/setup/keys">
    ${csrfField(owner)}
    <input type="hidden" name="request" value="${data.newKeyId}">
    <label class="muted small" for="kind">New key</label>
    <select id="kind" name="kind">
      <option value="publishable">publishable</option>
      <option value="secret">secret</option>
    </select>
    <button class="primary" type="submit">Create key</button>
  </form>
</section>`;
}

function notifications() {
  return html`<section class="card" aria-labelledby="notify-h">
  <h2 id="notify-h">Notifications</h2>
  <p>Hear of each new lead at once: a signed webhook for your CRM or automation, a Slack channel, an email inbox.
    <a href="/setup/notifications">Set up notifications</a>, send a test, see the latest deliveries.</p>
</section>`;
}

function site(data: SetupPageData) {
  const { site } = data.owner;
  return html`<section class="card" aria-labelledby="site-h">
  <h2 id="site-h">Site</h2>
  <dl class="fields">
    <dt>Name</dt><dd>${site.name}</dd>
    <dt>Site id</dt><dd><code id="site-id">${site.id}</code></dd>
    <dt>Owner password</dt><dd>${data.hasPassword ? 'set' : 'not set'} <span class="muted small">(set or change it on the server: <code>leadtrail sites password --site ${site.id}</code>)</span></dd>
  </dl>
</section>`;
}

export function setupPage(data: SetupPageData) {
  return layout({
    title: 'Setup',
    owner: data.owner,
    nav: 'setup',
    body: html`<h1>Setup</h1>
${flash('ok', data.info)}${flash('error', data.error)}
${snippet(data)}
${origins(data)}
${keys(data)}
${notifications()}
${site(data)}`,
  });
}
