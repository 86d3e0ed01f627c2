/**
 * Crash safety of a real `leadtrail serve` process. SIGKILL while identify and create run at full speed, three times
 * over: every request that was answered 2xx is stored, exactly once, with its visitor; the database opens cleanly
 * (SQLite: integrity_check, foreign keys and the search index check out). SIGTERM: new connections are refused at once,
 * the requests in flight finish and are stored, the store is closed and the process exits 0.
 * SQLite always; PostgreSQL too when LEADTRAIL_TEST_DATABASE_URL is set.
 */
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoggedProcess, openDumpableStore, STORES, siteOn, startLoggedProcess } from './support.ts';

const LEADS = '/api/agents/tools/leads';
const NO_LIMITS = ['--ip-rate-limit', 'off', '--site-rate-limit', 'off', '--key-rate-limit', 'off'];

interface Sent {
  route: 'identify' | 'create';
  email: string;
  visitorId: string;
  status: number | 'failed';
  leadId?: string;
  /** When the answer (or the failure) came, ms since the epoch. */
  at: number;
}

let counter = 0;
function body(route: Sent['route'], email: string, visitorId: string) {
  return route === 'identify'
    ? {
        visitor_id: visitorId,
        email,
        name: 'Crash Test',
        pages_visited: [{ path: '/pricing', title: 'Pricing', at: '2026-11-26T10:00:00.000Z' }],
        time_spent: 42,
        visit_count: 1,
      }
    : { name: 'Crash Test', email };
}

