/**
 * Backups of a running collector: `leadtrail backup` taken in the middle of a write storm restores (`leadtrail
 * restore`) with every write acknowledged before the backup began, and the restored database passes SQLite's checks
 * and serves. On Postgres the same commands go through pg_dump and pg_restore: a restore brings back the schema as it
 * was. Bad inputs are refused with a message: an existing output, a missing or foreign backup, a restore over a
 * database without --replace.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@leadtrail/collector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEADS } from '../support/collector.ts';
import { createTestSchema, PG_URL, warnIfNoPostgres } from '../support/postgres.ts';
import { runCli, startLoggedProcess } from '../support/processes.ts';

warnIfNoPostgres();

// biome-ignore lint/suspicious/noExplicitAny: better-sqlite3 is the collector's dependency, loaded from there.
const Database: any = createRequire(new URL('../../packages/collector/package.json', import.meta.url))(
  'better-sqlite3',
);

const NO_LIMITS = ['--ip-rate-limit', 'off', '--site-rate-limit', 'off', '--key-rate-limit', 'off'];
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'leadtrail-backup-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Creates leads as fast as `loops` senders can until stopped; each answered 201 is noted with its time. */
function storm(url: string, key: string, loops = 6) {
  const acked: { email: string; at: number }[] = [];
  let running = true;
  let n = 0;
  const sender = async () => {
    while (running) {
      const email = `storm.${process.pid}.${n++}@backup.test`;
      try {
        const response = await fetch(`${url}${LEADS}/create`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify({ name: 'Storm', email }),
        });
        await response.text();
        if (response.status === 201) acked.push({ email, at: Date.now() });
      } catch {}
    }
  };
  const done = Promise.all(Array.from({ length: loops }, sender));
  return {
    acked,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

const siteOn = async (db: string) => {
  const created = await runCli(['sites', 'create', '--name', 'Backed up', '--db', db, '--json']);
  expect(created.code, created.stderr).toBe(0);
  return JSON.parse(created.stdout) as { site_id: string; secret_key: string };
};

const emailsIn = async (db: string, siteId: string) => {
  const store = await openStore(db);
  try {
    const emails = new Set<string>();
    for (let offset = 0; ; offset += 500) {
      const { leads } = await store.listLeads(siteId, {
        limit: 500,
        offset,
        sort_by: 'created_at',
        sort_order: 'asc',
      } as never);
      for (const lead of leads) emails.add(lead.email as string);
      if (leads.length < 500) return emails;
    }
  } finally {
    await store.close();
  }
};

describe('SQLite backup and restore', () => {
  it('restores every write acknowledged before a backup taken mid-storm, and the copy serves', async () => {
    const db = join(dir, 'live.db');
    const site = await siteOn(db);
    const collector = await startLoggedProcess(db, NO_LIMITS);
    const out = join(dir, 'mid-storm.backup');
    let before: string[] = [];
    try {
      const writes = storm(collector.url, site.secret_key);
      // Mid-storm: once enough writes are acknowledged, however fast this machine is today.
      for (const deadline = Date.now() + 30_000; writes.acked.length <= 60 && Date.now() < deadline; ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const started = Date.now();
      before = writes.acked.filter((a) => a.at < started).map((a) => a.email);
      const backup = await runCli(['backup', '--db', db, '--out', out]);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await writes.stop();
      expect(backup.code, backup.stderr).toBe(0);
      expect(backup.stdout).toMatch(/backed up .* \(\d+ pages\)/);
      expect(before.length).toBeGreaterThan(50);
      expect(writes.acked.length).toBeGreaterThan(before.length);
    } finally {
      await collector.stop();
    }
    const copy = new Database(out, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(copy.pragma('foreign_key_check')).toEqual([]);
    copy.close();

    const restored = join(dir, 'restored.db');
    const restore = await runCli(['restore', '--from', out, '--db', restored]);
    expect(restore.code, restore.stderr).toBe(0);
    const emails = await emailsIn(restored, site.site_id);
    expect(before.filter((email) => !emails.has(email))).toEqual([]);
    // The restored copy serves: the site's key works against it.
    const again = await startLoggedProcess(restored);
    try {
      const answer = await fetch(`${again.url}${LEADS}/get`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${site.secret_key}` },
        body: JSON.stringify({ search: before[0] }),
      });
      expect(answer.status).toBe(200);
      expect((await answer.json()).data.leads).toHaveLength(1);
    } finally {
      await again.stop();
    }
  }, 120_000);

  it('refuses an existing output, a missing or foreign backup, and a restore over a database without --replace', async () => {
    const db = join(dir, 'small.db');
    await siteOn(db);
    const out = join(dir, 'small.backup');
    expect((await runCli(['backup', '--db', db, '--out', out])).code).toBe(0);
    const twice = await runCli(['backup', '--db', db, '--out', out]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('exists already');
    expect(
      (await runCli(['backup', '--db', join(dir, 'nothing.db'), '--out', join(dir, 'x.backup')])).stderr,
    ).toContain('There is no database');
    const garbage = join(dir, 'garbage.backup');
    writeFileSync(garbage, 'not a database at all, just text');
    const notSqlite = await runCli(['restore', '--from', garbage, '--db', join(dir, 'r1.db')]);
    expect(notSqlite.code).toBe(2);
    expect(notSqlite.stderr).toContain('not an SQLite database');
    const foreign = join(dir, 'foreign.db');
    new Database(foreign).exec('CREATE TABLE t (x)').close();
    expect((await runCli(['restore', '--from', foreign, '--db', join(dir, 'r2.db')])).stderr).toContain(
      'is not a leadtrail database',
    );
    const over = await runCli(['restore', '--from', out, '--db', db]);
    expect(over.code).toBe(2);
    expect(over.stderr).toContain('--replace');
    const replaced = await runCli(['restore', '--from', out, '--db', db, '--replace']);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(new Database(`${db}.before-restore`, { readonly: true }).pragma('integrity_check', { simple: true })).toBe(
      'ok',
    );
  }, 60_000);
});

describe.skipIf(!PG_URL)('Postgres backup and restore (pg_dump, pg_restore)', () => {
  it('restores the schema as it was when backed up', async () => {
    const schema = await createTestSchema();
    try {
      const site = await siteOn(schema.url);
      const collector = await startLoggedProcess(schema.url, NO_LIMITS);
      const create = (email: string) =>
        fetch(`${collector.url}${LEADS}/create`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${site.secret_key}` },
          body: JSON.stringify({ name: 'Kept', email }),
        }).then((r) => r.status);
      const out = join(dir, 'pg.backup');
      try {
        expect(await create('kept@backup.test')).toBe(201);
        const backup = await runCli(['backup', '--db', schema.url, '--out', out]);
        expect(backup.code, backup.stderr).toBe(0);
        expect(backup.stdout).toContain(`backed up schema ${schema.schema}`);
        expect(await create('later@backup.test')).toBe(201);
      } finally {
        await collector.stop();
      }
      const restore = await runCli(['restore', '--from', out, '--db', schema.url]);
      expect(restore.code, restore.stderr).toBe(0);
      const emails = await emailsIn(schema.url, site.site_id);
      expect([...emails].sort()).toEqual(['kept@backup.test']);
    } finally {
      await schema.drop();
    }
  }, 60_000);
});
