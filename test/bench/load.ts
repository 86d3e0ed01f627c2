/**
 * Load benchmark (not a timed test; run by hand): `leadtrail serve` on SQLite and on Postgres against a bare
 * node:http server that answers 200, each in its own process on this machine, driven in the same run by the same
 * autocannon settings.
 *
 *   LEADTRAIL_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
 *   npx tsx test/bench/load.ts [--seconds 10] [--connections 10] [--repeat 3] [--soak 60] [--profile 10]
 *     [--stores sqlite,postgres] [--compare path/to/other/cli.mjs]
 *
 * For identify (a new visitor with a new email: creates a lead and its visitor) and create, it reports req/s, p50/p99
 * latency, errors (non-2xx, timeouts, socket errors), the server's CPU time per request and its peak RSS, and the
 * collector/bare ratio of req/s (and Postgres/SQLite for identify). Each route gets each collector on a fresh
 * database. With --repeat N every measurement is taken N times, the servers taking turns, and the median (by req/s)
 * is reported. `--compare` adds another build of the CLI (say, one built from an earlier commit) on each store to
 * the turns: an A/B in one run. After identify's runs, a soak: identify for --soak seconds more on the same (by then
 * larger) SQLite database, with the collector's RSS sampled every 5 s. Last, --profile seconds of identify on a
 * fresh collector on each store under `node --cpu-prof`: the functions with the most self time and each package's
 * share.
 * The machine and its load average are printed with the figures: the machine may be shared.
 *
 * The collector's rate limits are turned off (`--key-rate-limit off`, ...): this measures capacity, not the limits.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { createSiteWithKeys, openStore } from '@leadtrail/collector';
import autocannon from 'autocannon';
import { PG_URL, startLoggedProcess } from '../reliability/support.ts';
import { createTestSchema } from '../support/postgres.ts';
import { summarize } from './cpu-profile.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    repeat: { type: 'string', default: '3' },
    soak: { type: 'string', default: '60' },
    profile: { type: 'string', default: '10' },
    stores: { type: 'string', default: PG_URL ? 'sqlite,postgres' : 'sqlite' },
    /** Another build of the CLI to measure beside this one, on each store. */
    compare: { type: 'string' },
  },
});
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const REPEAT = Number(args.repeat);
const SOAK = Number(args.soak);
const PROFILE = Number(args.profile);
const STORES = args.stores.split(',') as ('sqlite' | 'postgres')[];
const LEADS = '/api/agents/tools/leads';
const log = (m: string) => process.stderr.write(`${m}\n`);
const NO_LIMITS = ['--ip-rate-limit', 'off', '--site-rate-limit', 'off', '--key-rate-limit', 'off'];

