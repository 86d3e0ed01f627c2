/**
 * Store benchmark: SQLite and Postgres side by side at the same size. Not a timed test; run by hand:
 *
 *   LEADTRAIL_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx test/bench/store-bench.ts --leads 1000000
 *
 * For each store (a SQLite file in a temp dir; a Postgres schema of its own, dropped after):
 *  1. bulk-loads N realistic leads for one site (multi-row INSERTs, 10,000 rows per transaction; SQLite's search
 *     index is kept up to date at each commit, as in use) and reports the rate; Postgres then gets VACUUM ANALYZE,
 *     which autovacuum would run soon after such a load anyway (planner statistics, visibility map);
 *  2. starts a real collector process (`leadtrail serve`) on loopback and measures, through HTTP, one request at a
 *     time: list with a search matching few rows, one matching many, filter + sort (status=qualified,
 *     sort_by=updated_at), the first page, and a deep page (offset 0.9 N): p50 / p95;
 *  3. measures identify (a new visitor with a new email: creates a lead) and create through HTTP with a fixed number
 *     of concurrent clients, each request with its own body: requests per second and latency.
 * Options: --leads N (default 100000), --stores sqlite,postgres, --concurrency 16, --seconds 10, --samples 30,
 * --keep (keep the loaded database and print where it is), --sqlite-file PATH / --pg-schema NAME (reuse a database
 * a --keep run loaded: skips the load).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createApiKey,
  createSiteWithKeys,
  openPostgresDialect,
  openSqliteDialect,
  SqlLeadStore,
} from '@leadtrail/collector';
import pg from 'pg';
import type { SqlDialect } from '../../packages/collector/src/store/sql/dialect.ts';
import { type LoggedProcess, startLoggedProcess } from '../support/processes.ts';
import { bulkLoadLeads, COMMON_FRAGMENT, RARE_WORDS } from './data.ts';

const LEADS_PATH = '/api/agents/tools/leads';

const { values: args } = parseArgs({
  options: {
    leads: { type: 'string', default: '100000' },
    stores: { type: 'string', default: 'sqlite,postgres' },
    concurrency: { type: 'string', default: '16' },
    seconds: { type: 'string', default: '10' },
    samples: { type: 'string', default: '30' },
    keep: { type: 'boolean', default: false },
    'sqlite-file': { type: 'string' },
    'pg-schema': { type: 'string' },
  },
});
const N = Number(args.leads);
const CONCURRENCY = Number(args.concurrency);
const SECONDS = Number(args.seconds);
const SAMPLES = Number(args.samples);
const PG_URL = process.env.LEADTRAIL_BENCH_DATABASE_URL || process.env.LEADTRAIL_TEST_DATABASE_URL;

const log = (message: string) => process.stderr.write(`${message}\n`);

/** The lists measured (HTTP bodies and store queries) for a store loaded with `leads` leads: label -> nth filters. */
function scenarios(leads: number): Array<[string, (n: number) => Record<string, unknown>]> {
  const deep = Math.floor(leads * 0.9);
  return [
    ['search, few matches', (n) => ({ search: RARE_WORDS[n % RARE_WORDS.length] })],
    ['search, many matches', () => ({ search: COMMON_FRAGMENT })],
    ['filter + sort', () => ({ status: 'qualified', sort_by: 'updated_at' })],
    ['first page', () => ({})],
    [`deep page (offset ${deep.toLocaleString('en')})`, () => ({ offset: deep })],
  ];
}

interface Prepared {
  kind: 'sqlite' | 'postgres';
  /** The same lists measured in-process on the store (no HTTP, auth or JSON): the database's share. */
  storeReads: Record<string, Latency>;
  /** What `--db` is for the collector. */
  db: string;
  secretKey: string;
  loadRate: number | null;
  leads: number;
  version: string;
  cleanup: () => Promise<void>;
  where: string;
}

interface Latency {
  p50: number;
  p95: number;
  samples: number;
  total: number;
}

interface Throughput {
  rate: number;
  p50: number;
  p95: number;
  statuses: Record<number, number>;
}

