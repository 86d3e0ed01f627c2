/** The leads pages: the list (with counts and chart), the CSV export, one lead, its status and its notes. */
import { LEAD_STATUSES, type LeadStatus, type QualifyResponse } from '@leadtrail/protocol';
import { Hono } from 'hono';
import { LeadsError } from '../core/errors.ts';
import { chartData } from './chart.ts';
import { type DashContext, type DashEnv, type Deps, formText } from './context.ts';
import { exportStream } from './csv.ts';
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
import { errorPage } from './pages/error.ts';
import { leadPage } from './pages/lead.ts';
import { leadsPage } from './pages/leads.ts';
import { filterInput, listFilters, parseFilters } from './query.ts';

const EXPORT_PAGE = 500;

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
  const notFound = (c: DashContext) =>
    c.html(
      errorPage({
        owner: c.get('owner'),
        title: 'Lead not found',
        message: 'This site has no such lead.',
        back: '/leads',
      }),
      404,
    );

  app.get('/', guard, (c) => c.redirect('/leads', 303));

  app.get('/leads', guard, async (c) => {
    const owner = c.get('owner');
    const filters = parseFilters(c.req.query());
    const ctx = ctxOf(c);
    try {
      // The chart and the breakdown by source head the first page only, not every page of a long list.
      const first = filters.page === 1;
      const [counts, chart, sources, list] = await Promise.all([
        statusCounts(ctx, filters),
        first ? chartData(ctx, deps.now(), filterInput(filters)) : null,
        first ? sourceBreakdown(ctx, filters) : null,
        listPage(ctx, filters),
      ]);
      return c.html(leadsPage({ owner, filters, counts, chart, sources, list }));
    } catch (error) {
      const problem = refusalText(error);
      if (!problem) throw error;
      return c.html(
        leadsPage({ owner, filters, counts: null, chart: null, sources: null, list: null, error: problem }),
        400,
      );
    }
  });

  app.get('/leads/export.csv', guard, async (c) => {
    const ctx = ctxOf(c);
    const filters = listFilters(parseFilters(c.req.query()));
    // Validate before answering 200: a bad filter is a 400 page, not a broken download.
    try {
      await listLeads(ctx, { ...filters, limit: 1 });
    } catch (error) {
      const problem = refusalText(error);
      if (!problem) throw error;
      return c.html(
        errorPage({ owner: c.get('owner'), title: 'Cannot export', message: problem, back: '/leads' }),
        400,
      );
    }
    const stream = exportStream(async (offset) => {
      const { leads, pagination } = await listLeads(ctx, { ...filters, limit: EXPORT_PAGE, offset });
      return { leads, has_more: pagination.has_more };
    });
    const day = deps.now().toISOString().slice(0, 10);
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
    return c.html(leadPage({ owner: c.get('owner'), detail, info, undoStatus }));
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
