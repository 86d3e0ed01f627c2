/**
 * `@leadtrail/tracker` as a bundler user installs it: `pnpm pack:release` writes leadtrail-tracker-<version>.tgz;
 * `npm install` of it into an empty folder gives a package whose types check a strict TypeScript project (and refuse
 * a wrong call), which esbuild bundles from its `exports`, and whose `createTracker` in Chromium sends a form to a
 * real collector over HTTP.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { allowOrigins } from '@leadtrail/collector';
import { build } from 'esbuild';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS } from '../support/browser.ts';
import { startTestCollector, type TestCollector } from '../support/collector.ts';
import { CHROMIUM } from '../support/global-setup.ts';
import { openSqliteTestStore, type StoreHandle } from '../support/stores.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

let dir: string;
let handle: StoreHandle;
let collector: TestCollector;
let browser: Browser;
let site: Server;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'ESNext',
    moduleResolution: 'Bundler',
    lib: ['ES2022', 'DOM'],
    strict: true,
    skipLibCheck: false,
    noEmit: true,
    types: [],
  },
};

/** Type-checks one entry file of the consumer project; returns tsc's exit code and output. */
async function typecheck(source: string) {
  writeFileSync(join(dir, 'entry.ts'), source);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ ...TSCONFIG, files: ['entry.ts'] }));
  try {
    await run(process.execPath, [TSC, '-p', dir], { cwd: dir });
    return { code: 0, output: '' };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, output: failed.stdout };
  }
}

beforeAll(async () => {
  const packed = await run(process.execPath, [join(ROOT, 'scripts/pack-release.mjs'), 'tracker'], { cwd: ROOT });
  const tarball = packed.stdout.trim().split('\n').at(-1)!;
  expect(tarball).toMatch(/leadtrail-tracker-\d+\.\d+\.\d+\.tgz$/);
  dir = mkdtempSync(join(tmpdir(), 'leadtrail-tracker-install-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'shop', private: true, type: 'module' }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: dir, timeout: 300_000 });
  handle = await openSqliteTestStore();
  collector = await startTestCollector(handle.store);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}, 400_000);

afterAll(async () => {
  await browser?.close();
  site?.close();
  await collector?.close();
  await handle?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the installed @leadtrail/tracker package', { timeout: 120_000 }, () => {
  it('has no dependencies and ships its types, the ESM build and the embed', () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'node_modules/@leadtrail/tracker/package.json'), 'utf8'));
    expect(manifest.dependencies).toBeUndefined();
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/leadtrail.mjs' });
    const types = readFileSync(join(dir, 'node_modules/@leadtrail/tracker/dist/index.d.ts'), 'utf8');
    expect(types).toContain('export declare const createTracker');
    // The protocol's internals stay out of the public types: nothing imports a package the consumer does not have.
    expect(types).not.toMatch(/from ['"]/);
  });

  it('type-checks a strict project that uses it, and refuses a wrong call', async () => {
    const good = await typecheck(`import { createTracker, type Leadtrail, type Visitor } from '@leadtrail/tracker';
const tracker: Leadtrail = createTracker({ key: 'lt_pk_x', api: 'https://leads.example.com', honorDnt: false });
tracker.identify({ email: 'ada@example.com', plan: 'pro' });
tracker.visitor().then((visitor: Visitor | null) => visitor?.pages_visited[0]?.path.toUpperCase());
`);
    expect(good).toEqual({ code: 0, output: '' });
    const wrongKey = await typecheck(`import { createTracker } from '@leadtrail/tracker';
createTracker({ key: 42, api: 'https://leads.example.com' });
`);
    expect(wrongKey.code).not.toBe(0);
    expect(wrongKey.output).toMatch(/entry\.ts\(2,.*TS2322/);
    const noApi = await typecheck(`import { createTracker } from '@leadtrail/tracker';
createTracker({ key: 'lt_pk_x' }).visitor().then((v) => v.visitor_id);
`);
    expect(noApi.output).toMatch(/TS2345/); // api is required
    expect(noApi.output).toMatch(/TS18047/); // the visitor may be null
  });

  it('bundles with esbuild and sends a form from Chromium to a real collector', async () => {
    site = createServer((req, res) => {
      if (req.url === '/app.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' });
        res.end(readFileSync(join(dir, 'app.js')));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><head><title>Bundled shop</title>
<script type="module" src="/app.js"></script></head><body>
<form action="#"><input name="name"><input type="email" name="email"><button>Send</button></form></body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    await allowOrigins(handle.store, collector.site.siteId, [origin]);
    writeFileSync(
      join(dir, 'app.ts'),
      `import { createTracker } from '@leadtrail/tracker';
const tracker = createTracker({ key: ${JSON.stringify(collector.site.publishableKey)}, api: ${JSON.stringify(collector.url)} });
(window as unknown as { shop: unknown }).shop = tracker;
`,
    );
    const bundled = await build({
      absWorkingDir: dir,
      entryPoints: ['app.ts'],
      bundle: true,
      format: 'esm',
      outfile: join(dir, 'app.js'),
      logLevel: 'silent',
      metafile: true,
    });
    // The bundle took the package's ESM build through its exports, not some other file.
    expect(Object.keys(bundled.metafile.inputs)).toContain('node_modules/@leadtrail/tracker/dist/leadtrail.mjs');

    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(origin);
    await page.waitForFunction(() => 'shop' in window);
    // The bundle does not claim the page's global: createTracker leaves window.leadtrail alone.
    expect(await page.evaluate(() => 'leadtrail' in window)).toBe(false);
    await page.fill('input[name=name]', 'Bundled Ada');
    await page.fill('input[name=email]', 'ada@bundled.example');
    await page.click('button');
    let found: { name: string; visitors?: unknown[] } | undefined;
    for (let i = 0; i < 100 && !found; i++) {
      found = (await collector.call('get', { search: 'ada@bundled.example' })).body.data.leads[0];
      if (!found) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(found).toMatchObject({ name: 'Bundled Ada', email: 'ada@bundled.example' });
    expect(errors).toEqual([]);
    await page.close();
  });
});
