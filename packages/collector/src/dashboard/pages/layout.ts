/** The page frame: head (stylesheet and script from the collector itself), top bar with navigation and sign-out. */
import { html } from 'hono/html';
import { assetUrl } from '../assets.ts';
import type { Owner } from '../auth.ts';
import { CSRF_FIELD } from '../csrf.ts';

export type Html = ReturnType<typeof html>;

export interface LayoutOptions {
  title: string;
  owner?: Owner | null;
  nav?: 'leads' | 'setup';
  body: Html;
}

/** The hidden CSRF field every form of a signed-in page carries. */
export const csrfField = (owner: Owner) => html`<input type="hidden" name="${CSRF_FIELD}" value="${owner.csrf}">`;

export function flash(kind: 'ok' | 'error', message: string | null | undefined) {
  return message
    ? html`<div class="flash ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${message}</div>`
    : '';
}

export function layout({ title, owner, nav, body }: LayoutOptions) {
  const current = (name: LayoutOptions['nav']) => (nav === name ? html` aria-current="page"` : '');
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<link rel="icon" href="data:,">
<title>${title} · leadtrail</title>
<link rel="stylesheet" href="${assetUrl('/dashboard.css')}">
<script src="${assetUrl('/dashboard.js')}" defer></script>
</head>
<body>
<header class="topbar"><div class="inner">
  <a class="brand" href="/">leadtrail${owner ? html`<small>${owner.site.name}</small>` : ''}</a>
  ${
    owner
      ? html`<nav aria-label="Dashboard"><a href="/leads"${current('leads')}>Leads</a><a href="/setup"${current('setup')}>Setup</a></nav>
  <form method="post" action="/logout">${csrfField(owner)}<button type="submit">Sign out</button></form>`
      : ''
  }
</div></header>
<main>
${body}
</main>
</body>
</html>`;
}
