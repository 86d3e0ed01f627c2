/**
 * The leads pages: the list (with its date range, counts and chart), the site's time zone, the CSV export, one lead,
 * its status and its notes.
 */
import { LEAD_STATUSES, type LeadStatus, type QualifyResponse } from '@leadtrail/protocol';
import { Hono } from 'hono';
import { firstLeadAt } from '../core/aggregates.ts';
import { LeadsError } from '../core/errors.ts';
import { setSiteTimeZone, siteTimeZone, timeZoneChoices } from '../core/time-zone.ts';
import { bulkFlash } from './bulk-pages.ts';
import { dayOf } from './calendar.ts';
import { chartAndCounts } from './chart.ts';
import { type DashContext, type DashEnv, type Deps, formText } from './context.ts';
import { exportStream } from './csv.ts';
import { DELETED } from './erasure-pages.ts';
import { requireOwner } from './guard.ts';
import {
  adoptValue,
  leadDetail,
  listLeads,
  listPage,
  ownerContext,
  setNotes,
  setStatus,
  sourceBreakdown,
  statusCounts,
} from './leads.ts';
import { errorPage, leadNotFoundPage } from './pages/error.ts';
import { leadPage } from './pages/lead.ts';
import { leadsPage } from './pages/leads.ts';
import { filterInput, listFilters, parseFilters } from './query.ts';
import { rangeProblem, resolveRange } from './range.ts';

const EXPORT_PAGE = 500;
/** Intl's list of zones, read once. */
const ZONES = timeZoneChoices();

const DONE: Record<string, string> = {
  status: 'Status updated.',
  notes: 'Notes saved.',
  adopted: 'Value saved to the lead.',
  contact: 'Contact details saved; the history keeps what they were.',
};

/** A refusal of the core (bad input) as a sentence for the page; anything else is not ours to explain. */
export function refusalText(error: unknown): string | null {
  if (!(error instanceof LeadsError) || error.code !== 'invalid_input') return null;
  const issues = error.extra.issues ?? [];
  return issues.length ? issues.map((i) => `${i.path || 'input'} ${i.message}`).join('; ') : error.message;
}

