// @vitest-environment happy-dom
import { BrowserIdentifyInput, validate } from '@leadtrail/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Contact, Leadtrail } from '../src/api.ts';
import { freshDb, KEY, load, readState, type Sent, settle, stubFetch, URL_IDENTIFY, until } from './helpers.ts';

let sent: Sent[];
let visible: DocumentVisibilityState = 'visible';
const hide = () => {
  visible = 'hidden';
  window.dispatchEvent(new Event('visibilitychange'));
  visible = 'visible';
  window.dispatchEvent(new Event('visibilitychange'));
};
const setNavigator = (prop: string, value: unknown) =>
  Object.defineProperty(navigator, prop, { configurable: true, value });

beforeEach(() => {
  freshDb();
  sent = stubFetch();
  visible = 'visible';
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visible });
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => visible === 'hidden' });
});

describe('the script tag and the global', () => {
  let lt: Leadtrail | undefined;
  afterEach(() => {
    lt?.optOut();
    lt = undefined;
    delete (window as { leadtrail?: unknown }).leadtrail;
  });

  const embed = async (attrs: string) => {
    // type keeps happy-dom from fetching it; the tracker reads only src and data-*.
    document.head.innerHTML = `<script type="text/x-test" src="https://cdn.collector.example/leadtrail.js" ${attrs}></script>`;
    vi.resetModules();
    await import('../src/main.ts');
    lt = (window as unknown as { leadtrail: Leadtrail }).leadtrail;
    return lt;
  };

  it('replays calls queued by the stub, then exposes only the public API', async () => {
    const w = window as unknown as { leadtrail: ((...a: unknown[]) => void) & { q?: unknown[] } };
    w.leadtrail = function (this: unknown) {
      w.leadtrail.q = w.leadtrail.q || [];
      // biome-ignore lint/complexity/noArguments: the documented stub
      w.leadtrail.q.push(arguments);
    } as typeof w.leadtrail;
    w.leadtrail('identify', { email: 'queued@example.com', name: 'Queued' });
    const api = await embed(`data-key="${KEY}"`);
    expect(Object.keys(api).sort()).toEqual(['identify', 'optIn', 'optOut', 'reset', 'visitor']);
    await until(() => sent.length === 1);
    expect(sent[0]!.url).toBe('https://cdn.collector.example/api/agents/tools/leads/identify');
    expect(sent[0]!.body).toMatchObject({
      key: KEY,
      form: [
        ['|email', 'queued@example.com'],
        ['|name', 'Queued'],
      ],
    });
  });

  it('uses data-api as the collector', async () => {
    const api = await embed(`data-key="${KEY}" data-api="https://collector.example"`);
    await api.visitor();
    api('identify', { email: 'a@b.co' });
    expect(sent[0]!.url).toBe(URL_IDENTIFY);
  });

  it('keeps the first instance when the script is loaded twice', async () => {
    const first = await embed(`data-key="${KEY}"`);
    await import('../src/main.ts');
    vi.resetModules();
    await import('../src/main.ts');
    expect((window as unknown as { leadtrail: Leadtrail }).leadtrail).toBe(first);
  });

  it('stays inert without a key', async () => {
    const api = await embed('data-key=""');
    expect(await api.visitor()).toBeNull();
    api.identify({ email: 'a@b.co' });
    await settle();
    expect(sent).toEqual([]);
  });
});

