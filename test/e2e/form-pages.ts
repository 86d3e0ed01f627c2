/**
 * Pages for the form-capture cases: HTML files under test/e2e/forms/ served on their own origin with the tracker
 * tag added before `</head>` (where a site's header snippet goes), their scripts beside them, and a stand-in for each
 * site's own back end (what the builders' scripts post to): it records what it got and answers as the real one does.
 *
 * - `GET /<name>` serves `forms/<name>.html`; `GET /<dir>/<file>.js|.css` serves that file.
 * - `POST /backend/<anything>` answers 200 `{"success":true}` (JSON), or with the status and JSON a query asks for:
 *   `?status=400&reply=<url-encoded JSON>`; `?delay=<ms>` waits first (a slow network).
 * - `POST /thanks` (a classic form post) redirects to `GET /thanks`, a plain page.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { allowOrigins } from '@leadtrail/collector';
import type { Page } from 'playwright-core';
import type { World } from './harness.ts';

const ROOT = fileURLToPath(new URL('./forms/', import.meta.url));
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface Received {
  path: string;
  contentType: string;
  body: string;
}

export interface FormPages {
  url: string;
  /** What the site's own back end received, oldest first. */
  received: Received[];
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

/** A file under forms/, or null for a path that leaves it or names nothing. */
function fileFor(path: string, extension: string): string | null {
  const file = normalize(join(ROOT, extension ? path : `${path}.html`));
  return file.startsWith(ROOT) && existsSync(file) ? file : null;
}

export async function startFormPages(world: World): Promise<FormPages> {
  const received: Received[] = [];
  const tracker = `<script src="${world.collectorUrl}/leadtrail.js" data-key="${world.site.publishableKey}" defer></script>`;

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://pages');
    const path = url.pathname;
    if (req.method === 'POST' && path.startsWith('/backend/')) {
      received.push({ path, contentType: req.headers['content-type'] ?? '', body: await readBody(req) });
      const delay = Number(url.searchParams.get('delay') ?? 0);
      if (delay) await new Promise((r) => setTimeout(r, delay));
      res.writeHead(Number(url.searchParams.get('status') ?? 200), { 'Content-Type': 'application/json' });
      res.end(url.searchParams.get('reply') ?? '{"success":true}');
      return;
    }
    if (req.method === 'POST' && path === '/thanks') {
      received.push({ path, contentType: req.headers['content-type'] ?? '', body: await readBody(req) });
      res.writeHead(303, { Location: '/thanks' });
      res.end();
      return;
    }
    if (path === '/thanks') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><head><title>Thanks</title>${tracker}</head><body><h1>Thanks</h1></body></html>`);
      return;
    }
    const extension = extname(path);
    const file = req.method === 'GET' ? fileFor(path.slice(1), extension) : null;
    if (!file || (extension && !TYPES[extension])) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    const source = readFileSync(file, 'utf8');
    res.writeHead(200, { 'Content-Type': TYPES[extension] ?? 'text/html; charset=utf-8' });
    res.end(extension ? source : source.replace('</head>', `${tracker}</head>`));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error) => {
      res.writeHead(500);
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await allowOrigins(world.handle.store, world.site.siteId, [url]);
  return {
    url,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The bodies the page posts to the collector, as they leave the browser (parsed), in order. */
export function collectorRequests(page: Page, collectorUrl: string): Record<string, unknown>[] {
  const bodies: Record<string, unknown>[] = [];
  page.on('request', (request) => {
    if (request.url().startsWith(`${collectorUrl}/api/`)) bodies.push(JSON.parse(request.postData() ?? '{}'));
  });
  return bodies;
}

/** Resolves once the tracker has loaded its stored state (a person takes longer than that to fill a form in). */
export async function trackerReady(page: Page) {
  await page.waitForFunction(() => 'leadtrail' in window);
  await page.evaluate(() => (window as unknown as { leadtrail: { visitor(): Promise<unknown> } }).leadtrail.visitor());
}
