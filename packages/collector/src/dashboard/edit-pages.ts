/**
 * Editing a lead's contact details from its page: only the fields that differ are written (through `update`, the
 * core's rules), so the history records exactly what changed, with the values before and after.
 */
import { Hono } from 'hono';
import { LeadsError } from '../core/errors.ts';
import { type DashContext, type DashEnv, type Deps, formText } from './context.ts';
import { requireOwner } from './guard.ts';
import { refusalText } from './lead-pages.ts';
import { leadDetail, ownerContext, updateLead } from './leads.ts';
import { leadNotFoundPage } from './pages/error.ts';
import { CONTACT_EDIT_FIELDS, leadPage } from './pages/lead.ts';

export function editPagesApp(deps: Deps) {
  const app = new Hono<DashEnv>();
  const guard = requireOwner(deps);
  const ctxOf = (c: DashContext) => ownerContext(deps.options, c.get('owner').site);

  app.post('/leads/:id/contact', guard, async (c) => {
    const id = c.req.param('id');
    const ctx = ctxOf(c);
    const detail = await leadDetail(ctx, id);
    if (!detail) return c.html(leadNotFoundPage(c.get('owner')), 404);
    const form = c.get('form');
    const typed = Object.fromEntries(CONTACT_EDIT_FIELDS.map((f) => [f, formText(form, f).trim()]));
    const again = (error: string, status: 400 | 409) =>
      c.html(leadPage({ owner: c.get('owner'), detail, error, draftContact: typed }), status);
    if (!typed.name) return again('A lead needs a name; nothing was changed.', 400);
    if (!typed.email && detail.lead.email)
      return again('The email cannot be removed, only changed; nothing was changed.', 400);
    // Only what differs: an unchanged field stays the browser's to fill, and the history names real changes.
    const patch = Object.fromEntries(
      CONTACT_EDIT_FIELDS.filter((f) => (typed[f] || null) !== (detail.lead[f] ?? null)).map((f) => [
        f,
        typed[f] || null,
      ]),
    );
    if (!Object.keys(patch).length) return c.redirect(`/leads/${id}`, 303);
    try {
      await updateLead(ctx, id, patch);
    } catch (error) {
      if (error instanceof LeadsError && error.code === 'duplicate_lead') {
        return again('Another lead of this site has that email; nothing was changed.', 409);
      }
      const problem = refusalText(error);
      if (!problem) throw error;
      return again(`${problem}. Nothing was changed.`, 400);
    }
    return c.redirect(`/leads/${id}?done=contact`, 303);
  });
  return app;
}
