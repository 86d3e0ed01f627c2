/**
 * All state lives in one IndexedDB record, changed only through `update` (one readwrite transaction per change,
 * so tabs never lose each other's increments). `state` is a synchronous cache of that record, so a
 * submit can build its payload without waiting for IndexedDB. A failed operation is retried once on a fresh
 * connection (Safari drops connections of background tabs, idb-keyval #165/#175); a second failure switches to
 * memory for the rest of the page (no IndexedDB, Firefox private InvalidStateError, Safari QuotaExceededError).
 */
import type { TrackerPayload } from '@leadtrail/protocol';
import { setRecording } from './util.ts';

export interface Touch {
  url: string;
  referrer: string;
  at: string;
}
export interface Page {
  path: string;
  title: string;
  at: string;
}
/*
 * State and Queued are stored in visitors' browsers. Their property names end in `_`: the build mangles them to the
 * one-letter names pinned in scripts/mangle-cache.json (given after each field here), which returning visitors'
 * records hold. The source runs unmangled only in unit tests.
 */

/** A queued submission. */
export interface Queued {
  /** The body to send (`b`). */
  body_: TrackerPayload;
  /** Failed attempts so far (`n`). */
  failures_: number;
  /** Not before this time, ms (`t`). */
  notBefore_: number;
}
/** The stored state: one IndexedDB record. */
export interface State {
  /** Visitor id (`v`). */
  visitorId_?: string;
  /** Pages visited, oldest first (`p`). */
  pages_?: Page[];
  /** Active time, ms (`t`). */
  activeMs_?: number;
  /** Visit count (`c`). */
  visits_?: number;
  /** Last activity, ms (`a`). */
  lastActive_?: number;
  /** Identified: a form or identify was sent (`i`). */
  identified_?: number;
  /** Opted out (`o`). */
  optedOut_?: number;
  /** The first touch (`f`). */
  firstTouch_?: Touch;
  /** The latest touch with a source, or the first (`l`). */
  latestTouch_?: Touch;
  /** Submissions waiting to be delivered (`q`). */
  queue_?: Queued[];
}

export let state: State = {};
let connection: Promise<IDBDatabase> | 0 = 0;
/** IndexedDB failed twice: memory only for the rest of the page. */
let memoryOnly = 0;
/** Operations in flight; the cache takes the stored record when none is left. */
let inFlight = 0;

/**
 * Applies `change` to the cache now, and to the stored record in one readwrite transaction (get, then put: what
 * idb-keyval's `update` does, inlined for size), so tabs never lose each other's changes. Resolves once stored (or given up: `state` is the truth either way).
 */
export const update = (change: (record: State) => unknown): Promise<void> => {
  change(state);
  let stored: State;
  inFlight++;
  const apply = () => {
    if (memoryOnly) return Promise.reject();
    // Object store `s` of database `leadtrail` (opened once); an open that never answers (blocked) fails after 3 s.
    // biome-ignore lint/suspicious/noAssignInExpressions: opened at the first need, then shared (2 B less than apart)
    return (connection ||= new Promise<IDBDatabase>((resolve, reject) => {
      const opening = indexedDB.open('leadtrail');
      opening.onupgradeneeded = () => opening.result.createObjectStore('s');
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = reject;
      setTimeout(reject, 3e3);
    })).then((db) => {
      const transaction = db.transaction('s', 'readwrite');
      const store = transaction.objectStore('s');
      const reading = store.get('s');
      reading.onsuccess = () => {
        try {
          stored = reading.result || {};
          change(stored);
          store.put(stored, 's');
        } catch {
          transaction.abort();
        }
      };
      // A failed request aborts its transaction (an error not prevented does): abort is enough.
      return new Promise((resolve, reject) => {
        transaction.oncomplete = resolve;
        transaction.onabort = reject;
      });
    });
  };
  return apply()
    .catch(() => {
      connection = 0;
      return apply();
    })
    .then(
      () => {
        if (!--inFlight && !memoryOnly) {
          state = stored;
          // Opted out in another tab: stop here too.
          if (stored.optedOut_) setRecording(0);
        }
      },
      () => {
        memoryOnly = 1;
      },
    );
};

/** Adds active time (ms). */
export const addTime = (ms: number) => (record: State) => {
  record.activeMs_ = (record.activeMs_ || 0) + ms;
};

/**
 * Time of a page being unloaded goes to localStorage (key `leadtrail`), which writes synchronously: an IndexedDB
 * transaction started in pagehide is cut off. `stashTime(ms)` adds; `stashTime()` takes it all out for the next page.
 */
export const stashTime = (ms?: number): number => {
  try {
    const stashed = ~~localStorage.leadtrail;
    if (ms) localStorage.leadtrail = stashed + ms;
    else delete localStorage.leadtrail;
    return stashed;
  } catch {
    return 0;
  }
};
