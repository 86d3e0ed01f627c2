/**
 * `leadtrail serve --log-format json|text` on real processes and a real SQLite file: in JSON every line on stdout and
 * stderr is an object with time, level and event (the first run's keys, the start, each request, the stop, an error
 * before serving); text, the default, keeps its lines word for word; a bad format is a usage error.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, startLoggedProcess } from '../../../test/support/processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'leadtrail-log-format-'));
let dbs = 0;
const freshDb = () => join(dir, `log-${++dbs}.db`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** One `leadtrail` command with extra environment; DATABASE_URL is never passed on. */
async function run(args: string[], env: Record<string, string> = {}) {
  const { DATABASE_URL: _, ...base } = process.env;
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
      env: { ...base, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

interface Entry {
  time: string;
  level: string;
  event: string;
  [field: string]: unknown;
}

/** Every line of `text` as a log entry, failing on the first one that is not a JSON object with time/level/event. */
function entries(text: string, stream: string): Entry[] {
  const lines = text.split('\n');
  expect(lines.pop(), `${stream} ends with a newline`).toBe('');
  return lines.map((line) => {
    const entry = JSON.parse(line) as Entry;
    expect(entry, `${stream}: ${line}`).toEqual(expect.objectContaining({ time: expect.any(String) }));
    expect(entry.time, line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(new Date(entry.time).toISOString(), line).toBe(entry.time);
    expect(['info', 'warn', 'error'], line).toContain(entry.level);
    expect(entry.event, line).toMatch(/^[a-z]+(_[a-z]+)*$/);
    return entry;
  });
}

const EMAIL = 'log.format.person@example.test';

/** A few requests: a health check, a lead created with the secret key, a missing route. */
async function traffic(url: string, secretKey: string) {
  expect((await fetch(`${url}/healthz`)).status).toBe(200);
  const created = await fetch(`${url}/api/agents/tools/leads/create`, {
    method: 'POST',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Log Format', email: EMAIL, phone: '+1 555 010 7777' }),
  });
  expect(created.status).toBe(201);
  expect((await fetch(`${url}/no/such/${EMAIL}`)).status).toBe(404);
}

describe('leadtrail serve --log-format', { timeout: 120_000 }, () => {
  it('json: every line on stdout and stderr is one JSON object, from the first run to the stop', async () => {
    const collector = await startLoggedProcess(freshDb(), ['--log-format', 'json']);
    const [firstRun] = entries(collector.stderr(), 'stderr');
    expect(firstRun).toMatchObject({ level: 'info', event: 'first_run', message: expect.stringContaining('shown') });
    const secretKey = firstRun!.secret_key as string;
    expect(secretKey).toMatch(/^lt_sk_/);
    await traffic(collector.url, secretKey);
    await collector.stop();
    expect(await collector.exited).toEqual({ code: 0, signal: null });

    const stderr = entries(collector.stderr(), 'stderr');
    expect(stderr.map((e) => e.event)).toEqual(['first_run', 'listening', 'shutdown']);
    const [, listening, shutdown] = stderr;
    expect(firstRun).toEqual({
      time: expect.any(String),
      level: 'info',
      event: 'first_run',
      message: 'first run, so a site was created. Its secret key is shown this once (only its hash is stored)',
      site_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      secret_key: secretKey,
      publishable_key: expect.stringMatching(/^lt_pk_/),
      script_tag: `<script src="${collector.url}/leadtrail.js" data-key="${firstRun!.publishable_key}" defer></script>`,
      dashboard_url: `${collector.url}/`,
      next_step: `leadtrail sites origins --site ${firstRun!.site_id} --origin https://www.example.com`,
    });
    expect(listening).toMatchObject({ level: 'info', url: collector.url, store: 'sqlite' });
    expect(shutdown).toMatchObject({
      level: 'info',
      signal: 'SIGTERM',
      message: 'SIGTERM, finishing in-flight requests',
    });

    const stdout = entries(collector.stdout(), 'stdout');
    expect(stdout.map((e) => [e.event, e.level, e.status])).toEqual([
      ['request', 'info', 200],
      ['request', 'info', 201],
      ['request', 'info', 404],
    ]);
    for (const entry of stdout) expect(entry.req_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(stdout[1]).toMatchObject({
      method: 'POST',
      path: '/api/agents/tools/leads/create',
      site_id: firstRun!.site_id,
    });
    expect(stdout[2]!.path).toBe('/no/such/*');
    // Nothing personal, and no key, in the request log.
    for (const secret of [EMAIL, '555', secretKey, 'lt_sk_']) expect(collector.stdout()).not.toContain(secret);
  });

  it('json also from LEADTRAIL_LOG_FORMAT; the flag wins over it', async () => {
    const before = process.env.LEADTRAIL_LOG_FORMAT;
    process.env.LEADTRAIL_LOG_FORMAT = 'json';
    try {
      const db = freshDb();
      const json = await startLoggedProcess(db);
      await json.stop();
      expect(entries(json.stderr(), 'stderr').map((e) => e.event)).toEqual(['first_run', 'listening', 'shutdown']);
      const text = await startLoggedProcess(db, ['--log-format', 'text']);
      await text.stop();
      expect(text.stderr()).toMatch(/^leadtrail: collector on http:\/\/\S+ \(sqlite\)\n/);
    } finally {
      if (before === undefined) delete process.env.LEADTRAIL_LOG_FORMAT;
      else process.env.LEADTRAIL_LOG_FORMAT = before;
    }
  });

  it('text (the default) keeps its lines: the first run block, the start and stop lines, the request log', async () => {
    const collector = await startLoggedProcess(freshDb());
    const secretKey = /secret key\s+(lt_sk_\S+)/.exec(collector.stderr())![1]!;
    await traffic(collector.url, secretKey);
    await collector.stop();
    expect(await collector.exited).toEqual({ code: 0, signal: null });
    const site = /site id\s+(\S+)/.exec(collector.stderr())![1]!;
    const publishable = /publishable key\s+(lt_pk_\S+)/.exec(collector.stderr())![1]!;
    expect(collector.stderr()).toBe(
      [
        '',
        'leadtrail: first run, so a site was created. Its secret key is shown this once (only its hash is stored):',
        `  site id          ${site}`,
        `  secret key       ${secretKey}`,
        `  publishable key  ${publishable}`,
        '',
        `Allow your site's pages to send leads:  leadtrail sites origins --site ${site} --origin https://www.example.com`,
        `Then paste into their <head>:  <script src="${collector.url}/leadtrail.js" data-key="${publishable}" defer></script>`,
        `The dashboard: ${collector.url}/ (sign in with the secret key)`,
        '',
        `leadtrail: collector on ${collector.url} (sqlite)`,
        'leadtrail: SIGTERM, finishing in-flight requests',
        '',
      ].join('\n'),
    );
    const lines = collector.stdout().trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(Object.keys(JSON.parse(line))).toEqual(
        expect.arrayContaining(['t', 'req_id', 'method', 'path', 'status', 'ms']),
      );
    }
  });

  it('a bad format, from the flag or the environment, is a usage error', async () => {
    const [flag, env, missing] = await Promise.all([
      run(['serve', '--db', freshDb(), '--port', '0', '--log-format', 'xml']),
      run(['serve', '--db', freshDb(), '--port', '0'], { LEADTRAIL_LOG_FORMAT: 'xml' }),
      run(['serve', '--db', freshDb(), '--port', '0', '--log-format']),
    ]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/^leadtrail: --log-format must be json or text, got "xml"\nusage: leadtrail <command>/);
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/^leadtrail: LEADTRAIL_LOG_FORMAT must be json or text, got "xml"\n/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^leadtrail: --log-format must be json or text, got nothing\n/);
  });

  it('json: a usage error in another flag, or a failure to start, is one JSON line too', async () => {
    const usage = await run(['serve', '--db', freshDb(), '--log-format', 'json', '--port', 'x']);
    expect(usage.code).toBe(2);
    expect(entries(usage.stderr, 'stderr')).toEqual([
      expect.objectContaining({ level: 'error', event: 'usage_error', message: '--port must be 0-65535, got x' }),
    ]);

    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = String((taken.address() as { port: number }).port);
      const failed = await run(['serve', '--db', freshDb(), '--port', port], { LEADTRAIL_LOG_FORMAT: 'json' });
      expect(failed.code).toBe(1);
      expect(failed.stdout).toBe('');
      const lines = entries(failed.stderr, 'stderr');
      expect(lines.at(-1)).toMatchObject({ level: 'error', event: 'fatal', message: expect.stringContaining(port) });
    } finally {
      taken.close();
    }
  });

  it('json: a crash while serving is one fatal line, with the error scrubbed, and exit 1', async () => {
    // Preloaded: throws, outside any request, once the collector says it listens.
    const crash = [
      'const write = process.stderr.write.bind(process.stderr);',
      'process.stderr.write = (chunk, ...rest) => {',
      "  if (String(chunk).includes('listening')) setTimeout(() => { throw new Error('boom ' + ['someone', 'example.test'].join('@')); }, 10);",
      '  return write(chunk, ...rest);',
      '};',
    ].join('\n');
    const { DATABASE_URL: _, ...env } = process.env;
    const result = await promisify(execFile)(
      process.execPath,
      ['--import', `data:text/javascript,${encodeURIComponent(crash)}`, CLI, 'serve', '--db', freshDb(), '--port', '0'],
      { env: { ...env, LEADTRAIL_LOG_FORMAT: 'json' } },
    ).catch((error: { code: number; stdout: string; stderr: string }) => error);
    expect('code' in result && result.code).toBe(1);
    const lines = entries(result.stderr, 'stderr');
    expect(lines.map((e) => e.event)).toEqual(['first_run', 'listening', 'fatal']);
    expect(lines[2]).toMatchObject({ level: 'error', error: 'Error', message: 'boom [email]' });
    expect(lines[2]!.stack).toEqual(expect.arrayContaining([expect.stringMatching(/^at /)]));
    expect(result.stderr).not.toContain('someone@example.test');
    expect(result.stdout).toBe('');
  });
});
