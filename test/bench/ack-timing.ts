/**
 * Existing email or new one, as a holder of the public key sees it (not a timed test; run by hand): a `leadtrail
 * serve` process on SQLite (and on PostgreSQL when LEADTRAIL_TEST_DATABASE_URL is set), publishable-key identify and
 * create requests over HTTP, one at a time, alternating an email the site has with one it has not, and the
 * latency of each as the client sees it. The answers are the same bytes; this measures whether the time tells
 * them apart.
 *
 *   npx tsx test/bench/ack-timing.ts [--requests 400] [--warmup 50]
 *
 * Prints per route and store: p50 and p90 latency of each kind, the ratio of the medians (existing / new), and
 * the share of pairs where the existing email was slower, with the machine and its load average.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { createSiteWithKeys } from '@leadtrail/collector';
import { openDumpableStore, PG_URL, send, startLoggedProcess } from '../reliability/support.ts';

const { values: args } = parseArgs({
  options: { requests: { type: 'string', default: '400' }, warmup: { type: 'string', default: '50' } },
});
const REQUESTS = Number(args.requests);
const WARMUP = Number(args.warmup);
const LEADS = '/api/agents/tools/leads';
const ORIGIN = 'http://site.test';
const log = (m: string) => process.stderr.write(`${m}\n`);

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

async function measure(kind: 'sqlite' | 'postgres') {
  const handle = await openDumpableStore(kind);
  const site = await createSiteWithKeys(handle.store, 'Timing', [ORIGIN]);
  const secret = { 'content-type': 'application/json', authorization: `Bearer ${site.secret_key}` };
  // The site's existing leads, made by the owner, each with a linked device.
  const known: string[] = [];
  const collector = await startLoggedProcess(handle.db, ['--ip-rate-limit', 'off', '--site-rate-limit', 'off'], {
    keepLog: false,
  });
  try {
    for (let i = 0; i < REQUESTS + WARMUP; i++) {
      const email = `known.${i}.${Date.now()}@timing.test`;
      const made = await send(`${collector.url}${LEADS}/identify`, {
        headers: secret,
        body: JSON.stringify({ visitor_id: crypto.randomUUID(), email, name: `Known ${i}`, time_spent: 60 }),
      });
      if (made.status !== 201) throw new Error(`seed: ${made.status} ${made.text}`);
      known.push(email);
    }
    const lines: string[] = [];
    for (const route of ['identify', 'create'] as const) {
      const times = { existing: [] as number[], fresh: [] as number[] };
      let slowerExisting = 0;
      const one = async (email: string) => {
        const body =
          route === 'identify'
            ? { key: site.publishable_key, visitor_id: crypto.randomUUID(), event_id: crypto.randomUUID(), email }
            : { key: site.publishable_key, email, name: 'Timing', phone: '+1 555 0100' };
        const t0 = performance.now();
        const answer = await send(`${collector.url}${LEADS}/${route}`, {
          headers: { 'content-type': 'text/plain', origin: ORIGIN },
          body: JSON.stringify({ ...body, pages_visited: route === 'identify' ? [{ path: '/contact' }] : undefined }),
        });
        const ms = performance.now() - t0;
        if (answer.status !== 202) throw new Error(`${route}: ${answer.status} ${answer.text}`);
        return ms;
      };
      for (let i = 0; i < REQUESTS + WARMUP; i++) {
        // Alternate which goes first, so neither kind always follows the other.
        const emails = { existing: known[i]!, fresh: `new.${route}.${i}.${Date.now()}@timing.test` };
        const pair = { existing: 0, fresh: 0 };
        for (const which of i % 2 ? (['existing', 'fresh'] as const) : (['fresh', 'existing'] as const)) {
          pair[which] = await one(emails[which]);
        }
        if (i < WARMUP) continue;
        times.existing.push(pair.existing);
        times.fresh.push(pair.fresh);
        if (pair.existing > pair.fresh) slowerExisting++;
      }
      const fmt = (v: number) => v.toFixed(2);
      const [e50, f50] = [quantile(times.existing, 0.5), quantile(times.fresh, 0.5)];
      lines.push(
        `| ${kind} | ${route} | ${fmt(e50)} / ${fmt(quantile(times.existing, 0.9))} | ` +
          `${fmt(f50)} / ${fmt(quantile(times.fresh, 0.9))} | ${(e50 / f50).toFixed(2)} | ` +
          `${Math.round((100 * slowerExisting) / REQUESTS)}% |`,
      );
    }
    return lines;
  } finally {
    await collector.stop();
    await handle.cleanup();
  }
}

const rows: string[] = [];
for (const kind of ['sqlite', ...(PG_URL ? ['postgres' as const] : [])] as const) {
  log(`measuring ${kind}...`);
  rows.push(...(await measure(kind)));
}
console.log(
  `${cpus().length} x ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ` +
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${REQUESTS} pairs per row (after ${WARMUP} warm-up pairs), one request at a time`,
);
console.log('| store | route | existing email p50 / p90 ms | new email p50 / p90 ms | p50 ratio | existing slower |');
console.log('|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
process.exit(0);
