// @vitest-environment happy-dom
import { IdentifyInput, LEADS_API_PATH, validate } from '@leadtrail/protocol';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { API, freshDb, load, readState, type Sent, settle, stubFetch, URL_IDENTIFY, until } from './helpers.ts';

const T0 = new Date('2026-03-01T10:00:00.000Z').getTime();
const status = (code: number, headers: Record<string, string> = {}) => new Response('{}', { status: code, headers });
const ids = (sent: Sent[]) => sent.map((s) => s.body.event_id);

/** Advances the fake clock and timers, letting IndexedDB work in between. */
const advance = async (ms: number) => {
  await vi.advanceTimersByTimeAsync(ms);
  await settle();
};

beforeEach(() => {
  freshDb();
  vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  vi.setSystemTime(T0);
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
});

describe('sending', () => {
  it('posts the identify payload as text/plain JSON with keepalive, sending no cookies cross-site', async () => {
    const sent = stubFetch();
    const lt = await load();
    await lt.visitor();
    lt.identify({ email: 'ada@example.com', name: 'Ada', phone: '+44 1', company: 'AE', position: 'Eng', notes: 'Hi' });
    expect(sent).toHaveLength(1); // at once: no wait for IndexedDB
    const [{ url, init, body }] = sent as [Sent];
    expect(url).toBe(URL_IDENTIFY);
    // The bundle keeps its own copy of the route: held equal to the protocol's here.
    expect(url).toBe(`${API}${LEADS_API_PATH}/identify`);
    expect(init).toMatchObject({ method: 'POST', keepalive: true });
    // fetch's default, same-origin: a collector on another site never gets the visitor's cookies.
    expect(init.credentials ?? 'same-origin').toBe('same-origin');
    expect(typeof init.body).toBe('string'); // sent as text/plain;charset=UTF-8: no CORS preflight
    expect(init.headers).toBeUndefined();
    expect(body).toMatchObject({
      key: 'lt_pk_test',
      form: [
        ['|email', 'ada@example.com'],
        ['|name', 'Ada'],
        ['|phone', '+44 1'],
        ['|company', 'AE'],
        ['|position', 'Eng'],
        ['|notes', 'Hi'],
      ],
      time_spent: 0,
      visit_count: 1,
      pages_visited: [{ path: '/', title: expect.any(String), at: '2026-03-01T10:00:00.000Z' }],
    });
    const { key, ...input } = body;
    expect(validate(IdentifyInput, input)).toMatchObject({ ok: true });
  });

  it('posts to the collector URL as given: with a trailing slash, a path the collector reads as one slash', async () => {
    const sent = stubFetch();
    const lt = await load({ api: 'https://collector.example/' });
    await lt.visitor();
    lt.identify({ email: 'ada@example.com' });
    expect(sent[0]!.url).toBe(URL_IDENTIFY.replace('/api/', '//api/'));
  });

  it('removes a delivered submission from the queue (2xx)', async () => {
    const sent = stubFetch(() => status(201));
    const lt = await load();
    await lt.visitor();
    lt.identify({ email: 'ada@example.com' });
    await until(async () => (await readState())?.queue_?.length === 0);
    await load(); // the next page finds nothing to resend
    await advance(10);
    expect(sent).toHaveLength(1);
  });

  it('sends from localStorage, on the next page, a submission whose IndexedDB write never committed', async () => {
    // The collector is unreachable while the form POST navigates away, before the queue reached IndexedDB.
    stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const lt = await load();
    await lt.visitor();
    lt.identify({ email: 'ada@example.com' });
    const lost = localStorage.lt_q && JSON.parse(localStorage.lt_q).event_id;
    expect(lost).toMatch(/^[\da-f-]{36}$/);
    freshDb();
    const sent = stubFetch(() => status(201));
    await (await load()).visitor();
    await until(() => ids(sent).includes(lost));
    expect(localStorage.lt_q).toBeUndefined();
    await advance(10);
    await load(); // and the page after that sends nothing again
    await advance(10);
    expect(ids(sent)).toEqual([lost]);
  });

  it('drops a submission the collector refuses (4xx other than 429)', async () => {
    const sent = stubFetch(() => status(400));
    const lt = await load();
    await lt.visitor();
    lt.identify({ email: 'ada@example.com' });
    await settle(20);
    expect((await readState())!.queue_).toEqual([]);
    await advance(3_600_000);
    expect(sent).toHaveLength(1);
  });
});

