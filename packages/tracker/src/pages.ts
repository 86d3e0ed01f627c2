/**
 * Page views: on load, on SPA navigation (pushState, replaceState, popstate) when the path changes, and on a
 * back/forward cache restore. Comparing paths makes a router's pushState + replaceState of one URL one view, and
 * ignores hash-only changes.
 */
import { type State, update } from './storage.ts';
import { guard, now, recording } from './util.ts';
import { visit } from './visit.ts';

/**
 * pathname + query, never the hash. Campaign parameters and click ids stay in it: the collector reads the landing
 * page's into the touch and strips them from every page it stores.
 */
export const clean = () => location.pathname + location.search;

/** A landing URL whose query names a campaign or a click: a touch with a source even without a referrer. */
const CAMPAIGN = /[?&](utm_|\w*cl\w*id|\w*braid|li_fat|epik)/i;

/** Views recorded in this document; the behaviour sync runs at most once per value. */
export let views = 0;
let currentPath: string;

/**
 * A view of the current page: the state change that records it (and counts a visit). Its path and time are read now
 * (a router may change the URL before the state is loaded); the rest when it is recorded, which for the landing page
 * is once the browser is idle (its title set by then; a first regular expression and a first date cost more than a
 * first paint can spare).
 *
 * The landing page is also a touch: its URL (no hash), the referrer and the time. The first is kept; the latest is
 * replaced by a load that comes with a source (another site's link, or a query naming a campaign or a click), so a
 * direct visit replaces neither. The collector parses and classifies them (and drops the referrer's query: the
 * site's server got the same Referer with the page).
 */
export const page = (landing?: unknown) => {
  const at = now();
  // biome-ignore lint/suspicious/noAssignInExpressions: the path now, and the one views are compared with
  const path = (currentPath = clean());
  views++;
  return (record: State) => {
    const iso = new Date(at).toISOString();
    visit(record, at);
    if (landing) {
      const referrer = document.referrer;
      const touch = { url: location.origin + path, referrer, at: iso };
      record.firstTouch_ ||= touch;
      if (!record.latestTouch_ || (referrer && referrer.split('/')[2] !== location.host) || CAMPAIGN.test(path))
        record.latestTouch_ = touch;
    }
    // The newest 50 keep a body (with notes) well under the collector's 32 KB browser limit.
    record.pages_ = [...(record.pages_ || []), { path, title: document.title, at: iso }].slice(-50);
  };
};

/** Records a view when the path changed (or always, forced). */
export const view = (force?: unknown) => (force || clean() !== currentPath) && update(page());

/**
 * A navigation is looked at one task later: the router has set the new title by then, and a pushState followed
 * by a replaceState (a redirect, or Next.js) is one view of the final path.
 */
const afterNavigation = () => setTimeout(guard(() => recording > 0 && view()));

/** For popstate and pageshow (and harmless for any other event). */
export const onNav = (event: Event) =>
  event.type === 'popstate'
    ? afterNavigation()
    : event.type === 'pageshow' && (event as PageTransitionEvent).persisted && view(1);

export const patchHistory = () => {
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History) {
      // The site's own call behaves (and throws) exactly as without us.
      // biome-ignore lint/complexity/noArguments: forwards any arguments unchanged
      const result = original.apply(this, arguments as unknown as Parameters<History['pushState']>);
      afterNavigation();
      return result;
    };
  }
};