describe('identify', () => {
  it('sends the given fields as a form for the collector to map, trimmed, values cut to 5,000 characters', async () => {
    const lt = await load();
    const me = await lt.visitor();
    lt.identify({
      email: ' Ada@Example.com ',
      name: `  ${'N'.repeat(6000)} `,
      phone: 4420794609,
      company: '',
      position: null,
      status: 'qualified',
      lead_id: '00000000-0000-4000-8000-000000000000',
      [`x${'k'.repeat(600)}`]: 'long key',
      plan: 'pro',
    } as unknown as Contact);
    const { body } = sent[0]!;
    expect(Object.keys(body).sort()).toEqual(
      ['key', 'event_id', 'visitor_id', 'form', 'pages_visited', 'time_spent', 'visit_count', 'touches'].sort(),
    );
    expect(body).toMatchObject({ visitor_id: me!.visitor_id });
    // Every field goes as the page named it: the collector maps email, name and phone, and keeps `status`,
    // `lead_id` and `plan` as fields it cannot map (no browser sets a lead's status or picks its lead).
    expect(body.form).toEqual([
      ['|email', 'Ada@Example.com'],
      ['|name', 'N'.repeat(5000)],
      ['|phone', '4420794609'],
      ['|company', ''],
      ['|position', ''],
      ['|status', 'qualified'],
      ['|lead_id', '00000000-0000-4000-8000-000000000000'],
      // A long name goes whole: the collector cuts hints to 500 characters.
      [`|x${'k'.repeat(600)}`, 'long key'],
      ['|plan', 'pro'],
    ]);
    expect(body.event_id).toMatch(/^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/);
    const { key, ...input } = body;
    // Strict: only what a browser may send.
    expect(validate(BrowserIdentifyInput, input)).toMatchObject({ ok: true });
  });

  it('sends at most the 50 fields the protocol takes', async () => {
    const lt = await load();
    await lt.visitor();
    lt.identify(Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`f${i}`, `${i}`])));
    const { key, ...input } = sent[0]!.body;
    expect((input.form as unknown[]).length).toBe(50);
    expect(validate(BrowserIdentifyInput, input)).toMatchObject({ ok: true });
  });

  it('is identified only by an email; each call has its own event_id', async () => {
    const lt = await load();
    await lt.visitor();
    lt.identify({ email: 'nope', name: 'Ada' });
    await settle();
    hide();
    expect(sent).toHaveLength(1); // not identified: no behaviour sync follows
    lt.identify({ email: 'ada@example.com' });
    history.pushState(null, '', '/next');
    await settle();
    hide();
    expect(sent).toHaveLength(3);
    expect(sent[2]!.body).not.toHaveProperty('form');
    expect(sent[0]!.body.event_id).not.toBe(sent[1]!.body.event_id);
  });

  it('also works through the function form, and ignores unknown calls', async () => {
    const lt = await load();
    await lt.visitor();
    expect(() => lt('nope', 1, 2)).not.toThrow();
    lt('identify', { email: 'a@b.co' });
    expect(sent[0]!.body.form).toEqual([['|email', 'a@b.co']]);
    await expect(lt('visitor')).resolves.toMatchObject({ visit_count: 1 });
  });

  it('captures a submitted form with the history', async () => {
    const lt = await load();
    await lt.visitor();
    history.pushState(null, '', '/contact');
    await settle();
    document.body.innerHTML =
      '<form><input name="name" value="Ada"><input type="email" name="email" value="ada@example.com"><input type="hidden" name="utm" value="x"></form>';
    document.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await until(() => sent.length === 1); // once the submit's dispatch is over (not prevented: sent at once)
    expect(sent[0]!.body).toMatchObject({
      form: [
        [expect.stringMatching(/^text\|.*\|name\|/), 'Ada'],
        [expect.stringMatching(/^email\|.*\|email\|/), 'ada@example.com'],
      ],
      pages_visited: [{ path: '/' }, { path: '/contact' }],
    });
  });

  it('captures a form submitted before the stored state has loaded', async () => {
    const lt = await load(); // not awaiting visitor(): IndexedDB is still opening
    document.body.innerHTML = '<form><input type="email" name="email" value="early@example.com"></form>';
    document.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await until(() => sent.length === 1);
    expect(sent[0]!.body).toMatchObject({ form: [[expect.any(String), 'early@example.com']], visit_count: 1 });
    expect(sent[0]!.body.visitor_id).toBe((await lt.visitor())!.visitor_id);
  });

  it('a submission a leaving page could only leave in localStorage makes the next page identified (step 2 of a form)', async () => {
    // What a page that went away before its IndexedDB writes (the identified flag among them) committed leaves.
    localStorage.lt_q = JSON.stringify({
      key: KEY,
      event_id: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d',
      visitor_id: '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed',
      pages_visited: [{ path: '/step-1' }],
      time_spent: 0,
      visit_count: 1,
      form: [['email||email||||', 'ada@example.com']],
    });
    const lt = await load();
    await lt.visitor();
    await until(() => sent.length === 1);
    expect(sent[0]!.body.event_id).toBe('9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d');
    // Step 2 asks no email (it is in a hidden field the tracker does not read).
    document.body.innerHTML =
      '<form><input name="company" value="Acme"><input type="hidden" name="email" value="ada@example.com"></form>';
    document.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await until(() => sent.length === 2);
    expect(sent[1]!.body.form).toEqual([[expect.stringContaining('|company|'), 'Acme']]);
  });

  it('keeps behaviour in sync once identified: once per page view, when the page is left', async () => {
    const lt = await load();
    await lt.visitor();
    hide();
    window.dispatchEvent(new Event('pagehide'));
    expect(sent).toEqual([]); // not identified: nothing leaves the browser
    lt.identify({ email: 'ada@example.com' });
    hide(); // the identify already carried this view's behaviour
    expect(sent).toHaveLength(1);
    history.pushState(null, '', '/next');
    await settle();
    hide();
    hide();
    expect(sent).toHaveLength(2);
    expect(Object.keys(sent[1]!.body).sort()).toEqual(
      ['event_id', 'key', 'pages_visited', 'time_spent', 'visit_count', 'visitor_id', 'touches'].sort(),
    );
    history.pushState(null, '', '/last');
    await settle();
    window.dispatchEvent(new Event('pagehide'));
    expect(sent).toHaveLength(3);
    // The flag is stored: the next page keeps syncing.
    const next = await load();
    await next.visitor();
    hide();
    expect(sent).toHaveLength(4);
  });
});