export function leadPagesApp(deps: Deps) {
  const app = new Hono<DashEnv>();
  const guard = requireOwner(deps);
  const ctxOf = (c: DashContext) => ownerContext(deps.options, c.get('owner').site);
  const notFound = (c: DashContext) => c.html(leadNotFoundPage(c.get('owner')), 404);

  app.get('/', guard, (c) => c.redirect('/leads', 303));

  /** The list's filters, with its date range resolved in the site's time zone at this moment. */
  const listView = async (c: DashContext) => {
    const filters = parseFilters(c.req.query());
    const zone = await siteTimeZone(deps.options.store, c.get('owner').site.id);
    const now = deps.now();
    return { filters, zone, now, range: resolveRange(filters.range, zone.zone, now) };
  };

  app.get('/leads', guard, async (c) => {
    const owner = c.get('owner');
    const { filters, zone, now, range } = await listView(c);
    const ctx = ctxOf(c);
    const info = c.req.query('done') === 'deleted' ? DELETED : bulkFlash(c.req.query());
    const page = { owner, info, filters, range, zone: { name: zone.zone, chosen: zone.chosen, choices: ZONES } };
    const refused = (error: string) =>
      c.html(
        leadsPage({ ...page, siteEmpty: false, counts: null, chart: null, sources: null, list: null, error }),
        400,
      );
    const problem = rangeProblem(filters.range);
    if (problem) return refused(problem);
    try {
      // The chart and the breakdown by source head the first page only, not every page of a long list; there the
      // tiles come from the chart's counts, elsewhere from their own.
      const first = filters.page === 1;
      const tiles = filterInput(filters, range, { status: true });
      const [charted, counts, sources, list] = await Promise.all([
        first ? chartAndCounts(ctx, tiles, filters.status, range, zone.zone, now) : null,
        first ? null : statusCounts(ctx, filters, range),
        first ? sourceBreakdown(ctx, filters, range) : null,
        listPage(ctx, filters, range),
      ]);
      // "No leads yet" is for a site with none at all; any other empty list is the filters' or the page's doing.
      const siteEmpty = list.pagination.total === 0 && (await firstLeadAt(ctx, {})) === null;
      const chart = charted?.chart ?? null;
      return c.html(leadsPage({ ...page, siteEmpty, counts: charted?.counts ?? counts, chart, sources, list }));
    } catch (error) {
      const problem = refusalText(error);
      if (!problem) throw error;
      return refused(problem);
    }
  });

  app.post('/leads/zone', guard, async (c) => {
    const form = c.get('form');
    const chosen = formText(form, 'browser_zone') || formText(form, 'time_zone');
    try {
      await setSiteTimeZone(deps.options.store, c.get('owner').site.id, chosen);
    } catch (error) {
      const problem = refusalText(error);
      if (!problem) throw error;
      return c.html(
        errorPage({ owner: c.get('owner'), title: 'Unknown time zone', message: problem, back: '/leads' }),
        400,
      );
    }
    // Back to the list as it was: `back` is read as a query string and written anew, so it can only be one.
    const query = new URLSearchParams(formText(form, 'back').slice(0, 2000)).toString();
    return c.redirect(`/leads${query ? `?${query}` : ''}`, 303);
  });

  app.get('/leads/export.csv', guard, async (c) => {
    const ctx = ctxOf(c);
    const { filters: view, zone, now, range } = await listView(c);
    const filters = listFilters(view, range);
    const cannot = (message: string) =>
      c.html(errorPage({ owner: c.get('owner'), title: 'Cannot export', message, back: '/leads' }), 400);
    const problem = rangeProblem(view.range);
    if (problem) return cannot(problem);
    // Validate before answering 200: a bad filter is a 400 page, not a broken download.
    try {
      await listLeads(ctx, { ...filters, limit: 1 });
    } catch (error) {
      const problem = refusalText(error);
      if (!problem) throw error;
      return cannot(problem);
    }
    const stream = exportStream(async (offset) => {
      const { leads, pagination } = await listLeads(ctx, { ...filters, limit: EXPORT_PAGE, offset });
      return { leads, has_more: pagination.has_more };
    });
    const day = dayOf(zone.zone, now.getTime());
    return c.body(stream, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="leads-${day}.csv"`,
      'X-Content-Type-Options': 'nosniff',
    });
  });

  app.get('/leads/:id', guard, async (c) => {
    const detail = await leadDetail(ctxOf(c), c.req.param('id'));
    if (!detail) return notFound(c);
    const from = c.req.query('from') ?? '';
    const undoStatus = (LEAD_STATUSES as readonly string[]).includes(from) ? (from as LeadStatus) : null;
    const info = DONE[c.req.query('done') ?? ''] ?? null;
    const { zone } = await siteTimeZone(deps.options.store, c.get('owner').site.id);
    return c.html(leadPage({ owner: c.get('owner'), detail, info, undoStatus, zone }));
  });

  app.post('/leads/:id/status', guard, async (c) => {
    const id = c.req.param('id');
    const status = formText(c.get('form'), 'status');
    if (!(LEAD_STATUSES as readonly string[]).includes(status)) {
      return c.html(
        errorPage({
          owner: c.get('owner'),
          title: 'Unknown status',
          message: `Choose one of ${LEAD_STATUSES.join(', ')}.`,
          back: `/leads/${id}`,
        }),
        400,
      );
    }
    let from: LeadStatus | undefined;
    try {
      const result = await setStatus(ctxOf(c), id, status as LeadStatus);
      from = (result.body as QualifyResponse).status_change?.from;
    } catch (error) {
      if (error instanceof LeadsError && (error.code === 'not_found' || error.code === 'invalid_input'))
        return notFound(c);
      throw error;
    }
    return c.redirect(`/leads/${id}?done=status${from ? `&from=${from}` : ''}`, 303);
  });

  app.post('/leads/:id/notes', guard, async (c) => {
    const id = c.req.param('id');
    const notes = formText(c.get('form'), 'notes');
    const ctx = ctxOf(c);
    try {
      await setNotes(ctx, id, notes);
    } catch (error) {
      if (error instanceof LeadsError && error.code === 'not_found') return notFound(c);
      const problem = refusalText(error);
      if (!problem) throw error;
      const detail = await leadDetail(ctx, id);
      if (!detail) return notFound(c);
      return c.html(leadPage({ owner: c.get('owner'), detail, error: problem, draftNotes: notes }), 400);
    }
    return c.redirect(`/leads/${id}?done=notes`, 303);
  });

  app.post('/leads/:id/adopt', guard, async (c) => {
    const id = c.req.param('id');
    const form = c.get('form');
    const ctx = ctxOf(c);
    const detail = await leadDetail(ctx, id);
    if (!detail) return notFound(c);
    const field = formText(form, 'field');
    const submission = detail.submissions.find((s) => s.id === formText(form, 'submission'));
    const value = submission && field !== 'notes' ? submission.fields[field] : undefined;
    if (value === undefined) {
      return c.html(
        leadPage({ owner: c.get('owner'), detail, error: 'That submitted value is not there any more.' }),
        400,
      );
    }
    try {
      await adoptValue(ctx, id, field, value);
    } catch (error) {
      const taken = error instanceof LeadsError && error.code === 'duplicate_lead';
      const problem = taken ? 'Another lead of this site has that email; nothing was changed.' : refusalText(error);
      if (!problem) throw error;
      return c.html(leadPage({ owner: c.get('owner'), detail, error: problem }), taken ? 409 : 400);
    }
    return c.redirect(`/leads/${id}?done=adopted#submissions`, 303);
  });
  return app;
}