async function post(url: string, key: string, route: Sent['route'], sent: Sent[]): Promise<void> {
  const email = `crash.${process.pid}.${counter++}@crash.test`;
  const visitorId = crypto.randomUUID();
  const entry: Sent = { route, email, visitorId, status: 'failed', at: 0 };
  sent.push(entry);
  try {
    const response = await fetch(`${url}${LEADS}/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify(body(route, email, visitorId)),
    });
    const text = await response.text();
    entry.status = response.status;
    if (response.ok) entry.leadId = JSON.parse(text).lead.id;
  } catch {
    entry.status = 'failed';
  }
  entry.at = Date.now();
}

/** `loops` concurrent senders, half identify and half create, until `stop()` says so. */
function drive(url: string, key: string, loops: number, sent: Sent[], stop: () => boolean): Promise<void> {
  const loop = async (route: Sent['route']) => {
    while (!stop()) await post(url, key, route, sent);
  };
  return Promise.all(Array.from({ length: loops }, (_, i) => loop(i % 2 ? 'create' : 'identify'))).then(() => {});
}

/** Every lead of the site, through the API. */
async function allLeads(url: string, key: string): Promise<{ id: string; email: string }[]> {
  const leads: { id: string; email: string }[] = [];
  for (let offset = 0; ; offset += 500) {
    const response = await fetch(`${url}${LEADS}/get`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ limit: 500, offset, sort_by: 'created_at', sort_order: 'asc' }),
    });
    const page = (await response.json()).data.leads as { id: string; email: string }[];
    leads.push(...page);
    if (page.length < 500) return leads;
  }
}

/** Checks that every acknowledged write is stored once, identify's with its visitor linked. */
async function expectAcknowledgedStored(url: string, key: string, sent: Sent[]) {
  const leads = await allLeads(url, key);
  const byEmail = new Map<string, string[]>();
  for (const lead of leads) byEmail.set(lead.email, [...(byEmail.get(lead.email) ?? []), lead.id]);
  // No email twice, whatever happened to the requests.
  expect([...byEmail.values()].filter((ids) => ids.length > 1)).toEqual([]);
  const acknowledged = sent.filter((s) => typeof s.status === 'number' && s.status < 300);
  const missing = acknowledged.filter((s) => byEmail.get(s.email)?.[0] !== s.leadId);
  expect(missing.map((s) => `${s.route} ${s.email} -> ${s.status}`)).toEqual([]);
  // identify stored the lead and its visitor in one transaction: a sample of them, checked through the API.
  const identified = acknowledged.filter((s) => s.route === 'identify');
  for (const s of identified.filter((_, i) => i % Math.max(1, Math.floor(identified.length / 25)) === 0)) {
    const one = await fetch(`${url}${LEADS}/get`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ lead_id: s.leadId }),
    });
    const data = (await one.json()).data;
    expect(data.visitors.map((v: { id: string }) => v.id)).toEqual([s.visitorId]);
    expect(data.lead.time_spent).toBe(42);
  }
  // Nothing answered with a server error, and nothing but 2xx (or a dropped connection).
  expect(sent.filter((s) => s.status !== 'failed' && (s.status as number) >= 300)).toEqual([]);
  return { acknowledged: acknowledged.length, stored: leads.length };
}

/** SQLite's own checks of the file: pages, indexes, foreign keys, and the FTS5 search index against its table. */
function sqliteChecks(path: string) {
  const Database = createRequire(new URL('../../packages/collector/package.json', import.meta.url))('better-sqlite3');
  const db = new Database(path);
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    const foreignKeys = db.pragma('foreign_key_check');
    db.prepare("INSERT INTO leads_fts (leads_fts, rank) VALUES ('integrity-check', 1)").run();
    return { integrity, foreignKeys };
  } finally {
    db.close();
  }
}

for (const kind of STORES) {
  describe.skipIf(!kind.available)(`crash safety of leadtrail serve [${kind.name}]`, () => {
    let db: string;
    let key: string;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      const handle = await openDumpableStore(kind.name);
      const site = await siteOn(handle.store);
      key = site.secretKey;
      db = handle.db;
      if (kind.name === 'sqlite') {
        // The collector processes get the file to themselves; the directory is removed at the end.
        await handle.store.close();
        const dir = db.slice(0, db.lastIndexOf('/'));
        cleanup = async () => {
          const { rmSync } = await import('node:fs');
          rmSync(dir, { recursive: true, force: true });
        };
      } else {
        cleanup = () => handle.cleanup();
      }
    });

    afterAll(async () => {
      await cleanup?.();
    });

    it('SIGKILL during identify and create at full speed loses no acknowledged write, three times over', async () => {
      const sent: Sent[] = [];
      const rounds: string[] = [];
      for (let round = 0; round < 3; round++) {
        const collector = await startLoggedProcess(db, NO_LIMITS);
        let killed = false;
        const before = sent.length;
        const traffic = drive(collector.url, key, 16, sent, () => killed);
        // Kill at a moment that differs each round, once writes are flowing.
        const answered = () => sent.slice(before).filter((s) => s.status !== 'failed').length;
        while (answered() < 150) await sleep(20);
        await sleep(50 + Math.random() * 400);
        collector.child.kill('SIGKILL');
        killed = true;
        const exit = await collector.exited;
        await traffic;
        expect(exit.signal).toBe('SIGKILL');
        rounds.push(`${sent.length - before} sent`);
      }
      expect(sent.some((s) => s.status === 'failed')).toBe(true);

      // Restarted on the same database: it opens (and migrates) cleanly and holds every acknowledged write.
      const restarted = await startLoggedProcess(db, NO_LIMITS);
      try {
        const health = await fetch(`${restarted.url}/healthz`);
        expect(health.status).toBe(200);
        const counts = await expectAcknowledgedStored(restarted.url, key, sent);
        process.stderr.write(
          `crash [${kind.name}]: ${sent.length} writes sent over 3 SIGKILLs (${rounds.join(', ')}), ` +
            `${counts.acknowledged} answered 2xx and all stored once, ${counts.stored} stored in all\n`,
        );
        expect(counts.acknowledged).toBeGreaterThan(400);
        // Unacknowledged requests may or may not have been applied, but never more than were sent.
        expect(counts.stored).toBeLessThanOrEqual(sent.length);
      } finally {
        await restarted.stop();
      }
      if (kind.name === 'sqlite') {
        const checks = sqliteChecks(db);
        expect(checks.integrity).toBe('ok');
        expect(checks.foreignKeys).toEqual([]);
      }
    }, 180_000);

    it('SIGTERM refuses new connections, finishes the requests in flight, closes the store and exits 0', async () => {
      const collector: LoggedProcess = await startLoggedProcess(db, NO_LIMITS);
      const sent: Sent[] = [];
      const port = Number(new URL(collector.url).port);
      // Writers at full speed, each sending its next request as soon as the last is answered, until one fails.
      const loop = async (route: Sent['route']) => {
        for (;;) {
          await post(collector.url, key, route, sent);
          if (sent.some((s) => s.status === 'failed')) return;
        }
      };
      const writers = Promise.all(Array.from({ length: 32 }, (_, i) => loop(i % 2 ? 'create' : 'identify')));
      while (sent.filter((s) => s.at > 0).length < 200) await sleep(5);
      const inFlightAtSignal = sent.filter((s) => s.at === 0).length;
      const signalled = Date.now();
      collector.child.kill('SIGTERM');
      // Once the collector says it is stopping, a new request is not taken (the kernel may still complete the TCP
      // handshake until the listening socket is released, but no request on it is read: it is reset; one sent on a
      // connection kept alive from before is answered 503 with Retry-After).
      while (!collector.stderr().includes('SIGTERM')) await sleep(1);
      const late: Sent[] = [];
      await post(collector.url, key, 'create', late);
      await writers;
      const lastAnswer = Math.max(...sent.map((s) => s.at));
      const exit = await collector.exited;
      const exitedAfterLastAnswer = Date.now() - lastAnswer;

      // Refused: a new connection is not accepted; a request on a kept-alive one is answered 503, not run.
      expect(['failed', 503]).toContain(late[0]!.status);
      expect(await tryConnect(port)).toBe('ECONNREFUSED');
      expect(exit).toEqual({ code: 0, signal: null });
      // Connections left open by clients (keep-alive) do not hold the exit up.
      expect(exitedAfterLastAnswer).toBeLessThan(2000);
      const answeredAfter = sent.filter((s) => s.status === 201 && s.at > signalled);
      // Requests were in flight when the signal came, and they were answered rather than dropped.
      expect(inFlightAtSignal).toBeGreaterThan(0);
      expect(answeredAfter.length).toBeGreaterThan(0);
      // Every answer was a success or, for requests that came in during the stop, 503.
      expect(sent.filter((s) => s.status !== 'failed' && s.status !== 201 && s.status !== 503)).toEqual([]);
      expect(collector.stderr()).not.toMatch(/error/i);

      const restarted = await startLoggedProcess(db, NO_LIMITS);
      try {
        await expectAcknowledgedStored(restarted.url, key, sent);
        expect((await allLeads(restarted.url, key)).map((l) => l.email)).not.toContain(late[0]!.email);
      } finally {
        await restarted.stop();
      }
      if (kind.name === 'sqlite') expect(sqliteChecks(db).integrity).toBe('ok');
    }, 120_000);
  });
}

function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
