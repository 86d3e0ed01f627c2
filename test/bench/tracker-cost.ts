/**
 * The tracker's main-thread cost at page load, in real Chromium (not a timed test; run by hand):
 *
 *   npx tsx test/bench/tracker-cost.ts [--loads 30] [--script a/leadtrail.js [--script b/leadtrail.js]] [--compare]
 *
 * Each load is a fresh browser context (a first visit: IndexedDB is opened and the state created) of a page holding
 * one tracker. `--script` (repeatable) measures other builds of leadtrail.js (default: packages/tracker/dist), for an
 * A/B on one machine; `--compare` adds Plausible's npm tracker and Umami's tracker (both root devDependencies, bundled
 * here with esbuild). All contenders are loaded interleaved (round i loads each once, the order rotated each round),
 * after two uncounted warm-up loads each, so a machine growing busier or quieter weighs on all of them alike.
 *
 * A DevTools trace of each load is read for every slice of main-thread work the tracker caused: the script's
 * evaluation (compile + run), every later callback of it (`FunctionCall` attributed to its URL: IndexedDB answers,
 * listeners, timers, idle callbacks) and every promise-callback run (`RunMicrotasks`) not inside one of those (the
 * page holds no other script, so they are the tracker's). Summed as thread time (CPU the main thread spent: a busy
 * machine stretches wall time far more). Two figures per load:
 *   - at load: the slices that start before the page's load event has ended (what competes with loading);
 *   - in 1.5 s: all of them in the first 1.5 s (at load plus what was deferred to idle time).
 * Each load must show that the script did its on-load work, or the run fails: leadtrail's IndexedDB record holds
 * this page view; Plausible and Umami sent their page view (the server answers 202).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS } from '../support/browser.ts';
import { CHROMIUM } from '../support/global-setup.ts';

const { values } = parseArgs({
  options: {
    loads: { type: 'string', default: '30' },
    // Other builds to measure (an A/B against dist/), e.g. one built from an earlier commit.
    script: { type: 'string', multiple: true },
    compare: { type: 'boolean', default: false },
    // Median thread time per kind of slice, per contender.
    breakdown: { type: 'boolean', default: false },
  },
});
const LOADS = Number(values.loads);
const WINDOW_MS = 1500;

interface Contender {
  name: string;
  code: Buffer;
  /** The script tag (src is /<index>.js). */
  tag: (src: string) => string;
  /** Did the script do its on-load work in this page? */
  ran: (page: Page, requests: { path: string; body: string }[]) => Promise<boolean>;
}

const leadtrailRecord = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<unknown>((resolve) => {
        const opening = indexedDB.open('leadtrail');
        opening.onerror = () => resolve(null);
        opening.onsuccess = () => {
          try {
            const reading = opening.result.transaction('s').objectStore('s').get('s');
            reading.onsuccess = () => resolve(reading.result);
            reading.onerror = () => resolve(null);
          } catch {
            resolve(null);
          }
        };
      }),
  ) as Promise<{ v?: string; p?: { path: string }[] } | null>;

const leadtrail = (file: string, name: string): Contender => ({
  name,
  code: readFileSync(file),
  tag: (src) => `<script src="${src}" data-key="lt_pk_benchbenchbenchbenchbench" defer></script>`,
  // The stored record (one-letter names, as shipped) holds the visitor and this page view.
  ran: async (page) => {
    const record = await leadtrailRecord(page);
    return !!record?.v && record.p?.length === 1 && record.p[0]!.path.startsWith('/?t=');
  },
});

const scripts = values.script?.length
  ? values.script
  : [fileURLToPath(new URL('../../packages/tracker/dist/leadtrail.js', import.meta.url))];
const contenders: Contender[] = scripts.map((file, i) =>
  leadtrail(file, scripts.length > 1 ? `leadtrail ${i + 1} (${basename(file)})` : 'leadtrail'),
);

