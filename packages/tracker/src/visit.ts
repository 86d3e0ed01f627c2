/**
 * Visits and active time. Time counts only while the page is visible and focused; each interval is added to the
 * shared total when it ends (blur, hide, pagehide), so tabs sum up. A visit starts after 30 minutes without
 * activity: a page view, or coming back to the page. Date.now() is the only clock (a test can drive it).
 */
import { add, type State, stash, upd } from './storage.ts';
import { now } from './util.ts';

/** Start of the current active interval (ms), 0 when inactive. */
let act = 0;
/** Between pagehide and pageshow the page is gone, whatever document.hidden says. */
let gone = false;

/** Counts a new visit if the last activity is 30+ minutes old (or unknown). */
export const visit = (s: State, t: number) => {
  if (!(t - s.a! < 18e5)) s.c = (s.c || 0) + 1;
  s.a = t;
};

/** Closes the current active interval (adding it to the total) and opens a new one if still active. */
export const tick = (halt?: unknown) => {
  const t = now();
  const was = act;
  act = !halt && !gone && !document.hidden && document.hasFocus() ? t : 0;
  // While the page is being unloaded IndexedDB would not commit in time: the next page adds it.
  if (was) t > was && (gone ? stash(t - was) : upd(add(t - was)));
  else if (act) upd((s) => visit(s, t));
};

/** For visibilitychange, focus, blur, pageshow, pagehide (and harmless for any other event). */
export const onTime = (e: Event) => {
  if (e.type[1] === 'a') {
    gone = e.type === 'pagehide';
    // Back from the back/forward cache: take back the time stashed at pagehide.
    if (!gone) upd(add(stash()));
  }
  tick();
};
