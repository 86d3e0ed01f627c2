/**
 * Behaviour figures (pages, active seconds, visits). The tracker sends running totals, so a visitor's record keeps
 * the largest totals and the union of pages: replaying a submission changes nothing. A lead adds up its visitors.
 */
import { type Behaviour, MAX_PAGES, type PageVisit, type StoredPage } from '@leadtrail/protocol';

export const EMPTY_BEHAVIOUR: Behaviour = { pages_visited: [], time_spent: 0, visit_count: 0 };

/** A page visit's identity: the same path at the same time is the same visit, from whichever device it came. */
export const pageKey = (p: StoredPage) => `${p.at ?? ''}\u0000${p.path}`;

/** Union of page lists, de-duplicated by (time, path), oldest first, keeping the newest MAX_PAGES. */
export function unionPages(...lists: readonly (readonly (StoredPage | PageVisit)[])[]): StoredPage[] {
  const seen = new Map<string, StoredPage>();
  for (const list of lists) {
    for (const page of list) {
      const stored: StoredPage = { path: page.path };
      if (page.title !== undefined) stored.title = page.title;
      if (page.at !== undefined) stored.at = page.at;
      const key = pageKey(stored);
      const prior = seen.get(key);
      // A replay may carry a title the first copy lacked; keep the fuller one.
      if (!prior || (!prior.title && stored.title)) seen.set(key, stored);
    }
  }
  const pages = [...seen.values()].sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''));
  return pages.length > MAX_PAGES ? pages.slice(pages.length - MAX_PAGES) : pages;
}

/** One visitor's record after a (possibly repeated) report of its running totals. */
export function mergeVisitorReport(current: Behaviour, report: Partial<Behaviour>): Behaviour {
  return {
    pages_visited: unionPages(current.pages_visited, report.pages_visited ?? []),
    time_spent: Math.max(current.time_spent, report.time_spent ?? 0),
    visit_count: Math.max(current.visit_count, report.visit_count ?? 0),
  };
}

/** A lead's figures: its own contribution (set through create/update) plus each of its visitors'. */
export function sumBehaviour(parts: readonly Behaviour[]): Behaviour {
  return {
    pages_visited: unionPages(...parts.map((p) => p.pages_visited)),
    time_spent: parts.reduce((sum, p) => sum + p.time_spent, 0),
    visit_count: parts.reduce((sum, p) => sum + p.visit_count, 0),
  };
}
