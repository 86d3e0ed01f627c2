// @vitest-environment happy-dom
import { IDBDatabase, IDBObjectStore } from 'fake-indexeddb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { freshDb, readState, settle } from './helpers.ts';

/** Applies a change through the module's update, and gives its state once stored. */
type Storage = typeof import('../src/storage.ts');
const updated = async (mod: Storage, change: Parameters<Storage['update']>[0]) => {
  await mod.update(change);
  return mod.state;
};

/** A fresh copy of the storage module, like a new page or another tab. */
const storage = async () => {
  vi.resetModules();
  return import('../src/storage.ts');
};

const add = (ms: number) => (record: { activeMs_?: number }) => {
  record.activeMs_ = (record.activeMs_ || 0) + ms;
};

beforeEach(() => {
  freshDb();
});

describe('IndexedDB', () => {
  it('keeps state for the next page', async () => {
    const a = await storage();
    await a.update((s) => {
      s.visitorId_ = 'visitor';
    });
    const b = await storage();
    expect(await updated(b, () => {})).toMatchObject({ visitorId_: 'visitor' });
    expect(await readState()).toMatchObject({ visitorId_: 'visitor' });
  });

  it('applies a change to the cache at once, before IndexedDB answers', async () => {
    const a = await storage();
    const done = a.update(add(5));
    expect(a.state.activeMs_).toBe(5);
    await done;
    expect(a.state.activeMs_).toBe(5);
  });

  it('never loses an increment when tabs write at the same time', async () => {
    const a = await storage();
    const b = await storage();
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).update(add(1))));
    expect((await readState())!.activeMs_).toBe(40);
    expect((await updated(a, () => {})).activeMs_).toBe(40);
  });

  it('re-opens a connection the browser closed (Safari background tabs)', async () => {
    const a = await storage();
    await a.update(add(1));
    const open = vi.spyOn(indexedDB, 'open');
    vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementationOnce(() => {
      throw new DOMException('The database connection is closing.', 'InvalidStateError');
    });
    await a.update(add(1));
    expect(open).toHaveBeenCalledTimes(1); // a new connection
    await a.update(add(1));
    expect((await readState())!.activeMs_).toBe(3); // still IndexedDB, not memory
  });
});

describe('memory fallback', () => {
  it('works without IndexedDB', async () => {
    vi.stubGlobal('indexedDB', undefined);
    const a = await storage();
    await a.update(add(2));
    expect((await updated(a, add(3))).activeMs_).toBe(5);
  });

  it('works when open throws (SecurityError in sandboxed frames)', async () => {
    vi.stubGlobal('indexedDB', {
      open: () => {
        throw new DOMException('denied', 'SecurityError');
      },
    });
    const a = await storage();
    expect((await updated(a, add(2))).activeMs_).toBe(2);
  });

  it('works when open fails (Firefox private mode InvalidStateError)', async () => {
    const open = vi.fn(() => {
      const req = {} as IDBOpenDBRequest;
      setTimeout(() => {
        Object.assign(req, { error: new DOMException('A mutation operation was attempted', 'InvalidStateError') });
        req.onerror?.(new Event('error'));
      });
      return req;
    });
    vi.stubGlobal('indexedDB', { open });
    const a = await storage();
    expect((await updated(a, add(2))).activeMs_).toBe(2);
    expect(open).toHaveBeenCalledTimes(2); // tried once more, then memory
    expect((await updated(a, add(1))).activeMs_).toBe(3);
    expect(open).toHaveBeenCalledTimes(2); // for the rest of the page
  });

  it('works when writes fail (Safari private mode QuotaExceededError), keeping what it knew', async () => {
    const a = await storage();
    await a.update((s) => {
      s.visitorId_ = 'visitor';
    });
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('quota', 'QuotaExceededError');
    });
    expect(await updated(a, add(4))).toMatchObject({ visitorId_: 'visitor', activeMs_: 4 });
    expect(await updated(a, add(1))).toMatchObject({ visitorId_: 'visitor', activeMs_: 5 });
    expect((await readState())!.activeMs_).toBeUndefined();
  });

  it('gives up on an open that never answers (blocked) after 3 s', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    vi.stubGlobal('indexedDB', { open: () => ({}) });
    const a = await storage();
    let settled = false;
    a.update(add(2)).then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(3000);
    await vi.advanceTimersByTimeAsync(3000); // the second attempt
    await settle();
    expect(settled).toBe(true);
    expect(a.state).toMatchObject({ activeMs_: 2 });
  });

  it('keeps a connection closed for good from reaching the caller', async () => {
    const a = await storage();
    await a.update(add(1));
    vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(() => {
      throw new DOMException('closed', 'InvalidStateError');
    });
    await expect(a.update(add(1))).resolves.toBeUndefined();
    expect(a.state).toMatchObject({ activeMs_: 2 });
    await expect(a.update(add(1))).resolves.toBeUndefined();
    expect(a.state).toMatchObject({ activeMs_: 3 });
  });
});
