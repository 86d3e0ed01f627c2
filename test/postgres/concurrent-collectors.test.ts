/**
 * Two real collector processes on one Postgres schema, hammered at once with identify and create for the same
 * visitors and emails: the database's unique constraints and upserts (not read-then-write) must leave one lead per
 * email, one visitor row per visitor id, right totals, no 5xx, and 409 duplicate_lead for create's losers.
 */
import { type LeadStore, openStore } from '@leadtrail/collector';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSite, LEADS, type TestSite } from '../support/collector.ts';
import { createTestSchema, PG_URL, warnIfNoPostgres } from '../support/postgres.ts';
import { type LoggedProcess, startLoggedProcess } from '../support/processes.ts';

warnIfNoPostgres();

const EMAILS = 12;
const VISITORS_PER_EMAIL = 3;
const REPORTS_PER_VISITOR = 4;
const CREATES_PER_EMAIL = 4;

interface Sent {
  kind: 'identify' | 'create' | 'anonymous' | 'replay';
  email: number;
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read freely and asserted on.
  body: any;
}

/** A visitor's nth cumulative report: the collector keeps the largest totals and the union of pages. */
const report = (email: number, visitor: number, n: number) => ({
  time_spent: 10 * (n + 1) + visitor,
  visit_count: n + 1,
  pages_visited: [
    { path: '/pricing', at: '2025-01-01T00:00:00.000Z' },
    { path: `/e${email}/v${visitor}/p${n}`, at: `2025-01-01T00:0${n}:00.000Z` },
  ],
});

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

