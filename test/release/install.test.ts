/**
 * The npm package, as a site owner installs it: `pnpm pack:release` writes leadtrail-<version>.tgz; `npm install` of
 * that tarball into an empty folder (with the registry: better-sqlite3 builds there) gives the `leadtrail` command.
 * The installed command serves (a first run makes a site and prints its keys), serves /leadtrail.js, takes a real
 * form from that tracker in Chromium, answers the dashboard, speaks MCP over stdio and migrates a new database.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS } from '../support/browser.ts';
import { CHROMIUM } from '../support/global-setup.ts';
import { type LoggedProcess, startLoggedProcess } from '../support/processes.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LEADS = '/api/agents/tools/leads';

let dir: string;
let bin: string;
let collector: LoggedProcess;
let keys: { site: string; secret: string; publishable: string };
let browser: Browser;
let site: Server;

beforeAll(async () => {
  const packed = await run(process.execPath, [join(ROOT, 'scripts/pack-release.mjs'), 'leadtrail'], { cwd: ROOT });
  const tarball = packed.stdout.trim().split('\n').at(-1)!;
  expect(tarball).toMatch(/leadtrail-\d+\.\d+\.\d+\.tgz$/);
  dir = mkdtempSync(join(tmpdir(), 'leadtrail-install-'));
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: dir, timeout: 600_000 });
  bin = join(dir, 'node_modules/leadtrail/bin/leadtrail.mjs');
  expect(existsSync(join(dir, 'node_modules/.bin/leadtrail'))).toBe(true);
  collector = await startLoggedProcess(join(dir, 'data/leadtrail.db'), [], { cli: bin });
  const said = collector.stderr();
  keys = {
    site: /site id\s+(\S+)/.exec(said)![1]!,
    secret: /secret key\s+(lt_sk_\S+)/.exec(said)![1]!,
    publishable: /publishable key\s+(lt_pk_\S+)/.exec(said)![1]!,
  };
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}, 900_000);

afterAll(async () => {
  await browser?.close();
  site?.close();
  await collector?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => run(process.execPath, [bin, ...args], { cwd: dir });

describe('the installed leadtrail package', { timeout: 120_000 }, () => {
  it('prints the first run’s keys and the script tag, and serves the tracker and the dashboard', async () => {
    expect(collector.stderr()).toContain(
      `<script src="${collector.url}/leadtrail.js" data-key="${keys.publishable}" defer></script>`,
    );
    const script = await fetch(`${collector.url}/leadtrail.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await script.text()).length).toBeGreaterThan(1000);
    const login = await fetch(`${collector.url}/login`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain('Sign in');
  });

  it('takes a form sent by the tracker it serves, in Chromium', async () => {
    site = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><head><title>Shop</title>
<script src="${collector.url}/leadtrail.js" data-key="${keys.publishable}" defer></script></head><body>
<form action="#"><input name="name"><input type="email" name="email"><button>Send</button></form></body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    await cli('sites', 'origins', '--site', keys.site, '--origin', origin, '--db', join(dir, 'data/leadtrail.db'));
    const page = await browser.newPage();
    await page.goto(origin);
    await page.waitForFunction(() => 'leadtrail' in window);
    await page.fill('input[name=name]', 'Installed Ada');
    await page.fill('input[name=email]', 'ada@installed.example');
    await page.click('button');
    let found: { name: string } | undefined;
    for (let i = 0; i < 100 && !found; i++) {
      const answer = await fetch(`${collector.url}${LEADS}/get`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.secret}` },
        body: JSON.stringify({ search: 'ada@installed.example' }),
      });
      found = (await answer.json()).data.leads[0];
      if (!found) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(found).toMatchObject({ name: 'Installed Ada', email: 'ada@installed.example' });
    await page.close();
  });

  it('speaks MCP over stdio and migrates a new database', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin, 'mcp', '--key', keys.secret, '--db', join(dir, 'data/leadtrail.db')],
      cwd: dir,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'install-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['leads']);
      const listed = await client.callTool({ name: 'leads', arguments: { action: 'list', search: 'installed' } });
      expect(JSON.stringify(listed.content)).toContain('ada@installed.example');
    } finally {
      await client.close();
    }
    const migrated = await cli('migrate', '--db', join(dir, 'other.db'));
    expect(migrated.stdout).toMatch(/migrat/i);
    expect(existsSync(join(dir, 'other.db'))).toBe(true);
  });
});
