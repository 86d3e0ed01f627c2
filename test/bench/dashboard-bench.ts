/**
 * Dashboard benchmark (not a timed test; run by hand): the server time of the leads pages at a given size.
 *
 *   npx tsx test/bench/dashboard-bench.ts [--leads 20000] [--days 30] [--samples 30] [--stores sqlite,postgres]
 *
 * Loads N leads into one site, created over the last `days` days (so the chart's 30 days hold them all), signs in
 * to the dashboard with the site's secret key and times, in process (the app's fetch handler: routing, the core,
 * the store and rendering, no socket), the pages an owner opens most: the first page of /leads, a search, a status
 * filter, the second page and one lead. p50 / p95 over `samples` requests each, after 3 warm-up requests.
 * Postgres runs when LEADTRAIL_TEST_DATABASE_URL is set.
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
} from '@leadtrail/collector';
import { createTestSchema } from '../support/postgres.ts';
import { bulkLoadLeads } from './data.ts';

const { values: args } = parseArgs({
  options: {
    leads: { type: 'string', default: '20000' },
    days: { type: 'string', default: '30' },
    samples: { type: 'string', default: '30' },
    stores: { type: 'string', default: 'sqlite,postgres' },
  },
});
const N = Number(args.leads);
const DAYS = Number(args.days);
const SAMPLES = Number(args.samples);
const PG_URL = process.env.LEADTRAIL_TEST_DATABASE_URL;
const ORIGIN = 'http://collector.test';
const log = (m: string) => process.stderr.write(`${m}\n`);

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
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

async function measure(kind: string): Promise<string[]> {
  const { store, dialect, cleanup } = await openBenchStore(kind);
  try {
    const site = await createSiteWithKeys(store, 'Bench', []);
    const period = { start: Date.now() - DAYS * 86_400_000, span: DAYS * 86_400_000 - 3_600_000 };
    const seconds = await bulkLoadLeads(dialect.db, site.site.id, site.site.owner_user_id, N, { period });
    log(`${kind}: loaded ${N} leads in ${seconds.toFixed(1)} s`);
    if (kind === 'postgres') await dialect.db.executeQuery({ sql: 'ANALYZE leads', parameters: [] } as never);
    const app = createApp(appOptions({ store, log: () => {} }));
    const login = await app.request(`${ORIGIN}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ method: 'key', key: site.secret_key }).toString(),
      redirect: 'manual',
    });
    const cookie = /(?:__Host-)?lt_session=[^;]*/.exec(login.headers.get('set-cookie') ?? '')?.[0];
    if (!cookie) throw new Error(`sign-in failed: ${login.status}`);
    const { data } = (await (
      await app.request(`${ORIGIN}/api/agents/tools/leads/get`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${site.secret_key}` },
        body: '{"limit":1}',
      })
    ).json()) as { data: { leads: { id: string }[] } };
    const pages: [string, string][] = [
      ['/leads (first page, counts, chart)', '/leads'],
      ['/leads?q=son (search)', '/leads?q=son'],
      ['/leads?status=qualified', '/leads?status=qualified'],
      ['/leads?page=2', '/leads?page=2'],
      ['/leads/<id> (one lead)', `/leads/${data.leads[0]!.id}`],
    ];
    const rows: string[] = [];
    for (const [label, path] of pages) {
      const times: number[] = [];
      for (let i = 0; i < SAMPLES + 3; i++) {
        const t0 = performance.now();
        const response = await app.request(`${ORIGIN}${path}`, { headers: { cookie } });
        await response.text();
        if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
        if (i >= 3) times.push(performance.now() - t0);
      }
      rows.push(`| ${kind} | ${label} | ${quantile(times, 0.5).toFixed(1)} | ${quantile(times, 0.95).toFixed(1)} |`);
    }
    return rows;
  } finally {
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
console.log(
  `${N} leads over ${DAYS} days; ${cpus().length} x ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
    `Node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${SAMPLES} requests each`,
);
console.log('| store | page | p50 ms | p95 ms |');
console.log('|---|---|---|---|');
for (const row of rows) console.log(row);
process.exit(0);
