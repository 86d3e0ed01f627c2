/**
 * The tracker's main-thread cost at page load, in real Chromium (not a timed test; run by hand):
 *
 *   npx tsx test/bench/tracker-cost.ts [--loads 20] [--script path/to/leadtrail.js]
 *
 * Each load is a fresh browser context (a first visit: IndexedDB is opened and the state created). A DevTools
 * trace of the load is read for every slice of main-thread work attributed to leadtrail.js: the script's
 * evaluation (compile + run) and every later callback of it (IndexedDB answers, listeners) in the first 1.5 s.
 * Reported: the median and worst of the summed main-thread CPU time (trace thread time, so a busy machine does not
 * inflate it), and the longest single slice (a long task is >= 50 ms). v8.compile nests inside EvaluateScript.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS } from '../support/browser.ts';
import { CHROMIUM } from '../support/global-setup.ts';

const { values } = parseArgs({
  options: {
    loads: { type: 'string', default: '20' },
    // Another build to measure (an A/B against dist/), e.g. one built from an earlier commit.
    script: { type: 'string' },
  },
});
const LOADS = Number(values.loads);
const script = readFileSync(
  values.script ?? fileURLToPath(new URL('../../packages/tracker/dist/leadtrail.js', import.meta.url)),
);

const server = createServer((req, res) => {
  if (req.url?.startsWith('/leadtrail.js')) {
    res.writeHead(200, { 'content-type': 'text/javascript' });
    res.end(script);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end(`<!doctype html><title>Bench</title><h1>Bench page</h1>
<script src="/leadtrail.js" data-key="lt_pk_benchbenchbenchbenchbench" defer></script>`);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: CHROMIUM_FLAGS,
});

interface TraceEvent {
  name: string;
  ph: string;
  dur?: number;
  tdur?: number;
  args?: { data?: { url?: string } };
}
const totals: number[] = [];
const longest: number[] = [];
for (let i = 0; i < LOADS + 2; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await browser.startTracing(page, { categories: ['devtools.timeline'] });
  await page.goto(url);
  await page.waitForTimeout(1500);
  const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] };
  const ours = trace.traceEvents.filter(
    (e) =>
      e.ph === 'X' &&
      (e.name === 'EvaluateScript' || e.name === 'FunctionCall') &&
      e.args?.data?.url?.includes('/leadtrail.js'),
  );
  // Thread time (tdur): CPU the main thread spent, not wall time a busy machine may stretch.
  const ms = ours.map((e) => (e.tdur ?? e.dur ?? 0) / 1000);
  if (process.env.DEBUG_TRACE && i === 3)
    for (const e of ours)
      console.log(
        e.name,
        ((e.dur ?? 0) / 1000).toFixed(2),
        ((e.tdur ?? 0) / 1000).toFixed(2),
        JSON.stringify(e.args?.data).slice(0, 160),
      );
  if (i >= 2) {
    // The first two loads warm up the browser and are not counted.
    totals.push(ms.reduce((a, b) => a + b, 0));
    longest.push(Math.max(0, ...ms));
  }
  await context.close();
}
await browser.close();
server.close();

const sorted = [...totals].sort((a, b) => a - b);
const median = (sorted[Math.floor(sorted.length / 2)]! + sorted[Math.ceil(sorted.length / 2) - 1]!) / 2;
console.log(
  `machine: ${cpus().length} x ${cpus()[0]?.model}; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(
  `tracker main-thread cost over ${LOADS} first-visit loads: median ${median.toFixed(2)} ms, ` +
    `worst ${sorted.at(-1)!.toFixed(2)} ms; longest single slice ${Math.max(...longest).toFixed(2)} ms ` +
    `(a long task is >= 50 ms)`,
);
