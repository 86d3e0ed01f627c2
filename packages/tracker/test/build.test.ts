// @vitest-environment happy-dom
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createStore, set } from 'idb-keyval';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Leadtrail } from '../src/api.ts';
import { freshDb, KEY, readState, settle, stubFetch, until } from './helpers.ts';

const root = join(import.meta.dirname, '..');
let iife: string;
let esm: string;

beforeAll(() => {
  // Into a directory of its own: dist/ may be served by a collector another suite is running.
  const out = mkdtempSync(join(tmpdir(), 'leadtrail-build-'));
  execFileSync(process.execPath, ['scripts/build.mjs', out], { cwd: root, stdio: 'pipe' });
  iife = readFileSync(join(out, 'leadtrail.js'), 'utf8');
  esm = readFileSync(join(out, 'leadtrail.mjs'), 'utf8');
  rmSync(out, { recursive: true, force: true });
});

let running: Leadtrail | undefined;

/** Runs the built file as a new page would: its own copy, not the instance an earlier run left on the window. */
const runBundle = () => {
  running?.optOut(); // the earlier copy's listeners stay on the shared window: make them inert
  delete (globalThis as { leadtrail?: unknown }).leadtrail;
  // Test code evaluating the built file, the way a browser runs a classic script.
  new Function(iife)();
  running = (globalThis as unknown as { leadtrail: Leadtrail }).leadtrail;
  return running;
};

afterEach(() => {
  running?.optOut();
  running = undefined;
});

describe('the built leadtrail.js', () => {
  it('fits the budget: at most 3,072 bytes gzipped (level 9)', () => {
    expect(gzipSync(iife, { level: 9 }).length).toBeLessThanOrEqual(3072);
  });

  it('is strict-CSP safe: no eval, no Function constructor, no inline styles, no source map', () => {
    expect(iife).not.toMatch(/\beval\b|new Function|Function\(|\.style\b|setAttribute\(["']style|innerHTML/);
    expect(iife).not.toContain('sourceMappingURL');
    expect(esm).toMatch(/export\s*\{/);
  });

  it('runs in a page, adds only the `leadtrail` global and delivers an identify', async () => {
    freshDb();
    const sent = stubFetch();
    document.head.innerHTML = `<script type="text/x-test" src="https://collector.example/leadtrail.js" data-key="${KEY}"></script>`;
    const before = new Set(Object.getOwnPropertyNames(globalThis));
    const lt = runBundle();
    expect(Object.getOwnPropertyNames(globalThis).filter((k) => !before.has(k))).toEqual(['leadtrail']);
    expect(await lt.visitor()).toMatchObject({ visit_count: 1 });
    lt.identify({ email: 'ada@example.com' });
    await until(() => sent.length === 1);
    expect(sent[0]!.url).toBe('https://collector.example/api/agents/tools/leads/identify');
  });
});

/**
 * What returning visitors' browsers hold: the IndexedDB record `s` (store `s`, database `leadtrail`) under these
 * names, and the localStorage keys `leadtrail` and `lt_q`. The source names them readably; the build mangles them
 * back to these (scripts/mangle-cache.json). A change here loses every visitor's history and queue.
 */
interface Stored {
  v?: string;
  p?: { path: string; title: string; at: string }[];
  t?: number;
  c?: number;
  a?: number;
  i?: number;
  o?: number;
  q?: { b: { event_id: string }; n: number; t: number }[];
  f?: { url: string; referrer: string; at: string };
  l?: { url: string; referrer: string; at: string };
}

const T0 = new Date('2026-03-01T10:00:00.000Z').getTime();
/** This page's load at T0 as a touch (`f` first, `l` latest): direct, no hash. */
const landing = () => ({
  url: location.href.split('#')[0]!,
  referrer: document.referrer,
  at: new Date(T0).toISOString(),
});
const seed = (record: Stored) => set('s', record, createStore('leadtrail', 's'));
const stored = async () => (await readState()) as Stored | undefined;
const submission = (event_id: string) => ({
  key: KEY,
  event_id,
  visitor_id: 'returning',
  email: 'earlier@example.com',
  pages_visited: [],
  time_spent: 0,
  visit_count: 1,
});

describe('the built leadtrail.js and what visitors have stored', () => {
  it('reads a returning visitor: record, queue, stashed time and unsent submission, by their stored names', async () => {
    freshDb();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    vi.spyOn(document, 'hasFocus').mockReturnValue(true);
    const earlier = { path: '/before', title: 'Before', at: '2026-03-01T09:55:00.000Z' };
    await seed({
      v: 'returning',
      p: [earlier],
      t: 42_000,
      c: 3,
      a: T0 - 5 * 60_000, // 5 minutes ago: the same visit
      i: 1,
      q: [{ b: submission('queued-earlier'), n: 2, t: 0 }],
    });
    localStorage.leadtrail = '5000';
    localStorage.lt_q = JSON.stringify(submission('unsent-earlier'));
    const sent = stubFetch();
    const lt = runBundle();
    expect(await lt.visitor()).toEqual({
      visitor_id: 'returning',
      pages_visited: [earlier, { path: location.pathname, title: document.title, at: new Date(T0).toISOString() }],
      time_spent: 47,
      visit_count: 3,
      // A record from before touches were kept: this load is its first touch (direct).
      touches: [landing(), landing()],
    });
    await until(() => sent.length === 2);
    expect(sent.map((s) => s.body.event_id).sort()).toEqual(['queued-earlier', 'unsent-earlier']);
    expect(localStorage.leadtrail).toBeUndefined();
    expect(localStorage.lt_q).toBeUndefined();
    // Identified (`i`): leaving the page sends the behaviour.
    window.dispatchEvent(new Event('pagehide'));
    await until(() => sent.length === 3);
    expect(sent[2]!.body).toMatchObject({ visitor_id: 'returning', visit_count: 3 });
  });

  it('writes the record, the queue and both localStorage keys under the same names', async () => {
    freshDb();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    vi.spyOn(document, 'hasFocus').mockReturnValue(true);
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const sent = stubFetch(() => new Response('{}', { status: 503 }));
    const lt = runBundle();
    const { visitor_id } = (await lt.visitor())!;
    lt.identify({ email: 'ada@example.com' });
    await until(() => sent.length === 1);
    const { event_id } = sent[0]!.body;
    expect(JSON.parse(localStorage.lt_q).event_id).toBe(event_id);
    await until(async () => (await stored())?.q?.[0]?.n === 1);
    expect(await stored()).toEqual({
      v: visitor_id,
      p: [{ path: location.pathname, title: document.title, at: new Date(T0).toISOString() }],
      t: 0,
      c: 1,
      a: T0,
      i: 1,
      f: landing(),
      l: landing(),
      q: [{ b: sent[0]!.body, n: 1, t: T0 + 1000 }], // the 503 is retried after a jittered 0.5 * 2 s
    });
    vi.setSystemTime(T0 + 12_000);
    window.dispatchEvent(new Event('pagehide'));
    expect(localStorage.leadtrail).toBe('12000'); // the active time of a page being left
    await until(() => sent.length === 2); // the behaviour sync of an identified visitor
    await settle();
    lt.optOut();
    await settle();
    expect(await stored()).toEqual({ o: 1 });
  });

  it('stays stopped for a visitor whose record says opted out (`o`)', async () => {
    freshDb();
    await seed({ o: 1 });
    const sent = stubFetch();
    const lt = runBundle();
    expect(await lt.visitor()).toBeNull();
    lt.identify({ email: 'ada@example.com' });
    await settle(20);
    expect(sent).toEqual([]);
    expect(await stored()).toEqual({ o: 1 });
  });
});
