/**
 * Delivery. A submission is queued (IndexedDB, via the state cache) and sent in the same task (a form POST is
 * about to navigate away): fetch keepalive, or sendBeacon when fetch is missing or throws. A text/plain body
 * needs no CORS preflight. 2xx and 4xx other than 429 leave the queue (delivered, or never acceptable); 429, 5xx
 * and network errors wait for Retry-After, else back off with full jitter (2 s doubling, so at most 512 s), up
 * to 10 attempts. The queue (20 newest) is retried on later pages, on `online` and by a timer.
 */
import type { TrackerPayload } from '@leadtrail/protocol';
import { st, upd } from './storage.ts';
import { guard, now, run } from './util.ts';

let url: string;
let timer: ReturnType<typeof setTimeout>;
/** event ids this tab is sending, so a retry pass does not send them twice. */
const busy: Record<string, number> = {};

export const setApi = (api: string) => {
  url = api.replace(/\/+$/, '') + '/api/agents/tools/leads/identify';
};

/**
 * Sends `b`; with `keep`, queues it first so a failed send is retried. A new submission (`keep` 1) is also left in
 * localStorage, written at once: a form POST may navigate away before the queue's IndexedDB write commits, and the
 * next page queues it from there (`keep` 2; a copy already queued has the same event_id, applied once).
 */
export const send = (b: TrackerPayload, keep?: number) => {
  // The collector refuses browser bodies over 32 KB: drop the oldest pages until it fits.
  while (new Blob([JSON.stringify(b)]).size > 3e4 && b.pages_visited!.length) b.pages_visited!.shift();
  if (keep) {
    upd((s) => {
      s.q = [...(s.q || []), { b, n: 0, t: 0 }].slice(-20);
    });
    flush();
    // Last: a throwing localStorage (blocked, private mode) costs only this copy.
    if (keep < 2) localStorage.lt_q = JSON.stringify(b);
  } else post(b);
};

const post = (b: TrackerPayload) => {
  const id = b.event_id;
  // A string body goes out as text/plain;charset=UTF-8, the CORS-safelisted type the collector reads.
  const data = JSON.stringify(b);
  busy[id] = 1;
  try {
    fetch(url, { method: 'POST', body: data, keepalive: true, credentials: 'omit' }).then(
      (r) => done(id, r.status, r.headers.get('retry-after')),
      () => done(id, 0),
    );
  } catch {
    // If sendBeacon throws too, the item stays queued (busy) until the next page.
    done(id, navigator.sendBeacon(url, data) ? 202 : 0);
  }
};

const done = guard((id: string, status: number, after?: string | null) => {
  delete busy[id];
  const t = now();
  const jitter = Math.random();
  // Retry-After: delay-seconds or an HTTP date; NaN when absent or unreadable.
  const wait = +after! * 1e3 || Date.parse(after!) - t;
  const c = (status / 100) | 0;
  // Delay before retry n (1 to 9): Retry-After, else full jitter over 2 s * 2^(n-1) (at most 512 s).
  upd((s) => {
    s.q = (s.q || []).filter((x) => {
      if (x.b.event_id !== id) return 1;
      if (c === 2 || (c === 4 && status !== 429) || ++x.n > 9) return 0;
      x.t = t + (wait >= 0 ? wait : jitter * 1e3 * 2 ** x.n);
      return 1;
    });
  }).then(flush);
  // Delivered, or refused for good: the next page need not send it again. (A newer submission's copy may go too: it
  // is queued in IndexedDB by then, the page having lived to see this answer.)
  if (c === 2 || (c === 4 && status !== 429)) delete localStorage.lt_q;
});

/** Sends every queued item that is due (from the cache, synchronously), and schedules the next pass. */
export const flush = guard(() => {
  clearTimeout(timer);
  const t = now();
  let next = 36e5;
  if (run > 0)
    for (const it of st.q || [])
      if (!busy[it.b.event_id]) {
        if (it.t > t) next = Math.min(next, it.t - t);
        else post(it.b);
      }
  timer = setTimeout(flush, next);
});
