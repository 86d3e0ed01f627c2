// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { clean } from '../src/pages.ts';
import { freshDb, load, settle, stubFetch } from './helpers.ts';

/** Paths recorded so far, once the deferred navigation handling has run. */
const paths = async (lt: Awaited<ReturnType<typeof load>>) => {
  await settle();
  return (await lt.visitor())!.pages_visited.map((p) => p.path);
};

describe('clean: the path and query, never the hash', () => {
  it('keeps campaign parameters and click ids (the collector reads them into the touch and strips them)', () => {
    history.replaceState(null, '', '/pricing?utm_source=news&plan=pro&gclid=1#faq');
    expect(clean()).toBe('/pricing?utm_source=news&plan=pro&gclid=1');
    history.replaceState(null, '', '/b?ref=partner&q=shoes');
    expect(clean()).toBe('/b?ref=partner&q=shoes');
  });

  it('leaves a long path whole: the collector cuts it to 2,048 characters', () => {
    history.replaceState(null, '', `/${'x'.repeat(3000)}`);
    expect(clean()).toHaveLength(3001);
  });
});

describe('page views', () => {
  beforeEach(() => {
    freshDb();
    stubFetch();
    history.replaceState(null, '', '/');
    document.title = 'Home';
  });

  it('records the page on load with path, title and an ISO time', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-01T10:00:00.000Z'));
    history.replaceState(null, '', '/landing?utm_source=ad&x=1#top');
    const lt = await load();
    expect((await lt.visitor())!.pages_visited).toEqual([
      { path: '/landing?utm_source=ad&x=1', title: 'Home', at: '2026-03-01T10:00:00.000Z' },
    ]);
  });

  it('counts pushState and replaceState only when the path changes', async () => {
    const lt = await load();
    await lt.visitor();
    document.title = 'Pricing';
    const steps: [string, string][] = [
      ['pushState', '/pricing'],
      ['replaceState', '/pricing'], // same URL: state only
      ['pushState', '/pricing#plans'], // hash only
      ['pushState', '/pricing?utm_campaign=x'], // another query: a view (the collector strips the campaign)
      ['replaceState', '/pricing?plan=pro'],
    ];
    for (const [m, url] of steps) {
      history[m as 'pushState'](null, '', url);
      await settle();
    }
    expect(await paths(lt)).toEqual(['/', '/pricing', '/pricing?utm_campaign=x', '/pricing?plan=pro']);
    expect((await lt.visitor())!.pages_visited[1]!.title).toBe('Pricing');
  });

  it('takes the title a router sets right after pushState', async () => {
    const lt = await load();
    await lt.visitor();
    history.pushState(null, '', '/app/connect');
    document.title = 'Connect | Product tour';
    await settle();
    expect((await lt.visitor())!.pages_visited.map((p) => p.title)).toEqual(['Home', 'Connect | Product tour']);
  });

  it('makes a redirect (pushState then replaceState to another path) one view of the final path', async () => {
    const lt = await load();
    await lt.visitor();
    history.pushState(null, '', '/login');
    history.replaceState(null, '', '/dashboard');
    expect(await paths(lt)).toEqual(['/', '/dashboard']);
  });

  it('makes a router pushState + replaceState of one URL a single view (Next.js)', async () => {
    const lt = await load();
    await lt.visitor();
    history.pushState({ __N: true }, '', '/blog/post');
    history.replaceState({ __N: true, key: 'abc' }, '', '/blog/post');
    expect(await paths(lt)).toEqual(['/', '/blog/post']);
  });

  it('counts back and forward (popstate) to another path', async () => {
    const lt = await load();
    await lt.visitor();
    history.pushState(null, '', '/a');
    await settle();
    history.pushState(null, '', '/b');
    await settle();
    history.back();
    await settle(20);
    expect(await paths(lt)).toEqual(['/', '/a', '/b', '/a']);
  });

  it('counts a back/forward cache restore, not a normal pageshow', async () => {
    const lt = await load();
    await lt.visitor();
    // happy-dom's PageTransitionEvent is a plain Event: set `persisted` by hand.
    const page = (type: string, persisted: boolean) =>
      window.dispatchEvent(Object.assign(new Event(type), { persisted }));
    page('pageshow', false);
    page('pagehide', true);
    page('pageshow', true);
    expect(await paths(lt)).toEqual(['/', '/']);
  });

  it('keeps the newest 50 pages; titles go whole (the collector cuts them to 512 characters)', async () => {
    document.title = 'T'.repeat(300);
    const lt = await load();
    await lt.visitor();
    for (let i = 1; i <= 60; i++) {
      history.pushState(null, '', `/p${i}`);
      await settle(1);
    }
    await settle();
    const pages = (await lt.visitor())!.pages_visited;
    expect(pages).toHaveLength(50);
    expect(pages[0]!.path).toBe('/p11');
    expect(pages[49]!.path).toBe('/p60');
    expect(pages[0]!.title).toHaveLength(300);
  });

  it('leaves the site’s history calls intact', async () => {
    const lt = await load();
    await lt.visitor();
    history.pushState({ n: 1 }, '', '/state');
    expect(history.state).toEqual({ n: 1 });
    expect(location.pathname).toBe('/state');
    // A call the browser refuses still throws to the site, as without the tracker.
    expect(() => history.pushState(null, '', 'https://elsewhere.example/')).toThrow();
    expect(await paths(lt)).toEqual(['/', '/state']);
  });
});
