/**
 * Visits and active time. Time counts only while the page is visible and focused, and the visitor has given some
 * input (a key, a pointer, a scroll, a touch) in the last IDLE_MS: a tab left open is not being read. Each interval
 * is added to the shared total when it ends (blur, hide, pagehide, going idle), so tabs sum up. A visit starts after
 * 30 minutes without activity: a page view, or coming back to the page. Date.now() is the only clock (a test can
 * drive it).
 */
import { addTime, type State, stashTime, update } from './storage.ts';
import { listen, now } from './util.ts';

/** Time counts for at most 2 minutes after the visitor's last input. */
export const IDLE_MS = 12e4;

/** Start of the current active interval (ms), 0 when inactive. */
let activeSince = 0;
/** The visitor's last input (ms). */
let lastInput = now();
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
  // An idle interval ends at the last input plus IDLE_MS.
  const end = Math.min(at, lastInput + IDLE_MS);
  const since = activeSince;
  activeSince = !halt && !gone && !document.hidden && document.hasFocus() && end === at ? at : 0;
  // While the page is being unloaded IndexedDB would not commit in time: the next page adds it.
  if (since) end > since && (gone ? stashTime(end - since) : update(addTime(end - since)));
  else if (activeSince) update((record) => visit(record, at));
};

/** The visitor is here (an input, the page shown or focused): what ran before is closed, time counts from now. */
const present = () => {
  tick();
  lastInput = now();
  tick();
};

/** Keys, pointers and scrolls keep time counting; the first after an idle spell starts a new interval. */
export const watchInput = () => {
  for (const type of 'keydown pointerdown pointermove scroll'.split(' '))
    listen(
      type,
      () => {
        if (now() - lastInput > IDLE_MS) present();
        else lastInput = now();
      },
      true,
    );
};

/** For visibilitychange, focus, blur, pageshow, pagehide (and harmless for any other event). */
export const onTime = (event: Event) => {
  // pageshow and pagehide: the second letter is an a.
  if (event.type[1] === 'a') {
    gone = event.type === 'pagehide';
    // Back from the back/forward cache: take back the time stashed at pagehide.
    if (!gone) update(addTime(stashTime()));
  }
  present();
};
