/**
 * Load benchmark (not a timed test; run by hand): the collector on SQLite against a bare node:http server that
 * answers 200, both in their own processes on this machine, driven by the same autocannon settings.
 *
 *   npx tsx test/bench/load.ts [--seconds 10] [--connections 10] [--soak 60]
 *
 * Reports req/s, p50/p99 latency, errors and peak RSS for identify (a new visitor with a new email: creates a
 * lead) and create, the collector/bare ratio, then a soak of identify with RSS sampled every 5 s.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createSiteWithKeys, openStore } from '@leadtrail/collector';
import autocannon from 'autocannon';
import { startCollectorProcess } from '../postgres/processes.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    soak: { type: 'string', default: '60' },
  },
});
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
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

/** Peak resident set size of a process so far (VmHWM), in MB. */
const peakRss = (pid: number) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const rss = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

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

async function drive(url: string, key: string, kind: keyof typeof bodies, seconds: number) {
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
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    total: result.requests.total,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'leadtrail-load-'));
const db = join(dir, 'load.db');
const setup = await openStore(db);
const { secret_key } = await createSiteWithKeys(setup, 'Load', []);
await setup.close();

const bare = await startBare();
const collector = await startCollectorProcess(db);
const collectorPid = collector.child.pid!;
log(`machine: ${cpus().length} x ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}`);
log(`autocannon: ${CONNECTIONS} connections, ${SECONDS} s per run, in this process; servers in their own processes`);

const rows: string[] = [];
for (const kind of ['identify', 'create'] as const) {
  await drive(bare.url, secret_key, kind, 2); // warm-up
  await drive(collector.url, secret_key, kind, 2);
  const b = await drive(bare.url, secret_key, kind, SECONDS);
  const c = await drive(collector.url, secret_key, kind, SECONDS);
  rows.push(
    `| ${kind} | bare node:http | ${b.rps.toFixed(0)} | ${b.p50} | ${b.p99} | ${b.errors} | ${peakRss(bare.child.pid!).toFixed(0)} | |`,
    `| ${kind} | collector (SQLite) | ${c.rps.toFixed(0)} | ${c.p50} | ${c.p99} | ${c.errors} | ${peakRss(collectorPid).toFixed(0)} | ${((c.rps / b.rps) * 100).toFixed(0)}% |`,
  );
}
console.log('| route | server | req/s | p50 ms | p99 ms | errors | peak RSS MB | collector/bare |');
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);

if (SOAK > 0) {
  const samples: string[] = [];
  const timer = setInterval(() => samples.push(rss(collectorPid).toFixed(0)), 5000);
  const soak = await drive(collector.url, secret_key, 'identify', SOAK);
  clearInterval(timer);
  console.log(
    `\nsoak: identify for ${SOAK} s: ${soak.rps.toFixed(0)} req/s, p99 ${soak.p99} ms, ${soak.errors} errors, ` +
      `${soak.total} requests; collector RSS every 5 s (MB): ${samples.join(' ')}`,
  );
}

await collector.stop();
bare.child.kill();
rmSync(dir, { recursive: true, force: true });