describe('retries', () => {
  it('backs off on 5xx with full jitter, doubling from 2 s, same event_id, up to 10 attempts', async () => {
    const sent = stubFetch(() => status(503));
    const lt = await load();
    await lt.visitor();
    lt.identify({ email: 'ada@example.com' });
    await settle(20);
    // Math.random() = 0.5: the n-th retry waits half of 2 s * 2^(n-1).
    for (let n = 1; n < 10; n++) {
      const wait = 0.5 * 2000 * 2 ** (n - 1);
      await advance(wait - 1);
      expect(sent, `before retry ${n}`).toHaveLength(n);
      await advance(1);
      await until(() => sent.length === n + 1);
    }
    expect(new Set(ids(sent)).size).toBe(1);
    await settle(20);
    expect((await readState())!.queue_).toEqual([]); // the 10th failure drops it
    await advance(3_600_000);
    expect(sent).toHaveLength(10);
  });

  it('uses the random draw for the delay (full jitter)', async () => {
    vi.mocked(Math.random).mockReturnValue(0.1);
    stubFetch(() => status(500));
    const lt = await load();
    await lt.visitor();
    lt.identify({ email: 'ada@example.com' });
    await settle(20);
    expect((await readState())!.queue_![0]).toMatchObject({ failures_: 1, notBefore_: T0 + 200 });
  });

  it('retries a network failure', async () => {
    let n = 0;
    vi.stubGlobal(
      'fetch',
      vi.fn(() => (++n === 1 ? Promise.reject(new TypeError('Failed to fetch')) : Promise.resolve(status(200)))),
    );
    const lt = await load();
    await lt.visitor();
    lt.identify({ email: 'ada@example.com' });
    await settle(20);
    await advance(1000);
    await until(() => n === 2);
    await settle(20);
    expect((await readState())!.queue_).toEqual([]);
  });

  it('honours Retry-After in seconds on 429', async () => {
    const sent = stubFetch((n) => (n === 1 ? status(429, { 'Retry-After': '7' }) : status(200)));
    const lt = await load();
    await lt.visitor();
    lt.identify({ email: 'ada@example.com' });
    await settle(20);
    await advance(6_999);
    expect(sent).toHaveLength(1);
    await advance(1);
    await until(() => sent.length === 2);
    expect(sent[1]!.body.event_id).toBe(sent[0]!.body.event_id);
  });

  it('backs off as usual when Retry-After is not in seconds (the collector sends seconds)', async () => {
    const retryAt = new Date(T0 + 3_600_000).toUTCString();
    const sent = stubFetch((n) => (n === 1 ? status(429, { 'Retry-After': retryAt }) : status(200)));
    const lt = await load();
    await lt.visitor();
    lt.identify({ email: 'ada@example.com' });
    await settle(20);
    await advance(999); // Math.random() is 0.5: the first backoff is 1 s
    expect(sent).toHaveLength(1);
    await advance(1);
    await until(() => sent.length === 2);
  });

  it('retries queued items when a later page loads', async () => {
    let fail = true;
    const sent = stubFetch(() => (fail ? status(503) : status(200)));
    const first = await load();
    await first.visitor();
    first.identify({ email: 'ada@example.com' });
    await settle(20);
    fail = false;
    vi.setSystemTime(T0 + 5_000); // past the first backoff (at most 2 s)
    const next = await load();
    await next.visitor();
    await until(() => sent.length >= 2);
    expect(new Set(ids(sent)).size).toBe(1);
    await until(async () => (await readState())?.queue_?.length === 0);
  });

  it('retries what is due on `online`', async () => {
    let n = 0;
    vi.stubGlobal(
      'fetch',
      vi.fn(() => (++n === 1 ? Promise.reject(new TypeError('offline')) : Promise.resolve(status(200)))),
    );
    const lt = await load();
    await lt.visitor();
    lt.identify({ email: 'ada@example.com' });
    await settle(20);
    expect((await readState())!.queue_).toHaveLength(1);
    vi.setSystemTime(T0 + 1_500); // due (the retry timer has not fired: fake timers stand still)
    window.dispatchEvent(new Event('online'));
    expect(n).toBe(2);
    await until(async () => (await readState())?.queue_?.length === 0);
  });

  it('keeps the newest 20 submissions', async () => {
    stubFetch(() => status(503));
    const lt = await load();
    await lt.visitor();
    for (let i = 1; i <= 25; i++) lt.identify({ email: `v${i}@example.com` });
    await settle(30);
    const q = (await readState())!.queue_!;
    expect(q).toHaveLength(20);
    expect(q[0]!.body_.form).toEqual([['|email', 'v6@example.com']]);
    expect(q[19]!.body_.form).toEqual([['|email', 'v25@example.com']]);
  });
});