if (values.compare) {
  // Bundled the way a site would serve them.
  const { buildSync } = await import('esbuild');
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const bundle = (options: Parameters<typeof buildSync>[0]) =>
    Buffer.from(
      buildSync({ bundle: true, minify: true, format: 'iife', target: 'es2021', write: false, ...options })
        .outputFiles![0]!.contents,
    );
  // Plausible's npm tracker (an ES module): init() records the page view at once, engagement and tagged events
  // after. captureOnLocalhost: the bench page is on 127.0.0.1, which it ignores otherwise.
  contenders.push({
    name: 'plausible',
    code: bundle({
      stdin: {
        contents: `import { init } from '@plausible-analytics/tracker';
init({ domain: 'bench.example', endpoint: '/api/event', captureOnLocalhost: true });`,
        resolveDir: root,
      },
    }),
    tag: (src) => `<script src="${src}" defer></script>`,
    ran: async (_page, requests) =>
      requests.some((r) => r.path === '/api/event' && JSON.parse(r.body).n === 'pageview'),
  });
  // Umami publishes only its tracker's source in the npm package; its own build is a plain rollup + terser IIFE.
  contenders.push({
    name: 'umami',
    code: bundle({ entryPoints: [`${root}/node_modules/umami/src/tracker/index.js`] }),
    tag: (src) => `<script src="${src}" data-website-id="00000000-0000-4000-8000-000000000000" defer></script>`,
    ran: async (_page, requests) => requests.some((r) => r.path === '/api/send' && JSON.parse(r.body).type === 'event'),
  });
}

const server = createServer((req, res) => {
  const script = /^\/(\d+)\.js/.exec(req.url ?? '');
  if (script) {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    res.end(contenders[Number(script[1])]!.code);
    return;
  }
  if (req.method === 'POST') {
    // The page views of Plausible (/api/event) and Umami (/api/send).
    req.resume();
    res.writeHead(202, { 'access-control-allow-origin': '*' }).end();
    return;
  }
  const which = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('t'));
  res.writeHead(200, { 'content-type': 'text/html' });
  // Playwright's Chromium says navigator.webdriver: Plausible records nothing then, unless told it is a test.
  res.end(`<!doctype html><title>Bench</title><script>window.__plausible = 1</script><h1>Bench page</h1>
${contenders[which]!.tag(`/${which}.js`)}`);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { data?: { url?: string; functionName?: string; type?: string } };
}

interface Load {
  atLoad: number;
  total: number;
  slices: Record<string, number>;
}

/** One first-visit load of contender `which`, traced. */
const measure = async (which: number): Promise<Load> => {
  const contender = contenders[which]!;
  const context = await browser.newContext();
  const page = await context.newPage();
  const requests: { path: string; body: string }[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST')
      requests.push({ path: new URL(request.url()).pathname, body: request.postData() ?? '' });
  });
  await browser.startTracing(page, { categories: ['devtools.timeline', 'v8.execute', 'blink.user_timing'] });
  await page.goto(`${origin}/?t=${which}`);
  await page.waitForTimeout(WINDOW_MS);
  const { traceEvents } = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
  if (!(await contender.ran(page, requests))) throw new Error(`${contender.name} did not do its on-load work`);
  await context.close();

  const src = `${origin}/${which}.js`;
  const evaluation = traceEvents.find((e) => e.name === 'EvaluateScript' && e.args?.data?.url === src);
  if (!evaluation) throw new Error(`no evaluation of ${contender.name} in the trace`);
  const main = traceEvents
    .filter((e) => e.pid === evaluation.pid && e.tid === evaluation.tid)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const loadEnd = main.find((e) => e.name === 'loadEventEnd' && e.ts >= evaluation.ts)?.ts ?? Infinity;
  const end = evaluation.ts + WINDOW_MS * 1e3;
  const result: Load = { atLoad: 0, total: 0, slices: {} };
  let coveredUntil = 0;
  for (const e of main) {
    if (e.ph !== 'X' || e.ts < evaluation.ts || e.ts > end || e.ts < coveredUntil) continue;
    const label =
      e.name === 'EvaluateScript' && e.args?.data?.url === src
        ? 'evaluate'
        : e.name === 'FunctionCall' && e.args?.data?.url === src
          ? `call ${e.args.data.functionName || '(anonymous)'}`
          : e.name === 'RunMicrotasks'
            ? 'microtasks'
            : '';
    if (!label) continue;
    // Thread time (tdur): CPU the main thread spent, not wall time a busy machine may stretch.
    const ms = (e.tdur ?? e.dur ?? 0) / 1e3;
    coveredUntil = e.ts + (e.dur ?? 0);
    result.total += ms;
    if (e.ts < loadEnd) result.atLoad += ms;
    const key = `${e.ts < loadEnd ? 'at load' : 'after  '} ${label}`;
    result.slices[key] = (result.slices[key] ?? 0) + ms;
  }
  return result;
};

