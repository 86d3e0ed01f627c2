/**
 * A person's data from their lead's page: "Download their data (JSON)" (GET /leads/:id/export.json, an attachment)
 * and "Delete this lead and all its data" (POST /leads/:id/delete: CSRF-checked like every change, asked first by the
 * page's script), which returns to the list with a flash (lead-pages.ts shows DELETED there). What is exported and
 * erased is the core's (core/erasure.ts).
 */
import { Hono } from 'hono';
import { erasePerson, exportPerson } from '../core/erasure.ts';
import { LeadsError } from '../core/errors.ts';
import type { DashContext, DashEnv, Deps } from './context.ts';
import { requireOwner } from './guard.ts';
import { ownerContext } from './leads.ts';
import { leadNotFoundPage } from './pages/error.ts';

/** Where a deletion returns to. */
export const DELETED_PATH = '/leads?done=deleted';
export const DELETED = 'The lead was deleted with all its data: devices, pages, form submissions and history.';

const isMissing = (error: unknown) =>
  error instanceof LeadsError && (error.code === 'not_found' || error.code === 'invalid_input');

export function erasurePagesApp(deps: Deps) {
  const app = new Hono<DashEnv>();
  const guard = requireOwner(deps);
  const ctxOf = (c: DashContext) => ownerContext(deps.options, c.get('owner').site);
  const notFound = (c: DashContext) => c.html(leadNotFoundPage(c.get('owner')), 404);

  app.get('/leads/:id/export.json', guard, async (c) => {
    let data: Awaited<ReturnType<typeof exportPerson>>;
    try {
      data = await exportPerson(ctxOf(c), { lead_id: c.req.param('id') });
    } catch (error) {
      if (isMissing(error)) return notFound(c);
      throw error;
    }
    return c.body(`${JSON.stringify(data, null, 2)}\n`, 200, {
      'Content-Type': 'application/json; charset=utf-8',
      // The id names the file: nothing of the person (a name or an email) goes into a download's name.
      'Content-Disposition': `attachment; filename="lead-${data.lead.id}.json"`,
      'X-Content-Type-Options': 'nosniff',
    });
  });

  app.post('/leads/:id/delete', guard, async (c) => {
    try {
      await erasePerson(ctxOf(c), { lead_id: c.req.param('id') });
    } catch (error) {
      if (isMissing(error)) return notFound(c);
      throw error;
    }
    return c.redirect(DELETED_PATH, 303);
  });
  return app;
}
