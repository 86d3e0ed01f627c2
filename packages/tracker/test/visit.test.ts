// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { freshDb, load, settle, stubFetch } from './helpers.ts';

const T0 = new Date('2026-03-01T10:00:00.000Z').getTime();
const MIN = 60_000;
let clock = T0;
const at = (ms: number) => {
  clock = T0 + ms;
  vi.setSystemTime(clock);
};

let visible: DocumentVisibilityState = 'visible';
let focused = true;
const fire = (type: string) => window.dispatchEvent(new Event(type));
const hide = () => {
  visible = 'hidden';
  fire('visibilitychange');
};
const show = () => {
  visible = 'visible';
  fire('visibilitychange');
};
const blur = () => {
  focused = false;
  fire('blur');
};
const focus = () => {
  focused = true;
  fire('focus');
};

beforeEach(() => {
  freshDb();
  stubFetch();
  vi.useFakeTimers({ toFake: ['Date'] });
  at(0);
  visible = 'visible';
  focused = true;
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visible });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => visible === 'hidden' });
  vi.spyOn(document, 'hasFocus').mockImplementation(() => focused);
});

describe('visit_count', () => {
  it('is 1 on the first visit and stays 1 within 30 minutes of activity', async () => {
    const lt = await load();
    expect((await lt.visitor())!.visit_count).toBe(1);
    at(20 * MIN);
    history.pushState(null, '', '/a');
    await settle();
    at(40 * MIN); // 40 minutes after the first view, 20 after the last
    history.pushState(null, '', '/b');
    await settle();
    expect((await lt.visitor())!.visit_count).toBe(1);
  });

  it('starts a new visit after 30 minutes without activity', async () => {
    const lt = await load();
    await lt.visitor();
    at(29 * MIN + 59_000);
    history.pushState(null, '', '/a');
    await settle();
    expect((await lt.visitor())!.visit_count).toBe(1);
    at(29 * MIN + 59_000 + 30 * MIN + 1);
    history.pushState(null, '', '/b');
    await settle();
    expect((await lt.visitor())!.visit_count).toBe(2);
  });

  it('counts across page loads (state in IndexedDB)', async () => {
    await (await load()).visitor();
    at(10 * MIN);
    expect((await (await load()).visitor())!.visit_count).toBe(1);
    at(45 * MIN);
    expect((await (await load()).visitor())!.visit_count).toBe(2);
  });

  it('shares the last activity between tabs', async () => {
    const a = await load();
    await a.visitor();
    at(10 * MIN);
    const b = await load(); // another tab, active 10 minutes later
    await b.visitor();
    at(35 * MIN); // 35 minutes after tab a's activity, 25 after tab b's
    history.pushState(null, '', '/from-a');
    await settle();
    expect((await a.visitor())!.visit_count).toBe(1);
  });

  it('coming back to the page after 30 minutes away is a new visit', async () => {
    const lt = await load();
    await lt.visitor();
    hide();
    at(31 * MIN);
    show();
    expect((await lt.visitor())!.visit_count).toBe(2);
  });
});

describe('time_spent', () => {
  it('counts only while the page is visible and focused', async () => {
    const lt = await load();
    await lt.visitor();
    at(10_000);
    blur(); // +10 s
    at(30_000);
    focus(); // blurred for 20 s: nothing
    at(35_000);
    hide(); // +5 s
    at(135_000);
    show(); // hidden for 100 s: nothing
    at(138_000); // +3 s, still running
    expect((await lt.visitor())!.time_spent).toBe(18);
  });

  it('counts nothing while visible but not focused, or focused but hidden', async () => {
    focused = false;
    const lt = await load();
    await lt.visitor();
    at(60_000);
    expect((await lt.visitor())!.time_spent).toBe(0);
    focused = true;
    visible = 'hidden';
    fire('focus');
    at(120_000);
    expect((await lt.visitor())!.time_spent).toBe(0);
  });

  it('stops 2 minutes after the last input, and resumes on the next one', async () => {
    const lt = await load();
    await lt.visitor();
    at(60_000);
    fire('keydown'); // reading: time counts to 2 minutes past this
    at(30 * MIN); // the tab left open, visible and focused
    expect((await lt.visitor())!.time_spent).toBe(180);
    fire('pointermove'); // back: counts again from now
    at(30 * MIN + 30_000);
    expect((await lt.visitor())!.time_spent).toBe(210);
  });

  it('keeps counting while there is input: keys, pointers and scrolling', async () => {
    const lt = await load();
    await lt.visitor();
    for (const [i, type] of ['scroll', 'pointerdown', 'keydown', 'pointermove', 'scroll'].entries()) {
      at((i + 1) * 100_000); // each within 2 minutes of the last
      fire(type);
    }
    at(600_000);
    expect((await lt.visitor())!.time_spent).toBe(600);
    at(700_000); // the last input was at 500 s
    expect((await lt.visitor())!.time_spent).toBe(620);
  });

  it('an input after more than 30 idle minutes starts a new visit', async () => {
    const lt = await load();
    await lt.visitor();
    at(35 * MIN);
    expect((await lt.visitor())!.visit_count).toBe(1);
    fire('scroll');
    await settle();
    expect((await lt.visitor())!).toMatchObject({ visit_count: 2, time_spent: 120 });
  });

  it('is kept at pagehide (in localStorage), across pages, and does not run in the back/forward cache', async () => {
    const a = await load();
    await a.visitor();
    at(12_000);
    fire('pagehide'); // document.hidden may still be false here
    // IndexedDB would not commit while the page unloads: the time waits in localStorage.
    expect(localStorage.leadtrail).toBe('12000');
    at(70_000);
    await settle();
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    at(75_000);
    expect((await a.visitor())!.time_spent).toBe(17);
    // The next page load (same IndexedDB) continues the total.
    fire('pagehide');
    await settle();
    const b = await load();
    await b.visitor();
    at(80_000);
    expect((await b.visitor())!.time_spent).toBe(22);
  });

  it('adds time atomically from several tabs', async () => {
    const a = await load();
    const b = await load();
    await Promise.all([a.visitor(), b.visitor()]);
    // Both trackers share this window, so each counts the same 9 s: the total must hold both.
    at(9_000);
    hide();
    await settle();
    expect((await a.visitor())!.time_spent).toBe(18);
    expect((await b.visitor())!.time_spent).toBe(18);
  });
});