const BARE = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true}'); });
});
server.listen(0, '127.0.0.1', () => process.stderr.write('bare on http://127.0.0.1:' + server.address().port + '\\n'));
`;

function startBare(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', BARE], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve) => {
    child.stderr!.on('data', (d: Buffer) => {
      const m = /bare on (\S+)/.exec(String(d));
      if (m) resolve({ url: m[1]!, child });
    });
  });
}

const status = (pid: number) => readFileSync(`/proc/${pid}/status`, 'utf8');
/** Peak resident set size of a process so far (VmHWM), in MB. */
const peakRss = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(status(pid))![1]) / 1024;
const rss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(status(pid))![1]) / 1024;
/** CPU time (user + system, all threads) of a process so far, in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

let counter = 0;
const bodies = {
  identify: () =>
    JSON.stringify({
      visitor_id: crypto.randomUUID(),
      email: `load.${process.pid}.${counter++}@bench.test`,
      name: 'Load Test',
      pages_visited: [
        { path: '/', title: 'Home', at: '2026-11-26T10:00:00.000Z' },
        { path: '/pricing', title: 'Pricing', at: '2026-11-26T10:01:00.000Z' },
      ],
      time_spent: 95,
      visit_count: 2,
    }),
  create: () => JSON.stringify({ name: 'Load Test', email: `create.${process.pid}.${counter++}@bench.test` }),
};
type Kind = keyof typeof bodies;

interface Run {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  total: number;
  cpuPerRequest: number;
  load: number;
}

async function drive(url: string, pid: number, key: string, kind: Kind, seconds: number): Promise<Run> {
  const cpuBefore = cpuMs(pid);
  const result = await autocannon({
    url: `${url}${LEADS}/${kind}`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        setupRequest: (request) => ({ ...request, body: bodies[kind]() }),
      },
    ],
  });
  const total = result.requests.total;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    total,
    cpuPerRequest: total ? (cpuMs(pid) - cpuBefore) / total : 0,
    load: loadavg()[0]!,
  };
}

const median = (runs: Run[]) => [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)]!;

interface Target {
  name: string;
  url: string;
  pid: number;
  key: string;
  store?: 'sqlite' | 'postgres';
  /** Started from --compare's CLI. */
  otherBuild?: boolean;
  stop(): Promise<void>;
}

const storeLabel = (kind: 'sqlite' | 'postgres') => (kind === 'sqlite' ? 'SQLite' : 'Postgres');

/** A fresh database: a SQLite file's path, or a Postgres schema's URL. Nothing in it yet. */
async function emptyDatabase(kind: 'sqlite' | 'postgres'): Promise<{ db: string; drop(): Promise<void> }> {
  if (kind === 'postgres') {
    const schema = await createTestSchema();
    return { db: schema.url, drop: schema.drop };
  }
  const dir = mkdtempSync(join(tmpdir(), 'leadtrail-load-'));
  return { db: join(dir, 'leadtrail.db'), drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A collector process on a fresh database with a site; its secret key. Another build (--compare) makes its database
 * and site with its own CLI: a database this build migrated may be newer than it knows.
 */
async function freshCollector(
  kind: 'sqlite' | 'postgres',
  { cli, nodeArgs = [], name }: { cli?: string; nodeArgs?: string[]; name?: string } = {},
): Promise<Target> {
  const database = await emptyDatabase(kind);
  let key: string;
  if (cli) {
    const created = await promisify(execFile)(process.execPath, [
      cli,
      'sites',
      'create',
      '--name',
      'Load',
      '--json',
      '--db',
      database.db,
    ]);
    key = (JSON.parse(created.stdout) as { secret_key: string }).secret_key;
  } else {
    const store = await openStore(database.db);
    key = (await createSiteWithKeys(store, 'Load', [])).secret_key;
    await store.close();
  }
  const serve = await startLoggedProcess(database.db, NO_LIMITS, { keepLog: false, nodeArgs, ...(cli ? { cli } : {}) });
  return {
    name: name ?? `collector (${storeLabel(kind)})`,
    store: kind,
    otherBuild: cli !== undefined,
    url: serve.url,
    pid: serve.child.pid!,
    key,
    async stop() {
      await serve.stop();
      await database.drop();
    },
  };
}

const bare = await startBare();
const bench = `${CONNECTIONS} connections, ${SECONDS} s per run, median of ${REPEAT}`;
const machine = `${cpus().length} x ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`;
log(`machine: ${machine}`);
log(`autocannon in this process, ${bench}; servers in their own processes; load average ${loadavg().join(' ')}`);

const rows: string[] = [];
let soakLine = '';
for (const kind of ['identify', 'create'] as const) {
  // Each route on fresh databases, so all start alike (the tables, and their cost per insert, grow as they run).
  const collectors: Target[] = [];
  for (const store of STORES) collectors.push(await freshCollector(store));
  if (args.compare) {
    for (const store of STORES) {
      collectors.push(await freshCollector(store, { cli: args.compare, name: `other build (${storeLabel(store)})` }));
    }
  }
  const bareTarget: Target = {
    name: 'bare node:http',
    url: bare.url,
    pid: bare.child.pid!,
    key: collectors[0]!.key,
    stop: async () => {},
  };
  const targets = [bareTarget, ...collectors];
  for (const target of targets) await drive(target.url, target.pid, target.key, kind, 2); // warm-up
  const runs = new Map<Target, Run[]>(targets.map((target) => [target, []]));
  for (let i = 0; i < REPEAT; i++) {
    for (const target of targets)
      runs.get(target)!.push(await drive(target.url, target.pid, target.key, kind, SECONDS));
    log(
      `${kind} #${i + 1}: ${targets.map((t) => `${t.name} ${runs.get(t)!.at(-1)!.rps.toFixed(0)} req/s`).join(', ')}`,
    );
  }
  const b = median(runs.get(bareTarget)!);
  const sqlite = collectors.find((target) => target.name === 'collector (SQLite)');
  for (const target of targets) {
    const r = median(runs.get(target)!);
    const ratios = [
      target === bareTarget ? '' : `${((r.rps / b.rps) * 100).toFixed(0)}% of bare`,
      sqlite && target !== bareTarget && target !== sqlite
        ? `${((r.rps / median(runs.get(sqlite)!).rps) * 100).toFixed(0)}% of SQLite`
        : '',
      // The other build against this one on the same store: the A/B.
      ...collectors
        .filter((same) => target.otherBuild && !same.otherBuild && same.store === target.store)
        .map((same) => `${((r.rps / median(runs.get(same)!).rps) * 100).toFixed(0)}% of this build`),
    ].filter(Boolean);
    rows.push(
      `| ${kind} | ${target.name} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.cpuPerRequest.toFixed(3)} | ${peakRss(target.pid).toFixed(0)} | ${ratios.join(', ')} | ${r.load.toFixed(2)} |`,
    );
  }
  if (kind === 'identify' && SOAK > 0 && sqlite) soakLine = await soak(sqlite.url, sqlite.pid, sqlite.key);
  for (const target of collectors) await target.stop();
}
const profileLines: string[] = [];
if (PROFILE > 0) for (const store of STORES) profileLines.push(...(await profileIdentify(store)));
bare.child.kill();

