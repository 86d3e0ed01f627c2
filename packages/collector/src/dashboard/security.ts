/**
 * Security headers of every dashboard answer: a strict Content-Security-Policy (no inline script or style, nothing
 * from another origin), no framing, no caching of pages that show leads or keys. The collector's app-wide headers
 * never see dashboard answers (the dashboard is mounted ahead of them), so these are the complete set.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

export const DASHBOARD_CSP =
  "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'";

const headers = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    styleSrc: ["'self'"],
    scriptSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  crossOriginResourcePolicy: 'same-origin',
  crossOriginOpenerPolicy: 'same-origin',
  crossOriginEmbedderPolicy: false,
  // Browsers send a real Origin on form POSTs only when the referrer policy allows it (no-referrer makes it "null").
  referrerPolicy: 'same-origin',
  xFrameOptions: 'DENY',
});

/** Applies the headers; pages and downloads are never stored by the browser or a proxy (assets set their own). */
export const dashboardHeaders: MiddlewareHandler = async (c, next) => {
  await headers(c, next);
  if (!c.res.headers.has('cache-control')) c.header('Cache-Control', 'no-store');
};

/** The origin the browser sees: behind a proxy you run (--trust-proxy), its X-Forwarded-Proto and -Host. */
export function publicOrigin(c: Context, trustProxy: boolean): string {
  const url = new URL(c.req.url);
  if (trustProxy) {
    const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim();
    const host = c.req.header('x-forwarded-host')?.split(',')[0]?.trim();
    if (proto === 'http' || proto === 'https') url.protocol = `${proto}:`;
    if (host && /^[A-Za-z0-9.:[\]-]+$/.test(host)) url.host = host;
  }
  return url.origin;
}

export const isHttps = (c: Context, trustProxy: boolean) => publicOrigin(c, trustProxy).startsWith('https:');
