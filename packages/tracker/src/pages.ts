/**
 * Page views: on load, on SPA navigation (pushState, replaceState, popstate) when the path changes, and on a
 * back/forward cache restore. Comparing paths makes a router's pushState + replaceState of one URL one view, and
 * ignores hash-only changes.
 */
import { type State, upd } from './storage.ts';
import { guard, now, run } from './util.ts';
import { visit } from './visit.ts';

/** Query parameters that identify a campaign or a click, not a page. */
const NOISE = /^(utm_.*|(gc|dc|fbc|yc)lid|msclkid|igshid|mc_[ce]id|_g[al])$/i;

/** pathname + query without tracking noise; never the hash. */
export const clean = () => {
  const u = new URL(location.href);
  const p = u.searchParams;
  for (const k of [...p.keys()]) NOISE.test(k) && p.delete(k);
  return (u.pathname + u.search).slice(0, 512);
};

/** Views recorded in this document; the behaviour sync runs at most once per value. */
export let views = 0;
let cur: string;

/** A view of the current page: the state change that records it (and counts a visit). */
export const page = () => {
  const t = now();
  cur = clean();
  const entry = { path: cur, title: document.title.slice(0, 200), at: new Date(t).toISOString() };
  views++;
  return (s: State) => {
    visit(s, t);
    // The newest 50 keep a body (with notes) well under the collector's 32 KB browser limit.
    s.p = [...(s.p || []), entry].slice(-50);
  };
};

/** Records a view when the path changed (or always, forced). */
export const view = (force?: unknown) => (force || clean() !== cur) && upd(page());

/**
 * A navigation is looked at one task later: the router has set the new title by then, and a pushState followed
 * by a replaceState (a redirect, or Next.js) is one view of the final path.
 */
const nav = () => setTimeout(guard(() => run > 0 && view()));

/** For popstate and pageshow (and harmless for any other event). */
export const onNav = (e: Event) =>
  e.type === 'popstate' ? nav() : e.type === 'pageshow' && (e as PageTransitionEvent).persisted && view(1);

export const patchHistory = () => {
  for (const m of ['pushState', 'replaceState'] as const) {
    const orig = history[m];
    history[m] = function (this: History) {
      // The site's own call behaves (and throws) exactly as without us.
      // biome-ignore lint/complexity/noArguments: forwards any arguments unchanged
      const r = orig.apply(this, arguments as unknown as Parameters<History['pushState']>);
      nav();
      return r;
    };
  }
};
