/**
 * Load benchmark (not a timed test; run by hand): `leadtrail serve` on SQLite against a bare node:http server that
 * answers 200, both in their own processes on this machine, driven in the same run by the same autocannon settings.
 *
 *   npx tsx test/bench/load.ts [--seconds 10] [--connections 10] [--repeat 3] [--soak 60]
 *
 * For identify (a new visitor with a new email: creates a lead and its visitor) and create, it reports req/s, p50/p99
 * latency, errors (non-2xx, timeouts, socket errors), the server's CPU time per request and its peak RSS, and the
 * collector/bare ratio of req/s. Each route gets a collector on a fresh database. With --repeat N every measurement is
 * taken N times, alternating servers, and the median (by req/s) is reported. After identify's runs, a soak: identify
 * for --soak seconds more on the same (by then larger) database, with the collector's RSS sampled every 5 s.
 * The machine and its load average are printed with the figures: the machine may be shared.
 *
 * The collector's rate limits are turned off (`--key-rate-limit off`, ...): this measures capacity, not the limits.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { createSiteWithKeys } from '@leadtrail/collector';
import autocannon from 'autocannon';
import { openDumpableStore, startLoggedProcess } from '../reliability/support.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    repeat: { type: 'string', default: '3' },
    soak: { type: 'string', default: '60' },
    /** Another build of the CLI to measure instead (say, an earlier version, to compare); given no flags. */
    cli: { type: 'string' },
  },
});
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const REPEAT = Number(args.repeat);
const SOAK = Number(args.soak);
const LEADS = '/api/agents/tools/leads';
const log = (m: string) => process.stderr.write(`${m}\n`);

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

/** A collector process on a fresh SQLite file with a site; its secret key. */
async function freshCollector() {
  const handle = await openDumpableStore('sqlite');
  const { secret_key } = await createSiteWithKeys(handle.store, 'Load', []);
  await handle.store.close();
  const serve = await startLoggedProcess(
    handle.db,
    args.cli ? [] : ['--ip-rate-limit', 'off', '--site-rate-limit', 'off', '--key-rate-limit', 'off'],
    { keepLog: false, ...(args.cli ? { cli: args.cli } : {}) },
  );
  return {
    url: serve.url,
    pid: serve.child.pid!,
    key: secret_key,
    async stop() {
      await serve.stop();
      rmSync(handle.db.slice(0, handle.db.lastIndexOf('/')), { recursive: true, force: true });
    },
  };
}

const bare = await startBare();
const bench = `${CONNECTIONS} connections, ${SECONDS} s per run, median of ${REPEAT}`;
log(
  `machine: ${cpus().length} x ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}`,
);
log(`autocannon in this process, ${bench}; servers in their own processes; load average ${loadavg().join(' ')}`);

const rows: string[] = [];
let soakLine = '';
for (const kind of ['identify', 'create'] as const) {
  // Each route on a fresh database, so the two start alike (the tables, and their cost per insert, grow as they run).
  const collector = await freshCollector();
  await drive(bare.url, bare.child.pid!, collector.key, kind, 2); // warm-up
  await drive(collector.url, collector.pid, collector.key, kind, 2);
  const bares: Run[] = [];
  const collectors: Run[] = [];
  for (let i = 0; i < REPEAT; i++) {
    bares.push(await drive(bare.url, bare.child.pid!, collector.key, kind, SECONDS));
    collectors.push(await drive(collector.url, collector.pid, collector.key, kind, SECONDS));
    log(
      `${kind} #${i + 1}: bare ${bares.at(-1)!.rps.toFixed(0)} req/s, collector ${collectors.at(-1)!.rps.toFixed(0)} req/s`,
    );
  }
  const b = median(bares);
  const c = median(collectors);
  const row = (server: string, r: Run, pid: number, ratio: string) =>
    `| ${kind} | ${server} | ${r.rps.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.cpuPerRequest.toFixed(3)} | ${peakRss(pid).toFixed(0)} | ${ratio} | ${r.load.toFixed(2)} |`;
  rows.push(
    row('bare node:http', b, bare.child.pid!, ''),
    row('collector (SQLite)', c, collector.pid, `${((c.rps / b.rps) * 100).toFixed(0)}%`),
  );
  if (kind === 'identify' && SOAK > 0) soakLine = await soak(collector.url, collector.pid, collector.key);
  await collector.stop();
}
console.log(
  `\n${cpus().length} x ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; ${bench}`,
);
console.log(
  '| route | server | req/s | p50 ms | p99 ms | errors | server CPU ms/req | peak RSS MB | collector/bare | load avg (1 min) |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
if (soakLine) console.log(soakLine);

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

bare.child.kill();