const load0 = loadavg();
const results: Load[][] = contenders.map(() => []);
for (let round = -2; round < LOADS; round++) {
  for (let k = 0; k < contenders.length; k++) {
    const which = (k + Math.max(round, 0)) % contenders.length;
    const load = await measure(which);
    // The first two rounds warm up the browser and are not counted.
    if (round >= 0) results[which]!.push(load);
  }
}
await browser.close();
server.close();

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  return sorted[Math.floor(at)]! + (sorted[Math.ceil(at)]! - sorted[Math.floor(at)]!) * (at - Math.floor(at));
};
const fmt = (ms: number) => ms.toFixed(2).padStart(6);
const load1 = loadavg();
console.log(
  `machine: ${cpus().length} x ${cpus()[0]?.model}; load average ${load0.map((l) => l.toFixed(2)).join(' ')} ` +
    `at start, ${load1.map((l) => l.toFixed(2)).join(' ')} at end; Chromium ${browser.version()}`,
);
console.log(
  `${LOADS} first-visit loads each, interleaved; main-thread thread time in ms (script evaluation, its callbacks, ` +
    'promise callbacks)',
);
console.log(
  `${'script'.padEnd(34)} ${'gzip'.padStart(6)}   at load: median    p90   in ${WINDOW_MS / 1e3} s: median    p90`,
);
const medians = results.map((loads) =>
  quantile(
    loads.map((l) => l.atLoad),
    0.5,
  ),
);
const totals = results.map((loads) =>
  quantile(
    loads.map((l) => l.total),
    0.5,
  ),
);
contenders.forEach((contender, i) => {
  const atLoad = results[i]!.map((l) => l.atLoad);
  const total = results[i]!.map((l) => l.total);
  const gzip = String(gzipSync(contender.code, { level: 9 }).length).padStart(6);
  console.log(
    `${contender.name.padEnd(34)} ${gzip}             ${fmt(medians[i]!)} ${fmt(quantile(atLoad, 0.9))}` +
      `               ${fmt(totals[i]!)} ${fmt(quantile(total, 0.9))}`,
  );
});
for (let i = 0; i < contenders.length; i++)
  for (let j = i + 1; j < contenders.length; j++)
    console.log(
      `ratio ${contenders[i]!.name} / ${contenders[j]!.name}: at load ${(medians[i]! / medians[j]!).toFixed(2)}, ` +
        `in ${WINDOW_MS / 1e3} s ${(totals[i]! / totals[j]!).toFixed(2)} (medians)`,
    );
if (values.breakdown)
  contenders.forEach((contender, i) => {
    const loads = results[i]!;
    const keys = [...new Set(loads.flatMap((l) => Object.keys(l.slices)))].sort();
    console.log(`\n${contender.name}: median per kind of slice (loads without it count 0)`);
    for (const key of keys) {
      const each = loads.map((l) => l.slices[key] ?? 0);
      console.log(`  ${key.padEnd(60)} ${fmt(quantile(each, 0.5))}  (in ${each.filter(Boolean).length} loads)`);
    }
  });
