/** GET /leadtrail.js: the built tracker, with an ETag; `?v=<etag>` URLs are immutable for a year. */
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { LeadsError } from '../core/errors.ts';
import { errorResponse } from '../web/errors.ts';

export function trackerScriptRoute(script: string | null) {
  const app = new Hono();
  const etag = script ? `"${createHash('sha256').update(script).digest('base64url').slice(0, 16)}"` : '';
  app.get('/leadtrail.js', (c) => {
    if (script === null) {
      return errorResponse(c, new LeadsError('not_found', 'The tracker is not built; run `pnpm build`'));
    }
    const versioned = c.req.query('v') === etag.slice(1, -1);
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('ETag', etag);
    c.header(
      'Cache-Control',
      versioned ? 'public, max-age=31536000, immutable' : 'public, max-age=86400, stale-while-revalidate=604800',
    );
    // Pages on any origin load it with <script src>.
    c.header('Cross-Origin-Resource-Policy', 'cross-origin');
    c.header('Access-Control-Allow-Origin', '*');
    if (c.req.header('if-none-match') === etag) return c.body(null, 304);
    return c.body(script);
  });
  return app;
}