describe.skipIf(!PG_URL)('two collector processes sharing one Postgres', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let collectors: LoggedProcess[] = [];
  let store: LeadStore;
  let site: TestSite;
  let db: pg.Client;

  beforeAll(async () => {
    schema = await createTestSchema();
    // Both start at once on an empty schema, so they also race to migrate it.
    const start = () => startLoggedProcess(schema.url, [], { keepLog: false });
    collectors = await Promise.all([start(), start()]);
    store = await openStore(schema.url);
    site = await createTestSite(store);
    db = new pg.Client({ connectionString: schema.url });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(collectors.map((c) => c.stop()));
    await db?.end();
    await store?.close();
    await schema?.drop();
  });

  it('ends with one lead per email and one visitor row per visitor, whichever process won', async () => {
    const visitorIds = Array.from({ length: EMAILS }, () =>
      Array.from({ length: VISITORS_PER_EMAIL }, () => crypto.randomUUID()),
    );
    const emailOf = (e: number, variant: number) =>
      variant % 2 ? `Race.Person${e}@Example.TEST` : ` race.person${e}@example.test `;
    const replayEvents = Array.from({ length: EMAILS }, () => crypto.randomUUID());

    const jobs: Array<{ kind: Sent['kind']; email: number; action: string; body: Record<string, unknown> }> = [];
    for (let e = 0; e < EMAILS; e++) {
      for (let v = 0; v < VISITORS_PER_EMAIL; v++) {
        const visitor_id = visitorIds[e]![v]!;
        // The same browser before it is identified: only the visitor is stored, racing the identifies below.
        jobs.push({ kind: 'anonymous', email: e, action: 'identify', body: { visitor_id, ...report(e, v, 0) } });
        for (let n = 0; n < REPORTS_PER_VISITOR; n++) {
          jobs.push({
            kind: 'identify',
            email: e,
            action: 'identify',
            body: { visitor_id, email: emailOf(e, n + v), name: `Person ${e}`, ...report(e, v, n) },
          });
        }
      }
      for (let k = 0; k < CREATES_PER_EMAIL; k++) {
        jobs.push({ kind: 'create', email: e, action: 'create', body: { name: `Created ${e}`, email: emailOf(e, k) } });
      }
      // One browser submission delivered twice, once to each process: applied once, answered the same.
      const replay = { visitor_id: visitorIds[e]![0]!, email: emailOf(e, 0), event_id: replayEvents[e]! };
      jobs.push({ kind: 'replay', email: e, action: 'identify', body: replay });
      jobs.push({ kind: 'replay', email: e, action: 'identify', body: replay });
    }

    let turn = 0;
    const sent: Sent[] = await Promise.all(
      shuffle(jobs).map(async (job) => {
        const collector = collectors[turn++ % collectors.length]!;
        const response = await fetch(`${collector.url}${LEADS}/${job.action}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${site.secretKey}` },
          body: JSON.stringify(job.body),
        });
        const text = await response.text();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {}
        return { kind: job.kind, email: job.email, status: response.status, body };
      }),
    );

    // No request failed on the server, whatever it raced with.
    const failures = sent.filter((s) => s.status >= 500 || ![200, 201, 409].includes(s.status));
    expect(failures, JSON.stringify(failures.slice(0, 3))).toEqual([]);
    for (const s of sent.filter((r) => r.kind !== 'create')) expect(s.status, JSON.stringify(s.body)).not.toBe(409);

    // Exactly one lead per email, in the database itself.
    const { rows: perEmail } = await db.query(
      'SELECT email_norm, count(*)::int AS n FROM leads WHERE site_id = $1 GROUP BY email_norm ORDER BY email_norm',
      [site.siteId],
    );
    expect(perEmail).toHaveLength(EMAILS);
    expect(perEmail.every((row) => row.n === 1)).toBe(true);
    const { rows: visitorRows } = await db.query('SELECT id, lead_id FROM visitors WHERE site_id = $1', [site.siteId]);
    expect(visitorRows).toHaveLength(EMAILS * VISITORS_PER_EMAIL);
    const { rows: createdEvents } = await db.query(
      "SELECT lead_id, count(*)::int AS n FROM lead_events WHERE site_id = $1 AND type = 'created' GROUP BY lead_id",
      [site.siteId],
    );
    expect(createdEvents).toHaveLength(EMAILS);
    expect(createdEvents.every((row) => row.n === 1)).toBe(true);

    for (let e = 0; e < EMAILS; e++) {
      const lead = await store.findLeadByEmail(site.siteId, emailOf(e, 0));
      expect(lead, `lead ${e}`).not.toBeNull();
      const mine = sent.filter((s) => s.email === e);

      // One request created the lead (201); create's losers got 409 duplicate_lead naming it.
      const replays = mine.filter((s) => s.kind === 'replay');
      const created = mine.filter((s) => s.status === 201 && s.kind !== 'replay').length;
      expect(created + (replays[0]!.status === 201 ? 1 : 0)).toBe(1);
      for (const loser of mine.filter((s) => s.kind === 'create' && s.status !== 201)) {
        expect(loser.status).toBe(409);
        expect(loser.body.error.code).toBe('duplicate_lead');
        if (loser.body.error.lead_id) expect(loser.body.error.lead_id).toBe(lead!.id);
      }
      // The submission sent to both processes was applied once and answered identically.
      expect(replays[1]!.status).toBe(replays[0]!.status);
      expect(replays[1]!.body).toEqual(replays[0]!.body);

      // Every visitor of this email is linked to the lead, and the lead's figures are the merge of its visitors.
      const visitors = await store.listLeadVisitors(site.siteId, lead!.id);
      expect(visitors.map((v) => v.id).sort()).toEqual([...visitorIds[e]!].sort());
      for (const [v, visitor] of visitorIds[e]!.entries()) {
        const stored = visitors.find((x) => x.id === visitor)!;
        const last = report(e, v, REPORTS_PER_VISITOR - 1);
        expect(stored.time_spent).toBe(last.time_spent);
        expect(stored.visit_count).toBe(last.visit_count);
        expect(stored.pages_visited.map((p) => p.path).sort()).toEqual(
          ['/pricing', ...Array.from({ length: REPORTS_PER_VISITOR }, (_, n) => `/e${e}/v${v}/p${n}`)].sort(),
        );
      }
      const fresh = await store.getLead(site.siteId, lead!.id);
      expect(fresh!.time_spent).toBe(visitors.reduce((sum, v) => sum + v.time_spent, 0));
      expect(fresh!.visit_count).toBe(visitors.reduce((sum, v) => sum + v.visit_count, 0));
      expect(new Set(fresh!.pages_visited.map((p) => p.path)).size).toBe(1 + VISITORS_PER_EMAIL * REPORTS_PER_VISITOR);
    }
  }, 120_000);

  it('kept both processes up and quiet: no errors logged', () => {
    for (const collector of collectors) {
      expect(collector.child.exitCode).toBeNull();
      expect(collector.stderr()).not.toMatch(/error|deadlock|lost/i);
    }
  });
});