describe('visitor, reset', () => {
  it('returns the history, as a copy', async () => {
    const lt = await load();
    const v = (await lt.visitor())!;
    expect(v).toEqual({
      visitor_id: expect.stringMatching(/^[\da-f-]{36}$/),
      pages_visited: [{ path: '/', title: expect.any(String), at: expect.any(String) }],
      time_spent: 0,
      visit_count: 1,
      // This load, direct: the first touch, and the latest while nothing came with a source.
      touches: [
        { url: location.href, referrer: '', at: expect.any(String) },
        { url: location.href, referrer: '', at: expect.any(String) },
      ],
    });
    v.pages_visited.push({ path: '/fake', title: '', at: '' });
    expect((await lt.visitor())!.pages_visited).toHaveLength(1);
    await expect((await load()).visitor()).resolves.toMatchObject({ visitor_id: v.visitor_id });
  });

  it('makes random v4 visitor ids where crypto.randomUUID is missing (insecure http origins)', async () => {
    vi.stubGlobal('crypto', { getRandomValues: crypto.getRandomValues.bind(crypto) });
    const uuidV4 = /^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-[89ab][\da-f]{3}-[\da-f]{12}$/;
    const lt = await load();
    const first = (await lt.visitor())!.visitor_id;
    expect(first).toMatch(uuidV4);
    lt.reset();
    const second = (await lt.visitor())!.visitor_id;
    expect(second).toMatch(uuidV4);
    expect(second).not.toBe(first);
  });

  it('reset gives a new visitor id and a cleared history, and forgets the identify', async () => {
    const lt = await load();
    const before = (await lt.visitor())!;
    history.pushState(null, '', '/a');
    await settle();
    lt.identify({ email: 'ada@example.com' });
    lt.reset();
    const after = (await lt.visitor())!;
    expect(after.visitor_id).not.toBe(before.visitor_id);
    expect(after).toMatchObject({ pages_visited: [], time_spent: 0, visit_count: 1 });
    history.pushState(null, '', '/b');
    await settle();
    hide();
    expect(sent).toHaveLength(1); // no sync for the new, anonymous visitor
    expect((await lt.visitor())!.pages_visited.map((p) => p.path)).toEqual(['/b']);
  });
});

describe('opt-out and privacy signals', () => {
  afterEach(() => {
    delete (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl;
    delete (navigator as { doNotTrack?: string }).doNotTrack;
  });

  it('optOut stops everything, is remembered, and optIn starts afresh', async () => {
    const lt = await load();
    const before = (await lt.visitor())!;
    lt.optOut();
    expect(await lt.visitor()).toBeNull();
    history.pushState(null, '', '/private');
    await settle();
    lt.identify({ email: 'ada@example.com' });
    document.body.innerHTML = '<form><input type="email" value="ada@example.com"></form>';
    document.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await settle(20);
    expect(sent).toEqual([]);
    expect(await readState()).toEqual({ optedOut_: 1 }); // the history is gone too

    const next = await load(); // a later page
    expect(await next.visitor()).toBeNull();
    expect(await readState()).toEqual({ optedOut_: 1 });

    next.optIn();
    const after = (await next.visitor())!;
    expect(after.visitor_id).not.toBe(before.visitor_id);
    expect(after.visit_count).toBe(1);
    next.identify({ email: 'ada@example.com' });
    expect(sent).toHaveLength(1);
  });

  it('an opt-out in another tab stops this one', async () => {
    const a = await load();
    const b = await load();
    await Promise.all([a.visitor(), b.visitor()]);
    b.optOut();
    await settle(20);
    history.pushState(null, '', '/x'); // a change from tab a sees the stored opt-out
    await settle();
    await settle(20);
    a.identify({ email: 'ada@example.com' });
    expect(sent).toEqual([]);
  });

  it('honours Global Privacy Control: nothing recorded, captured or sent, IndexedDB untouched', async () => {
    setNavigator('globalPrivacyControl', true);
    const open = vi.spyOn(indexedDB, 'open');
    const lt = await load();
    expect(await lt.visitor()).toBeNull();
    lt.identify({ email: 'ada@example.com' });
    document.body.innerHTML = '<form><input type="email" value="ada@example.com"></form>';
    document.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    lt.optIn(); // the browser's signal wins over the page
    await settle(20);
    expect(await lt.visitor()).toBeNull();
    expect(sent).toEqual([]);
    expect(open).not.toHaveBeenCalled();
  });

  it('honours Do Not Track', async () => {
    setNavigator('doNotTrack', '1');
    const lt = await load();
    expect(await lt.visitor()).toBeNull();
  });

  it('data-honor-dnt="false" lets the site track despite the signals', async () => {
    setNavigator('globalPrivacyControl', true);
    setNavigator('doNotTrack', '1');
    const lt = await load({ honorDnt: 'false' });
    expect(await lt.visitor()).toMatchObject({ visit_count: 1 });
    const esm = await load({ honorDnt: false });
    expect(await esm.visitor()).toMatchObject({ visit_count: 1 });
  });
});

describe('ESM entry', () => {
  it('createTracker returns one tracker per page', async () => {
    vi.resetModules();
    const { createTracker } = await import('../src/index.ts');
    const a = createTracker({ key: KEY, api: 'https://collector.example' });
    expect(createTracker({ key: KEY, api: 'https://other.example' })).toBe(a);
    await a.visitor();
    a.identify({ email: 'a@b.co' });
    expect(sent[0]!.url).toBe(URL_IDENTIFY);
    a.optOut();
  });
});
