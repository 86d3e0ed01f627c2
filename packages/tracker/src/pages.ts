/**
 * Page views: on load, on SPA navigation (pushState, replaceState, popstate) when the path changes, and on a
 * back/forward cache restore. Comparing paths makes a router's pushState + replaceState of one URL one view, and
 * ignores hash-only changes.
 */
import { type State, update } from './storage.ts';
import { guard, now, recording } from './util.ts';
import { visit } from './visit.ts';

/** Query parameters that identify a campaign or a click, not a page. */
const NOISE = /^(utm_.*|(gc|dc|fbc|yc)lid|msclkid|igshid|mc_[ce]id|_g[al])$/i;

/** pathname + query without tracking noise; never the hash. */
export const clean = () => {
  // A Location stringifies to its href.
  const url = new URL(location as unknown as string);
  const params = url.searchParams;
  for (const name of [...params.keys()]) NOISE.test(name) && params.delete(name);
  return (url.pathname + url.search).slice(0, 512);
};

/** Views recorded in this document; the behaviour sync runs at most once per value. */
export let views = 0;
let currentPath: string;

/** A view of the current page: the state change that records it (and counts a visit). */
export const page = () => {
  const at = now();
  currentPath = clean();
  const entry = { path: currentPath, title: document.title.slice(0, 200), at: new Date(at).toISOString() };
  views++;
  return (record: State) => {
    visit(record, at);
    // The newest 50 keep a body (with notes) well under the collector's 32 KB browser limit.
    record.pages_ = [...(record.pages_ || []), entry].slice(-50);
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
