/**
 * CORS for browser ingestion, answered only for allowed origins. hono/cors would still run a request from a
 * refused origin (it only omits the header), so origins are checked here and refused with 403.
 */
import type { Context } from 'hono';
import { LeadsError } from '../core/errors.ts';
import { originAllowedAnywhere } from '../core/origins.ts';
import type { LeadStore } from '../store/lead-store.ts';
import { errorResponse } from '../web/errors.ts';

export function corsHeaders(c: Context, origin: string) {
  c.header('Access-Control-Allow-Origin', origin);
  c.header('Vary', 'Origin');
}

/** Preflights carry no key, so any site's allowed origin gets one; the real request is checked per site. */
export async function preflight(c: Context, store: LeadStore): Promise<Response> {
  const origin = c.req.header('origin');
  if (!origin || !(await originAllowedAnywhere(store, origin))) {
    return errorResponse(c, new LeadsError('origin_not_allowed', 'This origin is not allowed'));
  }
  corsHeaders(c, origin);
  c.header('Access-Control-Allow-Methods', 'POST, PUT');
  c.header('Access-Control-Allow-Headers', 'Content-Type, X-Api-Key');
  c.header('Access-Control-Max-Age', '86400');
  return c.body(null, 204);
}
