/** GET /dashboard.css and /dashboard.js: the stylesheet and the optional script, immutable under `?v=<hash>`. */
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { SCRIPT } from './assets/script.ts';
import { STYLE } from './assets/style.ts';

const version = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 12);

const ASSETS = {
  '/dashboard.css': { body: STYLE, type: 'text/css; charset=utf-8', v: version(STYLE) },
  '/dashboard.js': { body: SCRIPT, type: 'text/javascript; charset=utf-8', v: version(SCRIPT) },
} as const;

/** The URL pages link to: a new stylesheet gets a new URL, so a year of caching is safe. */
export const assetUrl = (path: keyof typeof ASSETS) => `${path}?v=${ASSETS[path].v}`;

/** The dashboard's two static files. */
export function assetsApp() {
  const app = new Hono();
  for (const [path, asset] of Object.entries(ASSETS)) {
    app.get(path, (c) => {
      const etag = `"${asset.v}"`;
      c.header('Content-Type', asset.type);
      c.header('ETag', etag);
      c.header(
        'Cache-Control',
        c.req.query('v') === asset.v ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
      );
      if (c.req.header('if-none-match') === etag) return c.body(null, 304);
      return c.body(asset.body);
    });
  }
  return app;
}
