/** Plain error pages: refused (CSRF), not found, too many attempts, and the unexpected. */
import { html } from 'hono/html';
import type { Owner } from '../auth.ts';
import { layout } from './layout.ts';

export function errorPage(opts: { owner?: Owner | null; title: string; message: string; back?: string }) {
  return layout({
    title: opts.title,
    owner: opts.owner ?? null,
    body: html`<div class="card">
  <h1>${opts.title}</h1>
  <p>${opts.message}</p>
  <p><a class="button" href="${opts.back ?? '/'}">Back</a></p>
</div>`,
  });
}

/** The answer to a lead id the signed-in site does not have (another site's, a deleted one, or none). */
export const leadNotFoundPage = (owner: Owner) =>
  errorPage({ owner, title: 'Lead not found', message: 'This site has no such lead.', back: '/leads' });
