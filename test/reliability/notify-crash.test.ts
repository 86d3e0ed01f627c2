/**
 * Notifications survive a crash: a real `leadtrail serve` is SIGKILLed while every lead.created event of 20 leads is
 * still pending (its webhook receiver was down, so each delivery has failed its first attempt and waits for a retry).
 * A second collector started on the same database sends them all once the receiver is back: every event arrives
 * exactly once, signed per Standard Webhooks (checked by the receiver's own HMAC), naming a lead that was created, and
 * the store records every delivery as delivered. SQLite always; PostgreSQL too when LEADTRAIL_TEST_DATABASE_URL is set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LeadStore, openStore } from '@leadtrail/collector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, PG_URL, warnIfNoPostgres } from '../support/postgres.ts';
import { type LoggedProcess, runCli, startLoggedProcess } from '../support/processes.ts';
import { startWebhookReceiver, type WebhookReceiver, waitFor } from '../support/receivers.ts';

warnIfNoPostgres();

const LEADS = 20;
const SERVE_ARGS = [
  '--allow-private-webhook-targets',
  '--ip-rate-limit',
  'off',
  '--site-rate-limit',
  'off',
  '--key-rate-limit',
  'off',
];

const KINDS: { name: 'sqlite' | 'postgres'; available: boolean }[] = [
  { name: 'sqlite', available: true },
  { name: 'postgres', available: Boolean(PG_URL) },
];

/** A fresh database of the kind, as `--db` names it, and how to remove it. */
async function freshDb(kind: 'sqlite' | 'postgres'): Promise<{ db: string; cleanup: () => Promise<void> }> {
  if (kind === 'postgres') {
    const schema = await createTestSchema();
    return { db: schema.url, cleanup: schema.drop };
  }
  const dir = mkdtempSync(join(tmpdir(), 'leadtrail-notify-crash-'));
  return { db: join(dir, 'leadtrail.db'), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function cli(args: string[]) {
  const result = await runCli(args);
  if (result.code !== 0) throw new Error(`leadtrail ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout);
}

async function createLead(url: string, key: string, n: number): Promise<string> {
  const response = await fetch(`${url}/api/agents/tools/leads/create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ name: `Crash Notify ${n}`, email: `notify.crash.${n}@example.test` }),
  });
  const text = await response.text();
  expect(response.status, text).toBe(201);
  return JSON.parse(text).lead.id;
}

for (const kind of KINDS) {
  describe.skipIf(!kind.available)(`notifications across a collector crash [${kind.name}]`, () => {
    let db: string;
    let cleanup: (() => Promise<void>) | undefined;
    let receiver: WebhookReceiver;
    let store: LeadStore | undefined;
    const collectors: LoggedProcess[] = [];

    beforeAll(async () => {
      ({ db, cleanup } = await freshDb(kind.name));
      receiver = await startWebhookReceiver();
    });

    afterAll(async () => {
      await Promise.all(collectors.map((c) => c.stop()));
      await store?.close();
      await receiver?.close().catch(() => {});
      await cleanup?.();
    });

    it('the collector SIGKILLed with events pending, restarted, and every event delivered', async () => {
      const site = await cli(['sites', 'create', '--name', 'Crash notify', '--db', db, '--json']);
      const hook = await cli([
        'webhooks',
        'add',
        '--site',
        site.site_id,
        '--url',
        `${receiver.origin}/hooks`,
        '--db',
        db,
        '--json',
      ]);
      receiver.secrets.set('/hooks', hook.secret);
      await receiver.down();

      // Collector A takes the leads; every first attempt finds the receiver down (connection refused).
      const a = await startLoggedProcess(db, SERVE_ARGS);
      collectors.push(a);
      const leadIds = await Promise.all(Array.from({ length: LEADS }, (_, n) => createLead(a.url, site.secret_key, n)));
      expect(new Set(leadIds).size).toBe(LEADS);

      store = await openStore(db);
      const deliveries = () => store!.listDeliveries(hook.webhook_id, 100);
      await waitFor(
        async () => {
          const rows = await deliveries();
          return rows.length === LEADS && rows.every((d) => d.attempts >= 1);
        },
        30_000,
        'collector A to try every delivery once',
      );

      a.child.kill('SIGKILL');
      const exit = await a.exited;
      const killedAt = Date.now();
      expect(exit.signal).toBe('SIGKILL');
      const pending = await deliveries();
      expect(pending.filter((d) => d.status !== 'pending')).toEqual([]);
      expect(pending.filter((d) => d.last_status !== null || !d.last_error)).toEqual([]);
      // None was claimed again by A (a lease would hold it back for a minute): each waits only for its retry.
      const retryBy = Math.max(...pending.map((d) => Date.parse(d.next_attempt_at)));
      expect(retryBy - killedAt).toBeLessThan(10_000);
      expect(receiver.attempts).toEqual([]);

      // The receiver comes back and collector B starts on the same database.
      await receiver.up();
      const b = await startLoggedProcess(db, SERVE_ARGS);
      collectors.push(b);
      const distinct = () => new Set(receiver.received.map((r) => String(r.headers['webhook-id']))).size;
      await waitFor(() => distinct() === LEADS, 60_000, `the receiver to get ${LEADS} distinct events`);
      const deliveredAfter = Date.now() - killedAt;
      await waitFor(
        async () => (await deliveries()).every((d) => d.status === 'delivered'),
        15_000,
        'the store to record every delivery',
      );
      // Stopped before counting, so a late second send of any event would be in the count.
      await b.stop();

      const ids = receiver.received.map((r) => String(r.headers['webhook-id']));
      expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
      expect(receiver.received).toHaveLength(LEADS);
      expect(receiver.received.filter((r) => !r.valid || r.path !== '/hooks')).toEqual([]);
      const payloads = receiver.received.map((r) => JSON.parse(r.body));
      expect(payloads.every((p) => p.type === 'lead.created')).toBe(true);
      expect(payloads.map((p) => p.data.lead.id).sort()).toEqual([...leadIds].sort());
      // Every request B made was answered 2xx: nothing was sent twice, not even refused.
      expect(receiver.attempts).toHaveLength(LEADS);

      const final = await deliveries();
      expect(final).toHaveLength(LEADS);
      expect(final.filter((d) => d.status !== 'delivered')).toEqual([]);
      expect(new Set(final.map((d) => d.event_id))).toEqual(new Set(ids));
      // One attempt more than at the kill: B's, the first and only one the receiver saw.
      const before = new Map(pending.map((d) => [d.event_id, d.attempts]));
      expect(final.filter((d) => d.attempts !== before.get(d.event_id)! + 1)).toEqual([]);
      expect(b.stderr()).not.toMatch(/error/i);
      process.stderr.write(
        `notify-crash [${kind.name}]: ${LEADS} events pending at SIGKILL, all delivered once by the restarted ` +
          `collector ${deliveredAfter} ms after the kill\n`,
      );
    }, 90_000);
  });
}
