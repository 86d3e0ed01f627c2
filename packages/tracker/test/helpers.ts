/** Shared set-up for the tracker's unit tests: a fresh IndexedDB, fresh modules and a recording fetch. */
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, vi } from 'vitest';
import type { Leadtrail, Options } from '../src/api.ts';
import type { State } from '../src/storage.ts';

export const KEY = 'lt_pk_test';
export const API = 'https://collector.example';
export const URL_IDENTIFY = `${API}/api/agents/tools/leads/identify`;

// Captured before any test fakes timers: waiting must stay real.
const realSetTimeout = globalThis.setTimeout;

/** Lets fake-indexeddb and promise chains run. */
export const settle = (ms = 5) => new Promise((r) => realSetTimeout(r, ms));

/** A new, empty IndexedDB for the next tracker (one per test keeps tests apart). */
export const freshDb = () => {
  const factory = new IDBFactory();
  vi.stubGlobal('indexedDB', factory);
  return factory;
};

/** The tracker's stored record, read straight from IndexedDB. */
export const readState = async (): Promise<State | undefined> => {
  const { createStore, get } = await import('idb-keyval');
  return get('s', createStore('leadtrail', 's'));
};

export interface Sent {
  url: string;
  init: RequestInit;
  body: Record<string, unknown>;
}

/** Replaces fetch; `respond(n)` answers the n-th request (1-based). */
export const stubFetch = (respond: (n: number) => Response | Promise<Response> = () => new Response('{}')) => {
  const sent: Sent[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init: RequestInit) => {
      sent.push({ url, init, body: JSON.parse(init.body as string) });
      return Promise.resolve(respond(sent.length));
    }),
  );
  return sent;
};

const started: Leadtrail[] = [];

/** Imports fresh modules (fresh module state) and starts a tracker; stopped again after the test. */
export const load = async (options: Partial<Options> = {}) => {
  vi.resetModules();
  const { start } = await import('../src/api.ts');
  const lt = start({ key: KEY, api: API, ...options });
  started.push(lt);
  return lt;
};

/** Polls until `f` returns (or resolves to) something truthy. */
export const until = async <T>(f: () => T | Promise<T>, ms = 2000): Promise<T> => {
  const end = performance.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (performance.now() > end) throw new Error('timed out waiting');
    await settle(2);
  }
};

afterEach(async () => {
  // Listeners of earlier trackers stay on the shared window: make them inert.
  for (const lt of started.splice(0)) lt.optOut();
  await settle();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  vi.useRealTimers();
  document.body.innerHTML = '';
  history.replaceState(null, '', '/');
  localStorage.clear();
});
