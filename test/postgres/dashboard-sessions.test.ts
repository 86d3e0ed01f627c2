/**
 * Dashboard sessions live in the database, so every collector on it agrees at once: two real collector processes on
 * one Postgres schema, a sign-in on one used on the other, a sign-out on one refused on both, and
 * `leadtrail sites password` and `leadtrail keys revoke` (other processes) deleting the sessions they end.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { type LeadStore, openStore } from '@leadtrail/collector';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSite, type TestSite } from '../support/collector.ts';
import { createTestSchema, PG_URL, warnIfNoPostgres } from '../support/postgres.ts';
import { CLI, type LoggedProcess, runCli, startLoggedProcess } from '../support/processes.ts';

warnIfNoPostgres();

const form = (fields: Record<string, string>): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
  redirect: 'manual',
});

/** Signs in on one collector; returns the cookie as a browser sends it back (`lt_session=TOKEN`). */
async function signIn(collector: LoggedProcess, fields: Record<string, string>): Promise<string> {
  const response = await fetch(`${collector.url}/login`, form(fields));
  expect(response.status).toBe(303);
  const cookie = /^lt_session=[^;]+/.exec(response.headers.get('set-cookie') ?? '')?.[0];
  if (!cookie) throw new Error('sign-in set no session cookie');
  return cookie;
}

/** Where /leads sends this cookie: 200 while the session lives, 303 to /login once it has ended. */
async function leadsStatus(collector: LoggedProcess, cookie: string): Promise<number> {
  const response = await fetch(`${collector.url}/leads`, { headers: { cookie }, redirect: 'manual' });
  await response.body?.cancel();
  return response.status;
}

async function signOut(collector: LoggedProcess, cookie: string) {
  const page = await (await fetch(`${collector.url}/setup`, { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error('no CSRF field on /setup');
  const response = await fetch(`${collector.url}/logout`, {
    ...form({ _csrf: csrf }),
    headers: { ...form({}).headers, cookie },
  });
  expect(response.status).toBe(303);
  expect(response.headers.get('location')).toBe('/login?out');
}

/** `leadtrail sites password` as its own process, the password piped to stdin as a script would. */
function setPasswordByCli(db: string, siteId: string, password: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const args = [CLI, 'sites', 'password', '--site', siteId, '--password-stdin', '--db', db];
    const child = execFile(process.execPath, args, (error, _stdout, stderr) =>
      error ? reject(new Error(`sites password failed: ${stderr}`)) : resolve(),
    );
    child.stdin!.end(`${password}\n`);
  });
}

describe.skipIf(!PG_URL)('dashboard sessions on two collector processes sharing one Postgres', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let a: LoggedProcess;
  let b: LoggedProcess;
  let store: LeadStore;
  let site: TestSite;
  let db: pg.Client;

  beforeAll(async () => {
    schema = await createTestSchema();
    [a, b] = await Promise.all([startLoggedProcess(schema.url), startLoggedProcess(schema.url)]);
    store = await openStore(schema.url);
    site = await createTestSite(store);
    db = new pg.Client({ connectionString: schema.url });
    await db.connect();
  }, 120_000);

  /** The stored sessions of the test site opened this way (by key: with this key id). */
  async function storedSessions(method: 'key' | 'password', ref?: string): Promise<number> {
    const { rows } = await db.query(
      'SELECT count(*)::int AS n FROM dashboard_sessions WHERE site_id = $1 AND method = $2 AND ($3::text IS NULL OR ref = $3)',
      [site.siteId, method, ref ?? null],
    );
    return rows[0].n;
  }

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.end();
    await store?.close();
    await schema?.drop();
  });

  it('keeps only the hash of the cookie’s token in the database', async () => {
    const cookie = await signIn(a, { method: 'key', key: site.secretKey });
    const token = cookie.slice('lt_session='.length);
    const { rows } = await db.query('SELECT * FROM dashboard_sessions');
    expect(rows.map((row) => row.id)).toContain(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('a sign-out on one collector ends the session on the other at once', async () => {
    const cookie = await signIn(a, { method: 'key', key: site.secretKey });
    expect(await leadsStatus(b, cookie)).toBe(200);
    await signOut(a, cookie);
    expect(await leadsStatus(b, cookie)).toBe(303);
    expect(await leadsStatus(a, cookie)).toBe(303);
  });

  it('a new password set by `leadtrail sites password` ends the password sessions on both, not the key sessions', async () => {
    await setPasswordByCli(schema.url, site.siteId, 'first passphrase');
    const password = await signIn(a, { method: 'password', site_id: site.siteId, password: 'first passphrase' });
    const key = await signIn(b, { method: 'key', key: site.secretKey });
    expect(await leadsStatus(b, password)).toBe(200);
    expect(await storedSessions('password')).toBe(1);
    const keySessions = await storedSessions('key');

    await setPasswordByCli(schema.url, site.siteId, 'second passphrase');
    expect(await storedSessions('password')).toBe(0);
    expect(await leadsStatus(a, password)).toBe(303);
    expect(await leadsStatus(b, password)).toBe(303);
    expect(await storedSessions('key')).toBe(keySessions);
    expect(await leadsStatus(a, key)).toBe(200);
  });

  it('`leadtrail keys revoke` deletes the sessions opened with that key', async () => {
    const created = await runCli(['keys', 'create', '--site', site.siteId, '--json', '--db', schema.url]);
    expect(created.code).toBe(0);
    const { id, key } = JSON.parse(created.stdout) as { id: string; key: string };
    const cookie = await signIn(a, { method: 'key', key });
    expect(await leadsStatus(b, cookie)).toBe(200);
    expect(await storedSessions('key', id)).toBe(1);

    expect((await runCli(['keys', 'revoke', id, '--db', schema.url])).code).toBe(0);
    expect(await storedSessions('key', id)).toBe(0);
    expect(await leadsStatus(a, cookie)).toBe(303);
    expect(await leadsStatus(b, cookie)).toBe(303);
  });
});
