/**
 * Delivery. A submission is queued (IndexedDB, via the state cache) and sent in the same task (a form POST is
 * about to navigate away): fetch keepalive, or sendBeacon when fetch is missing or throws. A text/plain body
 * needs no CORS preflight. 2xx and 4xx other than 429 leave the queue (delivered, or never acceptable); 429, 5xx
 * and network errors wait for Retry-After (in seconds), else back off with full jitter (2 s doubling, so at most 512 s), up
 * to 10 attempts. The queue (20 newest) is retried on later pages, on `online` and by a timer.
 */
import type { TrackerPayload } from '@leadtrail/protocol';
import { state, update } from './storage.ts';
import { guard, now, recording } from './util.ts';

let url: string;
let timer: ReturnType<typeof setTimeout>;
/** Event ids this tab is sending, so a retry pass does not send them twice. */
const sending: Record<string, number> = {};

export const setApi = (api: string) => {
  url = api + '/api/agents/tools/leads/identify';
};

/**
 * Sends `body`; with `keep`, queues it first so a failed send is retried. A new submission (`keep` 1) is also left
 * in localStorage, written at once: a form POST may navigate away before the queue's IndexedDB write commits, and
 * the next page queues it from there (`keep` 2; a copy already queued has the same event_id, applied once).
 */
export const send = (body: TrackerPayload, keep?: number) => {
  // The collector refuses browser bodies over 32 KB: drop the oldest pages until it fits.
  while (new Blob([JSON.stringify(body)]).size > 3e4 && body.pages_visited!.length) body.pages_visited!.shift();
  if (keep) {
    update((record) => {
      record.queue_ = [...(record.queue_ || []), { body_: body, failures_: 0, notBefore_: 0 }].slice(-20);
    });
    flush();
    // Last: a throwing localStorage (blocked, private mode) costs only this copy.
    if (keep < 2) localStorage.lt_q = JSON.stringify(body);
  } else post(body);
};

const post = (body: TrackerPayload) => {
  const id = body.event_id;
  // A string body goes out as text/plain;charset=UTF-8, the CORS-safelisted type the collector reads.
  const text = JSON.stringify(body);
  sending[id] = 1;
  try {
    fetch(url, { method: 'POST', body: text, keepalive: true }).then(
      (response) => answered(id, response.status, response.headers.get('retry-after')),
      () => answered(id, 0),
    );
  } catch {
    // If sendBeacon throws too, the item stays queued (and marked as sending) until the next page.
    answered(id, navigator.sendBeacon(url, text) ? 202 : 0);
  }
};

const answered = guard((id: string, status: number, retryAfter?: string | null) => {
  delete sending[id];
  const at = now();
  // Retry-After in seconds (what the collector sends); absent, 0 or unreadable, the backoff decides.
  const wait = +retryAfter! * 1e3;
  // 2xx delivered, 4xx (but 429) never acceptable: either way, done. 429, 5xx, network errors (0): retried.
  const settled = status > 199 && status < 500 && status !== 429;
  // Delay before retry n (1 to 9): Retry-After, else full jitter over 2 s * 2^(n-1) (at most 512 s).
  update((record) => {
    record.queue_ = (record.queue_ || []).filter((item) => {
      if (item.body_.event_id !== id) return 1;
      if (settled || ++item.failures_ > 9) return 0;
      item.notBefore_ = at + (wait > 0 ? wait : Math.random() * 1e3 * 2 ** item.failures_);
      return 1;
    });
  }).then(flush);
  // Delivered, or refused for good: the next page need not send it again. (A newer submission's copy may go too: it
  // is queued in IndexedDB by then, the page having lived to see this answer.)
  if (settled) delete localStorage.lt_q;
});

/** Sends every queued item that is due (from the cache, synchronously), and schedules the next pass. */
export const flush = guard(() => {
  clearTimeout(timer);
  const at = now();
  let next = 36e5;
  if (recording > 0)
    for (const item of state.queue_ || [])
      if (!sending[item.body_.event_id]) {
        if (item.notBefore_ > at) next = Math.min(next, item.notBefore_ - at);
        else post(item.body_);
      }
  timer = setTimeout(flush, next);
});
