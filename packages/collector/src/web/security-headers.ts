/**
 * The security headers of everything the collector serves but the dashboard (which sets stricter ones of its own).
 * Set before the route runs, into the headers the route's answer is built with: a route may override one (the
 * tracker script is cross-origin and cached; the OpenAPI document is cached). Setting them after the route (as
 * hono's secureHeaders does) makes the node adapter materialise a full web Response for every answer, which cost
 * a measurable share of each request (docs/reliability.md).
 */
import type { MiddlewareHandler } from 'hono';

const HEADERS: [string, string][] = Object.entries({
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cross-Origin-Opener-Policy': 'same-origin',
  // Only the tracker script may be loaded by other origins; it says so itself.
  'Cross-Origin-Resource-Policy': 'same-origin',
  // API answers hold lead data: never kept by a browser or a shared cache.
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=15552000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
});

export const securityHeaders: MiddlewareHandler = (c, next) => {
  for (const [name, value] of HEADERS) c.header(name, value);
  return next();
};
