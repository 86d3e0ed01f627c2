// @vitest-environment happy-dom
/**
 * What the tracker does at load and what waits: at load it reads this page's URL and installs the form capture and
 * the hide/leave listeners; IndexedDB, localStorage, the history patch and the input listeners wait until the browser
 * is first idle (requestIdleCallback, held here until the test lets it run), or until something needs them first:
 * a form, an API call, the page hidden or left. Nothing is lost by waiting.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { freshDb, load, readState, type Sent, settle, stubFetch, until } from './helpers.ts';

let sent: Sent[];
let factory: ReturnType<typeof freshDb>;
/** The idle callbacks asked for, not run until `idle()`. */
let idleCallbacks: (() => void)[];
const idle = () => {
  for (const callback of idleCallbacks.splice(0)) callback();
};

beforeEach(() => {
  factory = freshDb();
  sent = stubFetch();
  idleCallbacks = [];
  vi.stubGlobal('requestIdleCallback', (callback: () => void) => idleCallbacks.push(callback));
});

describe('deferred until idle', () => {
  it('opens no IndexedDB, patches no history and reads no input at load; all of it once idle', async () => {
    const open = vi.spyOn(factory, 'open');
    const pushState = history.pushState;
    const listening = vi.spyOn(window, 'addEventListener');
    await load();
    await settle();
    expect(idleCallbacks).toHaveLength(1);
    expect(open).not.toHaveBeenCalled();
    expect(history.pushState).toBe(pushState);
    const types = () => listening.mock.calls.map(([type]) => type);
    expect(types()).toEqual(expect.arrayContaining(['submit', 'formdata', 'click', 'input', 'focusin', 'pagehide']));
    expect(types()).not.toContain('pointerdown');
    idle();
    expect(open).toHaveBeenCalledTimes(1);
    expect(history.pushState).not.toBe(pushState);
    expect(types()).toEqual(expect.arrayContaining(['keydown', 'pointerdown', 'pointermove', 'scroll']));
    await until(async () => (await readState())?.pages_?.length === 1);
  });

  it('records the view of a page left before the browser was idle', async () => {
    history.replaceState(null, '', '/left-early?utm_source=news');
    await load();
    window.dispatchEvent(new Event('pagehide'));
    const stored = (await until(readState))!;
    expect(stored.pages_).toEqual([
      { path: '/left-early?utm_source=news', title: expect.any(String), at: expect.any(String) },
    ]);
    expect(stored.firstTouch_).toMatchObject({ url: `${location.origin}/left-early?utm_source=news` });
    idle(); // too late: nothing twice
    await settle(20);
    expect((await readState())!.pages_).toHaveLength(1);
  });

  it('captures a form submitted before the browser was idle, with the landing view', async () => {
    const lt = await load();
    document.body.innerHTML = '<form><input type="email" name="email" value="early@example.com"></form>';
    document.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await until(() => sent.length === 1);
    expect(sent[0]!.body).toMatchObject({
      form: [[expect.any(String), 'early@example.com']],
      pages_visited: [{ path: '/' }],
      visit_count: 1,
    });
    expect(sent[0]!.body.visitor_id).toBe((await lt.visitor())!.visitor_id);
    expect(idleCallbacks).toHaveLength(1); // still pending: it will find the work done
  });

  it('answers visitor() before the browser was idle', async () => {
    const lt = await load();
    expect(await lt.visitor()).toMatchObject({ visit_count: 1, pages_visited: [{ path: '/' }] });
  });

  it('keeps the URL the page was loaded with, and records a navigation made before the browser was idle', async () => {
    history.replaceState(null, '', '/landing?gclid=Cj0KCQ');
    const lt = await load();
    // A router strips the click id, then moves on, before the state is loaded.
    history.replaceState(null, '', '/landing');
    history.pushState(null, '', '/next');
    idle();
    await until(async () => (await lt.visitor())?.pages_visited.length === 2);
    const visitor = (await lt.visitor())!;
    expect(visitor.pages_visited.map((page) => page.path)).toEqual(['/landing?gclid=Cj0KCQ', '/next']);
    expect(visitor.touches![0]).toMatchObject({ url: `${location.origin}/landing?gclid=Cj0KCQ` });
  });

  it('falls back to a timer where requestIdleCallback is missing (Safari)', async () => {
    vi.stubGlobal('requestIdleCallback', undefined);
    await load();
    await until(async () => (await readState())?.pages_?.length === 1);
  });
});
