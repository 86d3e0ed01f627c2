/**
 * The journey's time on each page: until the next page on the same device, when that came within the visit (under
 * 30 minutes); none for the last page of a visit, for a page followed by a pause, for pages given through the API,
 * and never across devices (two devices read at once do not shorten each other's pages).
 */
import type { Lead, Visitor } from '@leadtrail/protocol';
import { describe, expect, it } from 'vitest';
import { buildJourney } from '../src/dashboard/journey.ts';

const at = (minutes: number) => new Date(Date.UTC(2026, 10, 2, 9, 0) + minutes * 60_000).toISOString();
const page = (path: string, minute: number) => ({ path, title: null, at: at(minute) });

function journeyOf(
  devices: { path: string; title: null; at: string }[][],
  apiPages: { path: string; at: string }[] = [],
) {
  const visitors = devices.map((pages, i) => ({ id: `v${i}`, pages_visited: pages }) as unknown as Visitor);
  const all = [...devices.flat(), ...apiPages].sort((a, b) => a.at.localeCompare(b.at));
  return buildJourney({ pages_visited: all } as unknown as Lead, visitors);
}

describe('time on page', () => {
  it('counts until the next page on the same device within the visit', () => {
    const { steps } = journeyOf([[page('/', 0), page('/pricing', 2.5), page('/contact', 4), page('/blog', 45)]]);
    expect(steps.map((s) => [s.path, s.timeOnPage])).toEqual([
      ['/', 150_000],
      ['/pricing', 90_000],
      // 41 minutes later is another visit: the contact page's end is not known.
      ['/contact', null],
      ['/blog', null],
    ]);
  });

  it('keeps devices apart and gives pages from the API none', () => {
    const { steps } = journeyOf(
      [
        [page('/a', 0), page('/b', 10)],
        [page('/x', 1), page('/y', 3)],
      ],
      [{ path: '/imported', at: at(2) }],
    );
    expect(Object.fromEntries(steps.map((s) => [s.path, s.timeOnPage]))).toEqual({
      '/a': 600_000,
      '/x': 120_000,
      '/imported': null,
      '/y': null,
      '/b': null,
    });
  });
});
