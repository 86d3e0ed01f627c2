/**
 * Two real collector processes on one Postgres schema share its outbox: 500 leads created through both at once make
 * 500 lead.created events, and their two delivery loops (claiming with a lease, FOR UPDATE SKIP LOCKED) send each
 * exactly once: 500 distinct webhook-ids, each signed per Standard Webhooks (checked by the receiver's own HMAC), no
 * webhook-id ever in flight twice at once, none received twice, and every delivery recorded as delivered.
 * The receiver takes 20 ms per answer, so the two loops' sends overlap.
 */
import { type LeadStore, openStore } from '@leadtrail/collector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, PG_URL, warnIfNoPostgres } from '../support/postgres.ts';
import { type LoggedProcess, runCli, startLoggedProcess } from '../support/processes.ts';
import { startWebhookReceiver, type WebhookReceiver, waitFor } from '../support/receivers.ts';

warnIfNoPostgres();

const LEADS = 500;
const CONCURRENCY = 20;
const SERVE_ARGS = [
  '--allow-private-webhook-targets',
  '--ip-rate-limit',
  'off',
  '--site-rate-limit',
  'off',
  '--key-rate-limit',
  'off',
];

async function cli(args: string[]) {
  const result = await runCli(args);
  if (result.code !== 0) throw new Error(`leadtrail ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout);
}

describe.skipIf(!PG_URL)('two collectors sharing one Postgres outbox', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let receiver: WebhookReceiver;
  let collectors: LoggedProcess[] = [];
  let store: LeadStore | undefined;

  beforeAll(async () => {
    schema = await createTestSchema();
    receiver = await startWebhookReceiver();
    receiver.delayMs = 20;
  });

  afterAll(async () => {
    await Promise.all(collectors.map((c) => c.stop()));
    await store?.close();
    await receiver?.close().catch(() => {});
    await schema?.drop();
  });

  it('two collectors on one Postgres database and 500 events: each delivered, none twice concurrently', async () => {
    const site = await cli(['sites', 'create', '--name', 'Shared outbox', '--db', schema.url, '--json']);
    const hook = await cli([
      'webhooks',
      'add',
      '--site',
      site.site_id,
      '--url',
      `${receiver.origin}/hooks`,
      '--db',
      schema.url,
      '--json',
    ]);
    receiver.secrets.set('/hooks', hook.secret);
    collectors = await Promise.all([
      startLoggedProcess(schema.url, SERVE_ARGS),
      startLoggedProcess(schema.url, SERVE_ARGS),
    ]);

    // 500 creates, CONCURRENCY at a time, alternating between the two processes.
    const started = Date.now();
    const leadIds: string[] = [];
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      for (let n = next++; n < LEADS; n = next++) {
        const collector = collectors[n % collectors.length]!;
        const response = await fetch(`${collector.url}/api/agents/tools/leads/create`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${site.secret_key}` },
          body: JSON.stringify({ name: `Shared ${n}`, email: `shared.outbox.${n}@example.test` }),
        });
        const text = await response.text();
        if (response.status === 201) leadIds.push(JSON.parse(text).lead.id);
        else failures.push(`${n}: ${response.status} ${text}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures).toEqual([]);
    expect(new Set(leadIds).size).toBe(LEADS);
    const created = Date.now() - started;

    const distinct = () => new Set(receiver.received.map((r) => String(r.headers['webhook-id']))).size;
    await waitFor(() => distinct() >= LEADS, 120_000, `the receiver to get ${LEADS} distinct events`);
    const delivered = Date.now() - started;
    store = await openStore(schema.url);
    const deliveries = () => store!.listDeliveries(hook.webhook_id, LEADS + 100);
    await waitFor(
      async () => (await deliveries()).every((d) => d.status === 'delivered'),
      15_000,
      'the store to record every delivery',
    );
    // Both stopped before counting, so a late second send of any event would be in the count.
    await Promise.all(collectors.map((c) => c.stop()));

    const ids = receiver.received.map((r) => String(r.headers['webhook-id']));
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(receiver.received).toHaveLength(LEADS);
    expect(receiver.maxInFlightPerId()).toBe(1);
    expect(receiver.received.filter((r) => !r.valid || r.path !== '/hooks')).toEqual([]);
    // Every request was answered 2xx: no event was even sent a second time.
    expect(receiver.attempts).toHaveLength(LEADS);
    const payloads = receiver.received.map((r) => JSON.parse(r.body));
    expect(payloads.filter((p) => p.type !== 'lead.created')).toEqual([]);
    expect(payloads.map((p) => p.data.lead.id).sort()).toEqual([...leadIds].sort());

    const final = await deliveries();
    expect(final).toHaveLength(LEADS);
    expect(final.filter((d) => d.status !== 'delivered' || d.attempts !== 1 || d.last_error)).toEqual([]);
    expect(new Set(final.map((d) => d.event_id))).toEqual(new Set(ids));
    for (const collector of collectors) expect(collector.stderr()).not.toMatch(/error|deadlock/i);
    process.stderr.write(
      `shared-outbox: ${LEADS} leads created through 2 collectors in ${created} ms, ` +
        `every event delivered once ${delivered} ms after the first create\n`,
    );
  }, 180_000);
});
