/** Sign-in: the site's secret key, or the site id and the owner password set with `leadtrail sites password`. */
import { html } from 'hono/html';
import { flash, layout } from './layout.ts';

export function loginPage(
  opts: { error?: string | null; siteId?: string; info?: string | null; next?: string | null } = {},
) {
  const next = opts.next ? html`<input type="hidden" name="next" value="${opts.next}">` : '';
  return layout({
    title: 'Sign in',
    body: html`<div class="login">
  <h1>Sign in to your leads</h1>
  ${flash('error', opts.error)}${flash('ok', opts.info)}
  <form class="card" method="post" action="/login" id="key-login">
    <input type="hidden" name="method" value="key">${next}
    <div class="field">
      <label for="key">Secret key</label>
      <input id="key" name="key" type="password" autocomplete="off" spellcheck="false" placeholder="lt_sk_…" required>
    </div>
    <p class="muted small">The <code>lt_sk_…</code> key printed when the site was created (or made with
      <code>leadtrail keys create</code>). Publishable keys cannot sign in.</p>
    <button class="primary" type="submit">Sign in with key</button>
  </form>
  <p class="or">or, with an owner password</p>
  <form class="card" method="post" action="/login" id="password-login">
    <input type="hidden" name="method" value="password">${next}
    <div class="field">
      <label for="site_id">Site id</label>
      <input id="site_id" name="site_id" autocomplete="username" spellcheck="false" value="${opts.siteId ?? ''}" required>
    </div>
    <div class="field">
      <label for="password">Owner password</label>
      <input id="password" name="password" type="password" autocomplete="current-password" required>
    </div>
    <p class="muted small">Set it on the server with <code>leadtrail sites password --site SITE_ID</code>.</p>
    <button class="primary" type="submit">Sign in with password</button>
  </form>
</div>`,
  });
}
