// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Leadtrail } from '../src/api.ts';
import { freshDb, load, settle } from './helpers.ts';

const boom = () => {
  throw new Error('broken');
};

let errors: unknown[];
const onError = (e: Event) => errors.push((e as ErrorEvent).error ?? e);
const onRejection = (e: unknown) => errors.push(e);

beforeEach(() => {
  errors = [];
  window.addEventListener('error', onError);
  window.addEventListener('unhandledrejection', onError);
  process.on('unhandledRejection', onRejection);
});
afterEach(() => {
  window.removeEventListener('error', onError);
  window.removeEventListener('unhandledrejection', onError);
  process.off('unhandledRejection', onRejection);
});

/** Everything a page and a visitor can do. Nothing of it may throw into the page. */
const exercise = async (lt: Leadtrail) => {
  const calls: (() => unknown)[] = [
    () => lt.identify({ email: 'ada@example.com', name: 'Ada' }),
    () => lt.identify(undefined as never),
    () => lt.identify(null as never),
    () => lt.identify('ada@example.com' as never),
    () => lt.identify({ email: { toString: boom } } as never),
    () => lt('identify', 42),
    () => lt('nope'),
    () => lt(undefined as never),
    () => lt('constructor'),
    () => lt.reset(),
    () => lt.optIn(),
    () => lt.visitor(),
  ];
  for (const call of calls) expect(call).not.toThrow();
  await expect(lt.visitor()).resolves.not.toThrow();
  for (const type of ['visibilitychange', 'focus', 'blur', 'pageshow', 'pagehide', 'popstate', 'online'])
    expect(() => window.dispatchEvent(Object.assign(new Event(type), { persisted: true }))).not.toThrow();
  expect(() => history.pushState(null, '', '/somewhere')).not.toThrow();
  expect(() => history.replaceState(null, '', '/else')).not.toThrow();
  document.body.innerHTML =
    '<form><input name="name" value="Ada"><input type="email" name="email" value="ada@example.com"></form><form><input name="broken"></form>';
  for (const form of document.querySelectorAll('form'))
    expect(() => form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }))).not.toThrow();
  // A submit event on something that is not a form.
  expect(() => document.body.dispatchEvent(new Event('submit', { bubbles: true }))).not.toThrow();
  await settle(50);
  expect(() => lt.optOut()).not.toThrow();
  await settle(20);
};

describe('nothing reaches the host page', () => {
  it('when every browser feature the tracker uses is broken', async () => {
    vi.stubGlobal('indexedDB', { open: boom });
    vi.stubGlobal('fetch', boom);
    vi.stubGlobal('crypto', { randomUUID: boom, getRandomValues: boom });
    vi.stubGlobal('Blob', boom);
    vi.spyOn(document, 'hasFocus').mockImplementation(boom);
    vi.spyOn(navigator, 'sendBeacon').mockImplementation(boom);
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(boom);
    const lt = await load();
    await exercise(lt);
    expect(errors).toEqual([]);
  });

  it('when IndexedDB breaks mid-page and the network fails', async () => {
    freshDb();
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('Failed to fetch')));
    const lt = await load();
    await lt.visitor();
    vi.stubGlobal('indexedDB', { open: boom });
    const { IDBDatabase } = await import('fake-indexeddb');
    vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(boom);
    await exercise(lt);
    expect(errors).toEqual([]);
  });

  it('when the collector answers with errors', async () => {
    freshDb();
    let n = 0;
    vi.stubGlobal('fetch', () =>
      Promise.resolve(
        [new Response('x', { status: 500 }), new Response('', { status: 429, headers: { 'Retry-After': 'soon' } })][
          n++ % 2
        ],
      ),
    );
    const lt = await load();
    await exercise(lt);
    expect(errors).toEqual([]);
  });
});
