/** The `leadtrail` command as a user runs it: real processes, a real SQLite file, real HTTP. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/leadtrail.mjs', import.meta.url));
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'leadtrail-cli-'));
const db = join(dir, 'cli.db');
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Starts `serve` on a free port and resolves with its URL once it listens. */
function serve(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk;
      const match = /collector on (http:\/\/\S+)/.exec(err);
      if (match) resolve({ url: match[1]!, child });
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

describe('leadtrail CLI', () => {
  let site: { site_id: string; secret_key: string; publishable_key: string };

  it('sites create --json prints exactly one JSON object with the site and its two keys', async () => {
    const res = await run([
      'sites',
      'create',
      '--name',
      'Acme',
      '--origin',
      'https://acme.test/',
      '--json',
      '--db',
      db,
    ]);
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    site = JSON.parse(lines[0]!);
    expect(Object.keys(site).sort()).toEqual(['publishable_key', 'secret_key', 'site_id']);
    expect(site.secret_key).toMatch(/^lt_sk_/);
    expect(site.publishable_key).toMatch(/^lt_pk_/);
  });

  it('sites list shows the site with its normalised origins; keys are never printed again', async () => {
    const res = await run(['sites', 'list', '--json', '--db', db]);
    const sites = JSON.parse(res.stdout);
    expect(sites).toEqual([
      expect.objectContaining({ id: site.site_id, name: 'Acme', allowed_origins: ['https://acme.test'] }),
    ]);
    const keys = await run(['keys', 'list', '--site', site.site_id, '--json', '--db', db]);
    expect(keys.stdout).not.toContain(site.secret_key);
    expect(
      JSON.parse(keys.stdout)
        .map((k: { kind: string }) => k.kind)
        .sort(),
    ).toEqual(['publishable', 'secret']);
  });

  it('serve answers /healthz and the API with the key, and stops cleanly on SIGTERM', async () => {
    const { url, child } = await serve(['--db', db]);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ ok: true, store: 'sqlite' });
    const created = await fetch(`${url}/api/agents/tools/leads/create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${site.secret_key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'From CLI', email: 'cli@example.com' }),
    });
    expect(created.status).toBe(201);
    const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('keys create, list and revoke; a revoked key stops working', async () => {
    const made = await run(['keys', 'create', '--site', site.site_id, '--kind', 'secret', '--json', '--db', db]);
    const key = JSON.parse(made.stdout) as { id: string; key: string };
    expect(key.key).toMatch(/^lt_sk_/);
    const { url, child } = await serve(['--db', db]);
    const call = () =>
      fetch(`${url}/api/agents/tools/leads/get`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
        body: '{}',
      });
    expect((await call()).status).toBe(200);
    const revoked = await run(['keys', 'revoke', key.id, '--db', db]);
    expect(revoked.code).toBe(0);
    expect((await call()).status).toBe(401);
    const listed = await run(['keys', 'list', '--site', site.site_id, '--db', db]);
    expect(listed.stdout).toMatch(new RegExp(`${key.id}.*revoked`));
    // Publishable keys are listed whole (public by design), secret keys by their prefix only.
    expect(listed.stdout).toContain(site.publishable_key);
    expect(listed.stdout).not.toContain(key.key);
    expect(listed.stdout).not.toContain(site.secret_key);
    child.kill('SIGTERM');
  });

  it('webhooks add (the secret printed once), list without secrets, remove; bad URLs and events refused', async () => {
    const added = await run([
      'webhooks',
      'add',
      '--site',
      site.site_id,
      '--url',
      'https://hooks.example/lead',
      '--json',
      '--db',
      db,
    ]);
    expect(added.code).toBe(0);
    const webhook = JSON.parse(added.stdout) as { webhook_id: string; secret: string };
    expect(webhook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const slack = await run([
      'webhooks',
      'add',
      '--site',
      site.site_id,
      '--url',
      'https://hooks.slack.example/T0/B0/x',
      '--format',
      'slack',
      '--event',
      'lead.created',
      '--db',
      db,
    ]);
    expect(slack.stdout).toMatch(/signing secret whsec_\S+ {3}\(shown once\)/);
    const listed = await run(['webhooks', 'list', '--site', site.site_id, '--json', '--db', db]);
    const endpoints = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(endpoints.map((e) => [e.format, e.events])).toEqual([
      ['standard', null],
      ['slack', ['lead.created']],
    ]);
    expect(listed.stdout).not.toContain('whsec_');
    for (const bad of [
      ['--url', 'ftp://hooks.example/'],
      ['--url', 'https://user:pass@hooks.example/'],
      ['--url', 'https://hooks.example/', '--event', 'lead.deleted'],
      ['--url', 'https://hooks.example/', '--format', 'teams'],
    ]) {
      const refused = await run(['webhooks', 'add', '--site', site.site_id, ...bad, '--db', db]);
      expect(refused.code, bad.join(' ')).toBe(2);
    }
    expect((await run(['webhooks', 'remove', webhook.webhook_id, '--db', db])).code).toBe(0);
    expect((await run(['webhooks', 'remove', webhook.webhook_id, '--db', db])).code).toBe(2);
    const after = JSON.parse((await run(['webhooks', 'list', '--site', site.site_id, '--json', '--db', db])).stdout);
    expect(after).toHaveLength(1);
  });

  it('takes the database from DATABASE_URL when --db is absent', async () => {
    const other = join(dir, 'env.db');
    await run(['sites', 'create', '--name', 'Env', '--json'], { DATABASE_URL: other });
    const res = await run(['sites', 'list', '--json'], { DATABASE_URL: other });
    expect(JSON.parse(res.stdout).map((s: { name: string }) => s.name)).toEqual(['Env']);
  });

  it('migrate brings a new database up to date', async () => {
    const res = await run(['migrate', '--db', join(dir, 'migrate.db')]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/migrated sqlite/);
  });

  it('answers mistakes with a message and exit code 2', async () => {
    const cases = [
      ['frobnicate'],
      ['sites', 'create', '--db', db],
      ['sites', 'create', '--name', 'X', '--origin', 'javascript:alert(1)', '--db', db],
      ['keys', 'create', '--site', site.site_id, '--kind', 'root', '--db', db],
      ['keys', 'revoke', '--db', db],
      ['serve', '--port', 'eighty', '--db', db],
      ['sites', 'list', '--bogus'],
    ];
    const results = await Promise.all(cases.map((args) => run(args)));
    results.forEach((res, i) => {
      expect(res.code, cases[i]!.join(' ')).toBe(2);
      expect(res.stderr, cases[i]!.join(' ')).toMatch(/^leadtrail: /);
    });
  }, 60_000);

  it('runs from the repository root as `pnpm -s leadtrail`', async () => {
    const { stdout } = await promisify(execFile)('pnpm', ['-s', 'leadtrail', 'sites', 'list', '--json', '--db', db], {
      cwd: ROOT,
    });
    expect(JSON.parse(stdout)[0].id).toBe(site.site_id);
  });
});
