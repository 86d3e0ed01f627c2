/**
 * Dashboard benchmark (not a timed test; run by hand): the server time of the leads pages at a given size.
 *
 *   npx tsx test/bench/dashboard-bench.ts [--leads 100000] [--days 365] [--samples 50] [--stores sqlite,postgres]
 *                                         [--in-process]
 *
 * Loads N leads into one site of a real store (a SQLite file; Postgres when LEADTRAIL_TEST_DATABASE_URL is set),
 * created over the last `days` days, most with a first touch (channel, campaign), lets the store settle as a running
 * collector's would (SQLite: WAL checkpointed, planner statistics; Postgres: VACUUM ANALYZE), then runs the collector on a port
 * and, signed in with the site's secret key, times the pages an owner opens most over real HTTP (keep-alive, one
 * request at a time): the first page of /leads (the last 30 days, the default), a search, a campaign over two weeks,
 * all time, a status, the second page and one lead. With --in-process, the app's fetch handler is timed instead (no
 * socket). Median and p95 over `samples` requests each (the pages in turn), after 5 warm-up rounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  appOptions,
  createApp,
  createSiteWithKeys,
  openPostgresDialect,
  openSqliteDialect,
  SqlLeadStore,
  startServer,
} from '@leadtrail/collector';
import { createTestSchema } from '../support/postgres.ts';
import { BENCH_CAMPAIGN, bulkLoadLeads } from './data.ts';

const { values: args } = parseArgs({
  options: {
    leads: { type: 'string', default: '100000' },
    days: { type: 'string', default: '365' },
    samples: { type: 'string', default: '50' },
    stores: { type: 'string', default: 'sqlite,postgres' },
    'in-process': { type: 'boolean', default: false },
  },
});
const N = Number(args.leads);
const DAYS = Number(args.days);
const SAMPLES = Number(args.samples);
const WARM_UP = 5;
const PG_URL = process.env.LEADTRAIL_TEST_DATABASE_URL;
const log = (m: string) => process.stderr.write(`${m}\n`);

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
};

async function openBenchStore(kind: string) {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'leadtrail-dash-'));
    const dialect = openSqliteDialect(join(dir, 'leadtrail.db'));
    const store = await SqlLeadStore.open(dialect);
    return { store, dialect, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = await createTestSchema();
  const dialect = await openPostgresDialect(schema.url);
  const store = await SqlLeadStore.open(dialect);
  return { store, dialect, cleanup: () => schema.drop() };
}

/** A day `days` before today, UTC (the site's zone is UTC here), as the date inputs send it. */
const dayAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

async function measure(kind: string): Promise<string[]> {
  const { store, dialect, cleanup } = await openBenchStore(kind);
  const server = args['in-process'] ? null : await startServer({ store, port: 0, log: () => {} });
  try {
    const site = await createSiteWithKeys(store, 'Bench', []);
    const period = { start: Date.now() - DAYS * 86_400_000, span: DAYS * 86_400_000 - 3_600_000 };
    const seconds = await bulkLoadLeads(dialect.db, site.site.id, site.site.owner_user_id, N, {
      period,
      touches: true,
    });
    log(`${kind}: loaded ${N} leads in ${seconds.toFixed(1)} s`);
    // What a collector that has been running does by itself: the SQLite checkpointer folds the WAL into the file
    // and the hourly PRAGMA optimize gathers planner statistics; on Postgres, autovacuum.
    if ('raw' in dialect) {
      const raw = dialect.raw as { pragma(text: string): unknown };
      raw.pragma('wal_checkpoint(TRUNCATE)');
      raw.pragma('optimize');
    } else await dialect.db.executeQuery({ sql: 'VACUUM ANALYZE', parameters: [] } as never);
    const app = server ? null : createApp(appOptions({ store, log: () => {} }));
    const origin = server ? server.url : 'http://collector.test';
    const request = (path: string, init?: RequestInit) =>
      app ? app.request(`${origin}${path}`, init) : fetch(`${origin}${path}`, init);
    const login = await request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ method: 'key', key: site.secret_key }).toString(),
      redirect: 'manual',
    });
    const cookie = /(?:__Host-)?lt_session=[^;]*/.exec(login.headers.get('set-cookie') ?? '')?.[0];
    if (!cookie) throw new Error(`sign-in failed: ${login.status}`);
    const { data } = (await (
      await request('/api/agents/tools/leads/get', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${site.secret_key}` },
        body: '{"limit":1}',
      })
    ).json()) as { data: { leads: { id: string }[] } };
    const pages: [string, string][] = [
      ['/leads (last 30 days: first page, counts, chart, sources)', '/leads'],
      ['/leads?q=garcia (search, last 30 days)', '/leads?q=garcia'],
      ['/leads?q=son (search, a common fragment)', '/leads?q=son'],
      [
        `/leads?campaign=${BENCH_CAMPAIGN}&from=…&to=… (campaign, 14 days)`,
        `/leads?campaign=${BENCH_CAMPAIGN}&from=${dayAgo(13)}&to=${dayAgo(0)}`,
      ],
      ['/leads?range=all (all time)', '/leads?range=all'],
      ['/leads?status=qualified', '/leads?status=qualified'],
      ['/leads?page=2', '/leads?page=2'],
      ['/leads/<id> (one lead)', `/leads/${data.leads[0]!.id}`],
    ];
    // Round robin over the pages, so a burst of other work on the machine falls on all of them alike.
    const times = pages.map((): number[] => []);
    for (let i = 0; i < SAMPLES + WARM_UP; i++) {
      for (const [p, [, path]] of pages.entries()) {
        const t0 = performance.now();
        const response = await request(path, { headers: { cookie } });
        await response.text();
        if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
        if (i >= WARM_UP) times[p]!.push(performance.now() - t0);
      }
    }
    const rows = pages.map(
      ([label], p) =>
        `| ${kind} | ${label} | ${quantile(times[p]!, 0.5).toFixed(1)} | ${quantile(times[p]!, 0.95).toFixed(1)} |`,
    );
    return rows;
  } finally {
    await server?.close();
    await store.close();
    await cleanup();
  }
}

const rows: string[] = [];
for (const kind of args.stores.split(',')) {
  if (kind === 'postgres' && !PG_URL) {
    log('postgres: LEADTRAIL_TEST_DATABASE_URL is not set; skipped');
    continue;
  }
  rows.push(...(await measure(kind)));
}
const load = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
console.log(
  `${N} leads over ${DAYS} days, ${args['in-process'] ? 'in process' : 'over HTTP'}; nproc ${cpus().length}, ` +
    `${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${load}; ` +
    `${SAMPLES} requests each`,
);
console.log('| store | page | median ms | p95 ms |');
console.log('|---|---|---|---|');
for (const row of rows) console.log(row);
process.exit(0);
