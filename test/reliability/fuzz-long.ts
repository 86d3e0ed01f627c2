/**
 * The long fuzz run (not a CI test; run by hand): the hostile-input properties of fuzz.test.ts, 10,000+ cases per
 * route, against a real `leadtrail serve` process. Checks, per route: no 5xx, every answer a JSON error with its code,
 * every table unchanged, the process alive; at the end, no unexpected error in the request log, a request id on every
 * line, and a clean exit on SIGTERM. Prints a Markdown table of the figures (written down in
 * packages/collector/docs/reliability.md).
 *
 *   npx tsx test/reliability/fuzz-long.ts [--runs 10000] [--store sqlite|postgres] [--seed N]
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { type Case, hostileCase, type Keys, ROUTES, type Route, randomCase, requestOf } from './hostile.ts';
import { openDumpableStore, PG_URL, type RawAnswer, seedLead, send, siteOn, startLoggedProcess } from './support.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    store: { type: 'string', default: 'sqlite' },
    seed: { type: 'string' },
  },
});
const RUNS = Number(args.runs);
const STORE = args.store === 'postgres' ? 'postgres' : 'sqlite';
const SEED = args.seed === undefined ? Date.now() ^ (Math.random() * 2 ** 31) : Number(args.seed);
const ORIGIN = 'http://site.test';
const log = (m: string) => process.stderr.write(`${m}\n`);

if (STORE === 'postgres' && !PG_URL) throw new Error('--store postgres needs LEADTRAIL_TEST_DATABASE_URL');

const handle = await openDumpableStore(STORE);
const site = await siteOn(handle.store, [ORIGIN]);
const collector = await startLoggedProcess(handle.db, [
  '--ip-rate-limit',
  'off',
  '--site-rate-limit',
  'off',
  '--key-rate-limit',
  'off',
]);
const keys: Keys = { secret: site.secretKey, publishable: site.publishableKey, origin: ORIGIN };
const seeded = await seedLead(collector.url, keys.secret, 'seed@fuzz.test');
if (seeded.status !== 201) throw new Error(`seeding failed: ${seeded.status} ${seeded.text}`);
const ids = { leadId: seeded.json.lead.id as string, email: 'seed@fuzz.test' };

log(
  `machine: ${cpus().length} x ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}`,
);
log(`store: ${STORE}; fast-check seed ${SEED}; ${RUNS} hostile + ${Math.ceil(RUNS / 3)} random cases per route`);

interface Figures {
  cases: number;
  statuses: Map<string, number>;
  codes: Map<string, number>;
  ms: number[];
  fiveXx: number;
  seconds: number;
  unchanged: boolean;
  alive: boolean;
}

/** What an answer is, for the tally: its HTTP status, and its error code (REST, tool result or JSON-RPC). */
function classify(answer: RawAnswer): { status: string; code: string } {
  const j = answer.json;
  if (j?.jsonrpc === '2.0') {
    if (j.error) return { status: String(answer.status), code: `rpc ${j.error.code}` };
    if (j.result?.isError)
      return { status: String(answer.status), code: `tool ${j.result.structuredContent?.error?.code}` };
    return { status: String(answer.status), code: 'tool ok' };
  }
  if (answer.status === 202) return { status: '202', code: '(no content)' };
  return { status: String(answer.status), code: j?.error?.code ?? (j?.success ? 'ok' : 'non-json') };
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

/** The checks of fuzz.test.ts, as plain code (no test runner here): throws on a wrong answer. */
function check(route: Route, answer: RawAnswer, hostile: boolean, label: string) {
  const fail = (why: string) => {
    throw new Error(`${route.name} <- ${label}: ${why}: ${answer.status} ${answer.text.slice(0, 300)}`);
  };
  if (answer.status >= 500) fail('5xx');
  const kind = classify(answer);
  if (kind.code === 'non-json' && !(route.mcp && answer.status === 202)) fail('not a JSON error');
  const success = kind.code === 'ok' || kind.code === 'tool ok';
  if (success && hostile) fail('a hostile request succeeded');
  if (success && !hostile && !(answer.json?.data || answer.json?.result?.structuredContent?.data))
    fail('a write succeeded');
}

async function fuzz(route: Route): Promise<Figures> {
  const figures: Figures = {
    cases: 0,
    statuses: new Map(),
    codes: new Map(),
    ms: [],
    fiveXx: 0,
    seconds: 0,
    unchanged: false,
    alive: false,
  };
  const before = await handle.dump();
  const started = performance.now();
  const one = async (c: Case, hostile: boolean) => {
    const t = performance.now();
    const answer = await send(`${collector.url}${route.path}`, requestOf(route, c, keys));
    figures.ms.push(performance.now() - t);
    figures.cases++;
    const kind = classify(answer);
    bump(figures.statuses, kind.status);
    bump(figures.codes, kind.code);
    if (answer.status >= 500) figures.fiveXx++;
    check(route, answer, hostile, c.label);
  };
  await fc.assert(
    fc.asyncProperty(hostileCase(route, ids), (c) => one(c, true)),
    { numRuns: RUNS, seed: SEED },
  );
  await fc.assert(
    fc.asyncProperty(randomCase(route), (c) => one(c, false)),
    { numRuns: Math.ceil(RUNS / 3), seed: SEED + 1 },
  );
  figures.seconds = (performance.now() - started) / 1000;
  figures.unchanged = JSON.stringify(await handle.dump()) === JSON.stringify(before);
  figures.alive = collector.child.exitCode === null && collector.child.signalCode === null;
  figures.ms.sort((a, b) => a - b);
  return figures;
}

const rows: string[] = [];
let failed = false;
for (const route of ROUTES) {
  let f: Figures;
  try {
    f = await fuzz(route);
  } catch (error) {
    failed = true;
    log(String(error instanceof Error ? error.message : error));
    rows.push(`| ${route.name} | FAILED (see above) | | | | | |`);
    continue;
  }
  const codes = [...f.codes]
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  rows.push(
    `| ${route.name} | ${f.cases} | ${f.fiveXx} | ${codes} | ${pct(f.ms, 0.5).toFixed(1)} / ${pct(f.ms, 0.99).toFixed(1)} / ${f.ms.at(-1)!.toFixed(0)} | ${f.unchanged ? 'yes' : 'NO'} | ${f.alive ? 'yes' : 'NO'} | ${f.seconds.toFixed(0)} |`,
  );
  if (!f.unchanged || !f.alive || f.fiveXx) failed = true;
  log(`${route.name}: ${f.cases} cases in ${f.seconds.toFixed(0)} s`);
}

await collector.stop();
const exit = await collector.exited;
const lines = collector.stdout().trim().split('\n');
const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
const errors = entries.filter((e) => e.level === 'error');
const withoutId = entries.filter((e) => typeof e.req_id !== 'string');
const logged5xx = entries.filter((e) => typeof e.status === 'number' && e.status >= 500);

console.log(
  `\nfast-check seed ${SEED}; store ${STORE}; load average during the run ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  '| route | cases | 5xx | answers (HTTP error code, JSON-RPC code or tool error code: count) | ms p50 / p99 / max | store unchanged | process alive |  s |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
console.log(
  `\nrequest log: ${entries.length} lines, ${withoutId.length} without req_id, ${errors.length} error entries, ` +
    `${logged5xx.length} 5xx; exit on SIGTERM: ${JSON.stringify(exit)}`,
);
if (errors.length || withoutId.length || logged5xx.length || exit.code !== 0) failed = true;

await handle.cleanup();
process.exit(failed ? 1 : 0);
