/**
 * The demo marketing site: static pages with the leadtrail script tag wired to a collector and a publishable key,
 * served on their own origin (as a real site is) under a strict Content-Security-Policy.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const SITE = fileURLToPath(new URL('./site/', import.meta.url));
const PAGES: Record<string, string> = {
  '/': 'index.html',
  '/pricing': 'pricing.html',
  '/about': 'about.html',
  '/contact': 'contact.html',
  '/login': 'login.html',
  '/thanks': 'thanks.html',
};
const ASSETS: Record<string, string> = {
  '/styles.css': 'text/css; charset=utf-8',
  '/app/router.js': 'text/javascript; charset=utf-8',
};

export interface DemoOptions {
  collectorUrl: string;
  publishableKey: string;
  port?: number;
  host?: string;
}

const escapeAttr = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function renderPage(file: string, options: DemoOptions, extraScripts = ''): string {
  const source = readFileSync(`${SITE}${file}`, 'utf8');
  const title = /<!-- title: (.*?) -->/.exec(source)?.[1] ?? 'Northwind Analytics';
  const tracker = `<script src="${escapeAttr(options.collectorUrl)}/leadtrail.js" data-key="${escapeAttr(options.publishableKey)}" defer></script>`;
  return readFileSync(`${SITE}_layout.html`, 'utf8')
    .replace('{{TITLE}}', title)
    .replace('{{TRACKER}}', tracker)
    .replace('{{BODY}}', source.replace(/<!-- title: .*? -->\n?/, ''))
    .replace('{{SCRIPTS}}', extraScripts);
}

function handle(req: IncomingMessage, res: ServerResponse, options: DemoOptions) {
  const path = new URL(req.url ?? '/', 'http://demo').pathname.replace(/(.)\/+$/, '$1');
  res.setHeader(
    'Content-Security-Policy',
    `default-src 'self'; script-src 'self' ${options.collectorUrl}; connect-src ${options.collectorUrl}; ` +
      "style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'",
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (req.method === 'POST' && path === '/thanks') {
    // A classic form POST: the body is dropped unread (the demo keeps nothing), then post-redirect-get.
    req.resume();
    req.on('end', () => {
      res.writeHead(303, { Location: '/thanks' });
      res.end();
    });
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' });
    res.end();
    return;
  }
  const asset = ASSETS[path];
  if (asset) {
    res.writeHead(200, { 'Content-Type': asset });
    res.end(readFileSync(`${SITE}${path.slice(1)}`));
    return;
  }
  const page = PAGES[path] ?? (path === '/app' || path.startsWith('/app/') ? 'app/index.html' : undefined);
  if (!page) {
    res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(renderPage('index.html', options).replace(/<h1>.*?<\/h1>/, '<h1>Page not found</h1>'));
    return;
  }
  const scripts = page.startsWith('app/') ? '<script src="/app/router.js" defer></script>' : '';
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(renderPage(page, options, scripts));
}

export function startDemo(options: DemoOptions): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    try {
      handle(req, res, options);
    } catch {
      res.writeHead(500);
      res.end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8788, options.host ?? '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://localhost:${port}`,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