interface Result {
  prepared: Prepared;
  reads: Record<string, Latency>;
  writes: Record<string, Throughput>;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : Number.NaN;

/** Opens the store (migrating it), loads the leads unless reusing, returns what the collector needs. */
async function prepare(kind: 'sqlite' | 'postgres'): Promise<Prepared> {
  let dialect: SqlDialect;
  let db: string;
  let cleanup: () => Promise<void>;
  let where: string;
  let reuse = false;
  let admin: pg.Client | null = null;
  if (kind === 'sqlite') {
    const given = args['sqlite-file'];
    reuse = Boolean(given && existsSync(given));
    const dir = given ? null : mkdtempSync(join(tmpdir(), 'leadtrail-bench-'));
    db = given ?? join(dir!, 'bench.db');
    where = db;
    dialect = openSqliteDialect(db);
    cleanup = async () => {
      if (dir && !args.keep) rmSync(dir, { recursive: true, force: true });
    };
  } else {
    if (!PG_URL) throw new Error('no Postgres URL');
    const schema = args['pg-schema'] ?? `lt_bench_${Date.now().toString(36)}`;
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    await admin.query('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public').catch(() => {});
    const exists = await admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    reuse = exists.rowCount === 1;
    if (!reuse) await admin.query(`CREATE SCHEMA ${schema}`);
    const url = new URL(PG_URL);
    url.searchParams.set('options', `-c search_path=${schema},public`);
    db = url.toString();
    where = `schema ${schema}`;
    dialect = await openPostgresDialect(db);
    cleanup = async () => {
      if (!args.keep && !args['pg-schema']) await admin!.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin!.end();
    };
  }
  const store = await SqlLeadStore.open(dialect);
  let secretKey: string;
  let loadRate: number | null = null;
  if (reuse) {
    const [site] = await store.listSites();
    if (!site) throw new Error(`${where} has no site to reuse`);
    secretKey = (await createApiKey(store, site.id, 'secret')).key;
    log(`${kind}: reusing ${where}`);
  } else {
    const created = await createSiteWithKeys(store, 'Bench', []);
    secretKey = created.secret_key;
    log(`${kind}: loading ${N.toLocaleString('en')} leads into ${where}`);
    let last = performance.now();
    let lastCount = 0;
    const seconds = await bulkLoadLeads(dialect.db, created.site.id, created.site.owner_user_id, N, {
      onProgress: (loaded) => {
        if (loaded % 100_000 !== 0 && loaded !== N) return;
        const now = performance.now();
        log(`  ${loaded.toLocaleString('en')} (${Math.round(((loaded - lastCount) / (now - last)) * 1000)} rows/s)`);
        last = now;
        lastCount = loaded;
      },
    });
    loadRate = N / seconds;
    log(`${kind}: loaded in ${seconds.toFixed(1)} s (${Math.round(loadRate)} rows/s)`);
  }
  let version: string;
  let leads: number;
  if (admin) {
    if (!reuse) {
      const started = performance.now();
      const schemaName = where.slice('schema '.length);
      await admin.query(`VACUUM ANALYZE ${schemaName}.leads`);
      log(`postgres: VACUUM ANALYZE in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    version = (await admin.query('SHOW server_version')).rows[0].server_version;
    const schemaName = where.slice('schema '.length);
    leads = Number((await admin.query(`SELECT count(*) AS n FROM ${schemaName}.leads`)).rows[0].n);
  } else {
    const raw = (dialect as SqlDialect & { raw: { prepare(sql: string): { get(): unknown } } }).raw;
    version = (raw.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    leads = (raw.prepare('SELECT count(*) AS n FROM leads').get() as { n: number }).n;
  }
  await store.close();
  // Measured on a store opened afresh, as a collector starting on this database would be (SQLite gathers its
  // planner statistics when it opens).
  const reader = await SqlLeadStore.open(kind === 'sqlite' ? openSqliteDialect(db) : await openPostgresDialect(db));
  const [site] = await reader.listSites();
  const storeReads: Record<string, Latency> = {};
  log(`${kind}: lists on the store in-process, one at a time`);
  for (const [label, body] of scenarios(N)) {
    storeReads[label] = await measure(
      async (n) =>
        (
          await reader.listLeads(site!.id, {
            sort_by: 'created_at',
            sort_order: 'desc',
            limit: 50,
            offset: 0,
            ...body(n),
          })
        ).total,
    );
    log(`  ${label}: p50 ${storeReads[label]!.p50.toFixed(1)} ms, p95 ${storeReads[label]!.p95.toFixed(1)} ms`);
  }
  await reader.close();
  return { kind, db, secretKey, loadRate, leads, version, cleanup, where, storeReads };
}

async function call(url: string, key: string, action: string, body: unknown) {
  const response = await fetch(`${url}${LEADS_PATH}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text };
}

/** One at a time: p50/p95 over SAMPLES runs after 3 warm-ups (fewer if slow: about 30 s at most per kind). */
async function measure(run: (n: number) => Promise<number>): Promise<Latency> {
  let n = 0;
  for (; n < 3; n++) await run(n);
  const times: number[] = [];
  let total = 0;
  const budget = performance.now() + 30_000;
  while (times.length < SAMPLES && (times.length < 5 || performance.now() < budget)) {
    const started = performance.now();
    total = await run(n++);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), samples: times.length, total };
}

const measureHttp = (url: string, key: string, body: (n: number) => Record<string, unknown>) =>
  measure(async (n) => {
    const response = await call(url, key, 'get', body(n));
    if (response.status !== 200) throw new Error(`list answered ${response.status}: ${response.text.slice(0, 200)}`);
    return JSON.parse(response.text).data.pagination.total;
  });

/** CONCURRENCY clients sending back to back for SECONDS seconds, each request with its own body. */
async function measureWrite(
  url: string,
  key: string,
  action: string,
  body: (n: number) => Record<string, unknown>,
): Promise<Throughput> {
  let n = 0;
  const times: number[] = [];
  const statuses: Record<number, number> = {};
  const started = performance.now();
  const end = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const at = performance.now();
        const response = await call(url, key, action, body(n++));
        times.push(performance.now() - at);
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return { rate: times.length / elapsed, p50: percentile(times, 50), p95: percentile(times, 95), statuses };
}

async function bench(prepared: Prepared): Promise<Result> {
  let collector: LoggedProcess | null = null;
  try {
    // No per-key rate limit: the benchmark measures the store, not the limiter.
    collector = await startLoggedProcess(prepared.db, ['--key-rate-limit', 'off'], {
      timeoutMs: 120_000,
      keepLog: false,
    });
    const { url } = collector;
    const key = prepared.secretKey;
    log(`${prepared.kind}: collector on ${url}; reads, one at a time`);
    const reads: Record<string, Latency> = {};
    // A collector that has served a while: its hot paths compiled by V8 (a fresh process answers its first few
    // hundred requests several times slower), the key in its cache.
    for (let i = 0; i < 500; i++) await call(url, key, 'get', { lead_id: crypto.randomUUID() });
    for (const [, body] of scenarios(N)) await call(url, key, 'get', body(0));
    // The floor of any authenticated call here: key look-up, one indexed read, a 404.
    reads['floor: get of a missing lead_id'] = await measure(async () => {
      const response = await call(url, key, 'get', { lead_id: crypto.randomUUID() });
      if (response.status !== 404) throw new Error(`expected 404, got ${response.status}`);
      return 0;
    });
    for (const [label, body] of scenarios(N)) {
      reads[label] = await measureHttp(url, key, body);
      log(`  ${label}: p50 ${reads[label]!.p50.toFixed(1)} ms, p95 ${reads[label]!.p95.toFixed(1)} ms`);
    }
    log(`${prepared.kind}: writes, ${CONCURRENCY} concurrent clients for ${SECONDS} s each`);
    const run = Date.now().toString(36);
    const writes: Record<string, Throughput> = {
      'identify (new visitor + email)': await measureWrite(url, key, 'identify', (n) => ({
        visitor_id: crypto.randomUUID(),
        email: `bench.identify.${run}.${n}@example.com`,
        name: `Bench Identify ${n}`,
        pages_visited: [{ path: '/pricing', title: 'Pricing', at: new Date().toISOString() }],
        time_spent: 30 + (n % 100),
        visit_count: 1,
      })),
      create: await measureWrite(url, key, 'create', (n) => ({
        name: `Bench Create ${n}`,
        email: `bench.create.${run}.${n}@example.com`,
        notes: 'Created by the store benchmark',
      })),
    };
    for (const [label, w] of Object.entries(writes)) {
      log(`  ${label}: ${w.rate.toFixed(0)} req/s, p50 ${w.p50.toFixed(1)} ms, ${JSON.stringify(w.statuses)}`);
    }
    return { prepared, reads, writes };
  } finally {
    await collector?.stop();
  }
}

const LOAD_AT_START = loadavg();

function machine(): string {
  const cpu = cpus();
  let pgNote = '';
  try {
    pgNote = execFileSync('psql', ['--version'], { encoding: 'utf8' }).trim();
  } catch {}
  return [
    `${cpu.length} × ${cpu[0]?.model ?? 'CPU'} @ ${cpu[0]?.speed ?? '?'} MHz, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    `Node ${process.version}, ${process.platform}${pgNote ? `; ${pgNote}` : ''}`,
    `load average (1, 5, 15 min) at the start ${LOAD_AT_START.map((l) => l.toFixed(2)).join(' ')}, at the end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (other work on the machine inflates every figure)`,
  ].join('\n');
}

function table(results: Result[]): string {
  const head = ['', ...results.map((r) => `${r.prepared.kind} ${r.prepared.version}`)];
  const rows: string[][] = [
    ['leads in the store', ...results.map((r) => r.prepared.leads.toLocaleString('en'))],
    [
      'bulk load (rows/s)',
      ...results.map((r) =>
        r.prepared.loadRate == null ? '(reused)' : Math.round(r.prepared.loadRate).toLocaleString('en'),
      ),
    ],
  ];
  const writeLabels = Object.keys(results[0]?.writes ?? {});
  for (const label of writeLabels) {
    rows.push([
      `${label}, ${CONCURRENCY} clients (req/s; p50/p95 ms)`,
      ...results.map((r) => {
        const w = r.writes[label]!;
        const bad = Object.entries(w.statuses).filter(([status]) => Number(status) >= 300);
        return `${w.rate.toFixed(0)}; ${w.p50.toFixed(1)}/${w.p95.toFixed(1)}${bad.length ? ` (${JSON.stringify(Object.fromEntries(bad))})` : ''}`;
      }),
    ]);
  }
  const cell = (l: Latency | undefined) =>
    l ? `${l.p50.toFixed(1)} / ${l.p95.toFixed(1)}${l.total ? ` (total ${l.total.toLocaleString('en')})` : ''}` : '-';
  for (const label of Object.keys(results[0]?.reads ?? {})) {
    rows.push([`HTTP list: ${label} (p50/p95 ms)`, ...results.map((r) => cell(r.reads[label]))]);
  }
  for (const label of Object.keys(results[0]?.prepared.storeReads ?? {})) {
    rows.push([`store listLeads: ${label} (p50/p95 ms)`, ...results.map((r) => cell(r.prepared.storeReads[label]))]);
  }
  const widths = head.map((_, i) => Math.max(...[head, ...rows].map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

async function main() {
  const kinds = args.stores.split(',').map((s) => s.trim()) as Array<'sqlite' | 'postgres'>;
  if (kinds.includes('postgres') && !PG_URL) {
    log('\n*** No LEADTRAIL_TEST_DATABASE_URL (or LEADTRAIL_BENCH_DATABASE_URL): Postgres is NOT benchmarked. ***\n');
    kinds.splice(kinds.indexOf('postgres'), 1);
  }
  const results: Result[] = [];
  for (const kind of kinds) {
    const prepared = await prepare(kind);
    try {
      results.push(await bench(prepared));
    } finally {
      await prepared.cleanup();
      if (args.keep) log(`${kind}: kept ${prepared.where}`);
    }
  }
  console.log(`\nleadtrail store benchmark, ${N.toLocaleString('en')} leads loaded per store\n${machine()}\n`);
  console.log(table(results));
  console.log(
    `\nHTTP reads: one request at a time on loopback to a collector in its own process (key check, transaction, ` +
      `JSON of 50 leads included). Store reads: SqlLeadStore.listLeads in-process, the database's share. ` +
      `${SAMPLES} samples after 3 warm-ups. Writes: ${CONCURRENCY} concurrent clients in the benchmark process ` +
      `for ${SECONDS} s.`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
