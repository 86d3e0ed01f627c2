/**
 * Security headers of every dashboard answer: a strict Content-Security-Policy (no inline script or style, nothing
 * from another origin), no framing, no caching of pages that show leads or keys. The collector's app-wide headers
 * never see dashboard answers (the dashboard is mounted ahead of them), so these are the complete set.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { nearestHopValue } from '../web/client-address.ts';

/** The dashboard's Content-Security-Policy, written once: set as it is on every answer. */
export const DASHBOARD_CSP =
  "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; form-action 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'";

const headers = secureHeaders({
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
  c.header('Content-Security-Policy', DASHBOARD_CSP);
  if (!c.res.headers.has('cache-control')) c.header('Cache-Control', 'no-store');
};

/**
 * The origin the browser sees. Behind proxies you run (`--trust-proxy N`), the X-Forwarded-Proto and -Host set by
 * the nearest of them: each header's rightmost entry (anything to its left came with the request, from the client).
 * The origin is built anew from scheme and host: a forwarded host without a port means the scheme's default port,
 * not the port the collector listens on.
 */
export function publicOrigin(c: Context, trustProxy: number): string {
  const url = new URL(c.req.url);
  if (trustProxy < 1) return url.origin;
  const proto = nearestHopValue(c.req.header('x-forwarded-proto'))?.toLowerCase();
  const host = nearestHopValue(c.req.header('x-forwarded-host'));
  const scheme = proto === 'http' || proto === 'https' ? proto : url.protocol.slice(0, -1);
  const authority = host && /^[A-Za-z0-9.:[\]-]+$/.test(host) ? host : url.host;
  try {
    return new URL(`${scheme}://${authority}`).origin;
  } catch {
    return url.origin;
  }
}

export const isHttps = (c: Context, trustProxy: number) => publicOrigin(c, trustProxy).startsWith('https:');