describe('fallbacks and limits', () => {
  it('falls back to sendBeacon when fetch is missing', async () => {
    vi.stubGlobal('fetch', undefined);
    const beacon = vi.fn(() => true);
    vi.stubGlobal('navigator', Object.assign(Object.create(navigator), { sendBeacon: beacon }));
    const lt = await load();
    await lt.visitor();
    lt.identify({ email: 'ada@example.com' });
    expect(beacon).toHaveBeenCalledTimes(1);
    const [url, body] = beacon.mock.calls[0] as unknown as [string, string];
    expect(url).toBe(URL_IDENTIFY);
    // The bundle keeps its own copy of the route: held equal to the protocol's here.
    expect(url).toBe(`${API}${LEADS_API_PATH}/identify`);
    expect(JSON.parse(body)).toMatchObject({ key: 'lt_pk_test', form: [['|email', 'ada@example.com']] });
    await until(async () => (await readState())?.queue_?.length === 0); // queued by the browser: delivered
  });

  it('falls back to sendBeacon when fetch throws, and keeps the item when the beacon is refused', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() => {
        throw new TypeError('blocked');
      }),
    );
    const beacon = vi.fn(() => false);
    vi.stubGlobal('navigator', Object.assign(Object.create(navigator), { sendBeacon: beacon }));
    const lt = await load();
    await lt.visitor();
    lt.identify({ email: 'ada@example.com' });
    expect(beacon).toHaveBeenCalledTimes(1);
    await settle(20);
    expect((await readState())!.queue_).toHaveLength(1);
  });

  it('keeps the body under the 32 KB browser limit by dropping the oldest pages', async () => {
    const sent = stubFetch();
    document.title = '題'.repeat(300); // 3 bytes a character in UTF-8
    const lt = await load();
    await lt.visitor();
    for (let i = 0; i < 60; i++) {
      history.pushState(null, '', `/${i}-${'p'.repeat(500)}`);
      await advance(0);
    }
    lt.identify({ email: 'ada@example.com', notes: 'n'.repeat(6000) });
    const { body } = sent[0]!;
    const bytes = new Blob([JSON.stringify(body)]).size;
    expect(bytes).toBeLessThanOrEqual(30_000);
    const pages = body.pages_visited as { path: string }[];
    expect(pages.length).toBeLessThan(50);
    expect(pages.at(-1)!.path.startsWith('/59-')).toBe(true);
    expect((body.form as string[][])[1]).toEqual(['|notes', 'n'.repeat(5000)]);
    // The tracker's own history is untouched.
    expect((await lt.visitor())!.pages_visited).toHaveLength(50);
    document.title = '';
  });
});
