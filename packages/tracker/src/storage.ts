/**
 * All state lives in one IndexedDB record, changed only through `upd` (one readwrite transaction per change,
 * so tabs never lose each other's increments). `st` is a synchronous cache of that record, so a
 * submit can build its payload without waiting for IndexedDB. A failed operation is retried once on a fresh
 * connection (Safari drops connections of background tabs, idb-keyval #165/#175); a second failure switches to
 * memory for the rest of the page (no IndexedDB, Firefox private InvalidStateError, Safari QuotaExceededError).
 */
import type { TrackerPayload } from '@leadtrail/protocol';
import { promisifyRequest } from 'idb-keyval';
import { setRun } from './util.ts';

export interface Page {
  path: string;
  title: string;
  at: string;
}
/** A queued submission: body, failed attempts, not-before time (ms). */
export interface Item {
  b: TrackerPayload;
  n: number;
  t: number;
}
export interface State {
  /** visitor id */
  v?: string;
  p?: Page[];
  /** active time, ms */
  t?: number;
  /** visit count */
  c?: number;
  /** last activity, ms */
  a?: number;
  /** identified */
  i?: number;
  /** opted out */
  o?: number;
  q?: Item[];
}

export let st: State = {};
let db: Promise<IDBDatabase> | 0 = 0;
let dead = 0;
/** Operations in flight; the cache takes the stored record when none is left. */
let busy = 0;

/** Object store `s` of database `leadtrail`; an open that never answers (blocked) fails after 3 s. */
const store = () => {
  db ||= new Promise<IDBDatabase>((ok, fail) => {
    const r = indexedDB.open('leadtrail');
    r.onupgradeneeded = () => r.result.createObjectStore('s');
    promisifyRequest(r).then(ok, fail);
    setTimeout(fail, 3e3);
  });
  return db.then((d) => d.transaction('s', 'readwrite').objectStore('s'));
};

/**
 * Applies `f` to the cache now, and to the stored record in one readwrite transaction (get, then put: what
 * idb-keyval's `update` does, inlined for size), so tabs never lose each other's changes. Resolves with the cache.
 */
export const upd = (f: (s: State) => unknown): Promise<State> => {
  f(st);
  let r: State;
  busy++;
  const go = () =>
    dead
      ? Promise.reject()
      : store().then((os) => {
          const q = os.get('s');
          q.onsuccess = () => {
            try {
              r = q.result || {};
              f(r);
              os.put(r, 's');
            } catch {
              os.transaction.abort();
            }
          };
          return promisifyRequest(os.transaction);
        });
  return go()
    .catch(() => {
      db = 0;
      return go();
    })
    .then(
      () => {
        if (!--busy && !dead) {
          st = r;
          // Opted out in another tab: stop here too.
          if (r.o) setRun(0);
        }
      },
      () => {
        dead = 1;
      },
    )
    .then(() => st);
};

/** Adds active time (ms). */
export const add = (ms: number) => (s: State) => {
  s.t = (s.t || 0) + ms;
};

/**
 * Time of a page being unloaded goes to localStorage (key `leadtrail`), which writes synchronously: an IndexedDB
 * transaction started in pagehide is cut off. `stash(ms)` adds; `stash()` takes it all out for the next page.
 */
export const stash = (ms?: number): number => {
  try {
    const old = ~~localStorage.leadtrail;
    if (ms) localStorage.leadtrail = old + ms;
    else delete localStorage.leadtrail;
    return old;
  } catch {
    return 0;
  }
};