console.log(`\n${machine}; ${bench}`);
console.log(
  '| route | server | req/s | p50 ms | p99 ms | errors | server CPU ms/req | peak RSS MB | ratio | load avg (1 min) |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
if (soakLine) console.log(soakLine);
for (const line of profileLines) console.log(line);

/** identify on a fresh collector under `node --cpu-prof`; the profile's top entries. */
async function profileIdentify(store: 'sqlite' | 'postgres'): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'leadtrail-profile-'));
  const target = await freshCollector(store, { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] });
  await drive(target.url, target.pid, target.key, 'identify', 2);
  const run = await drive(target.url, target.pid, target.key, 'identify', PROFILE);
  await target.stop(); // the profile is written as the process exits
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) return ['\n(no CPU profile was written)'];
  const frames = ['runLeadsAction', 'identify', 'commitGroup', 'admit', 'compile', 'responseViaResponseObject'];
  const summary = summarize(join(dir, file), { top: 15, frames });
  rmSync(dir, { recursive: true, force: true });
  return [
    `\nCPU profile of identify on ${target.name}: ${PROFILE} s, ${run.total} requests at ${run.rps.toFixed(0)} req/s, ` +
      `${run.cpuPerRequest.toFixed(3)} CPU ms/req (includes the warm-up and start-up in the profile's ${summary.totalMs.toFixed(0)} ms)`,
    `by owner (self time): ${summary.owners.map((o) => `${o.name} ${o.share}`).join(', ')}`,
    `inclusive: ${summary.inclusive.map((f) => `${f.name} ${f.share}`).join(', ')}`,
    'top self time:',
    ...summary.self.map((f) => `  ${f.share.padStart(6)}  ${f.name}`),
  ];
}

/** identify for SOAK seconds more, on the identify run's database, with the collector's RSS sampled every 5 s. */
async function soak(url: string, pid: number, key: string): Promise<string> {
  const samples: number[] = [rss(pid)];
  const timer = setInterval(() => samples.push(rss(pid)), 5000);
  const run = await drive(url, pid, key, 'identify', SOAK);
  clearInterval(timer);
  samples.push(rss(pid));
  const firstHalf = samples.slice(1, Math.ceil(samples.length / 2));
  const secondHalf = samples.slice(Math.ceil(samples.length / 2));
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  return (
    `\nsoak: identify for ${SOAK} s more on the same database: ${run.rps.toFixed(0)} req/s, p50 ${run.p50} ms, ` +
    `p99 ${run.p99} ms, ${run.errors} errors, ${run.total} requests, ${run.cpuPerRequest.toFixed(3)} CPU ms/req; ` +
    `load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}\n` +
    `collector RSS every 5 s (MB): ${samples.map((s) => s.toFixed(0)).join(' ')}\n` +
    `RSS mean first half ${mean(firstHalf).toFixed(0)} MB, second half ${mean(secondHalf).toFixed(0)} MB, ` +
    `peak ${peakRss(pid).toFixed(0)} MB`
  );
}
