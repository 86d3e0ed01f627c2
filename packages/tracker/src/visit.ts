/**
 * Visits and active time. Time counts only while the page is visible and focused; each interval is added to the
 * shared total when it ends (blur, hide, pagehide), so tabs sum up. A visit starts after 30 minutes without
 * activity: a page view, or coming back to the page. Date.now() is the only clock (a test can drive it).
 */
import { addTime, type State, stashTime, update } from './storage.ts';
import { now } from './util.ts';

/** Start of the current active interval (ms), 0 when inactive. */
let activeSince = 0;
/** Between pagehide and pageshow the page is gone, whatever document.hidden says. */
let gone = false;

/** Counts a new visit if the last activity is 30+ minutes old (or unknown). */
export const visit = (record: State, at: number) => {
  if (!(at - record.lastActive_! < 18e5)) record.visits_ = (record.visits_ || 0) + 1;
  record.lastActive_ = at;
};

/** Closes the current active interval (adding it to the total) and opens a new one if still active. */
export const tick = (halt?: unknown) => {
  const at = now();
  const since = activeSince;
  activeSince = !halt && !gone && !document.hidden && document.hasFocus() ? at : 0;
  // While the page is being unloaded IndexedDB would not commit in time: the next page adds it.
  if (since) at > since && (gone ? stashTime(at - since) : update(addTime(at - since)));
  else if (activeSince) update((record) => visit(record, at));
};

/** For visibilitychange, focus, blur, pageshow, pagehide (and harmless for any other event). */
export const onTime = (event: Event) => {
  // pageshow and pagehide: the second letter is an a.
  if (event.type[1] === 'a') {
    gone = event.type === 'pagehide';
    // Back from the back/forward cache: take back the time stashed at pagehide.
    if (!gone) update(addTime(stashTime()));
  }
  tick();
};
