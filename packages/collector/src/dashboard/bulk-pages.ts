/**
 * Bulk actions on the leads the owner ticked in the list: a status for all of them (through `qualify`, one lead at
 * a time, so each keeps its own history and notification), or a CSV of just those. The selection is the page's
 * (at most a page of leads); ids the site does not have are skipped and counted.
 */
import { isUuid, LEAD_STATUSES, type Lead, type LeadStatus } from '@leadtrail/protocol';
import { Hono } from 'hono';
import { LeadsError } from '../core/errors.ts';
import { type DashContext, type DashEnv, type Deps, safeNext } from './context.ts';
import { csvRow, EXPORT_COLUMNS, leadRow } from './csv.ts';
import { requireOwner } from './guard.ts';
import { leadDetail, ownerContext, setStatus } from './leads.ts';
import { errorPage } from './pages/error.ts';
import { SELECT_PREFIX } from './pages/leads.ts';
import { PAGE_SIZE } from './query.ts';

/** The flash the list shows after a bulk change (from its query, whose values are checked, never echoed raw). */
export function bulkFlash(query: Record<string, string | undefined>): string | null {
  const status = query.bulk ?? '';
  const changed = Number(query.changed);
  const skipped = Number(query.skipped ?? 0);
  if (!(LEAD_STATUSES as readonly string[]).includes(status) || !Number.isInteger(changed) || changed < 0) return null;
  const leads = (n: number) => `${n} lead${n === 1 ? '' : 's'}`;
  const rest = Number.isInteger(skipped) && skipped > 0 ? ` (${leads(skipped)} already ${status} or gone)` : '';
  return `${leads(changed)} marked ${status}${rest}.`;
}

export function bulkPagesApp(deps: Deps) {
  const app = new Hono<DashEnv>();
  const guard = requireOwner(deps);
  const ctxOf = (c: DashContext) => ownerContext(deps.options, c.get('owner').site);
  const refuse = (c: DashContext, message: string) =>
    c.html(errorPage({ owner: c.get('owner'), title: 'Nothing done', message, back: '/leads' }), 400);

  app.post('/leads/bulk', guard, async (c) => {
    const form = c.get('form');
    const ids = Object.keys(form)
      .filter((name) => name.startsWith(SELECT_PREFIX) && form[name] === '1')
      .map((name) => name.slice(SELECT_PREFIX.length).toLowerCase())
      .filter(isUuid);
    const action = typeof form.action === 'string' ? form.action : '';
    if (!ids.length) return refuse(c, 'Tick the leads to act on first.');
    if (ids.length > PAGE_SIZE) return refuse(c, `At most ${PAGE_SIZE} leads at once (one page).`);
    const ctx = ctxOf(c);
    if (action === 'export') {
      const leads = (await Promise.all(ids.map((id) => leadDetail(ctx, id)))).flatMap((d) => (d ? [d.lead] : []));
      const body = `\uFEFF${csvRow(EXPORT_COLUMNS)}${leads.map((lead: Lead) => csvRow(leadRow(lead))).join('')}`;
      return c.body(body, 200, {
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="leads-selected-${leads.length}.csv"`,
        'X-Content-Type-Options': 'nosniff',
      });
    }
    if (!(LEAD_STATUSES as readonly string[]).includes(action)) return refuse(c, 'Choose what to do with them.');
    let changed = 0;
    for (const id of ids) {
      try {
        const result = await setStatus(ctx, id, action as LeadStatus);
        if ((result.body as { status_changed?: boolean }).status_changed) changed++;
      } catch (error) {
        // Another site's id, or one deleted meanwhile: skipped, counted below.
        if (!(error instanceof LeadsError && (error.code === 'not_found' || error.code === 'invalid_input')))
          throw error;
      }
    }
    const back = safeNext(typeof form.back === 'string' ? form.back : '') ?? '/leads';
    const url = new URL(back, 'http://dashboard');
    url.searchParams.set('bulk', action);
    url.searchParams.set('changed', String(changed));
    url.searchParams.set('skipped', String(ids.length - changed));
    return c.redirect(`${url.pathname}${url.search}`, 303);
  });
  return app;
}
