// @vitest-environment happy-dom
/**
 * Touches: each page load (not a client-side navigation) is looked at as a touch. The first is kept for good; the
 * latest is replaced only by a load that came with a source (another site's link, a campaign or a click id), so a
 * direct visit, or a link from the site itself, replaces neither. Nothing leaves the browser before a submission.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { freshDb, load, settle, stubFetch } from './helpers.ts';

/** A page load of `path` that came from `referrer` ('' for none). */
const arrive = async (path: string, referrer = '') => {
  history.replaceState(null, '', path);
  Object.defineProperty(document, 'referrer', { value: referrer, configurable: true });
  const lt = await load();
  return (await lt.visitor())!;
};
const here = (path: string) => `${location.origin}${path}`;

describe('touches', () => {
  let sent: ReturnType<typeof stubFetch>;
  beforeEach(() => {
    freshDb();
    sent = stubFetch();
  });

  it('keeps the first (a campaign), and the latest with a source; a direct visit replaces neither', async () => {
    const first = await arrive('/spring?utm_source=news&utm_medium=email#top', 'https://mail.example.net/');
    expect(first.touches).toEqual([
      {
        url: here('/spring?utm_source=news&utm_medium=email'),
        referrer: 'https://mail.example.net/',
        at: expect.any(String),
      },
      first.touches![0],
    ]);
    const direct = await arrive('/pricing');
    expect(direct.touches).toEqual(first.touches);
    const search = await arrive('/features', 'https://www.google.com/');
    expect(search.touches![0]).toEqual(first.touches![0]);
    expect(search.touches![1]).toMatchObject({ url: here('/features'), referrer: 'https://www.google.com/' });
    expect(sent).toEqual([]);
  });

  it('takes a click id or a campaign without a referrer as a source, and a link from this site as none', async () => {
    await arrive('/');
    const ad = await arrive('/?gclid=Cj0KCQ');
    expect(ad.touches![1]).toMatchObject({ url: here('/?gclid=Cj0KCQ'), referrer: '' });
    const internal = await arrive('/about', here('/'));
    expect(internal.touches).toEqual(ad.touches);
    const msclkid = await arrive('/?msclkid=9f');
    expect(msclkid.touches![1]).toMatchObject({ url: here('/?msclkid=9f') });
  });

  it('is not touched by a client-side navigation, even to a campaign URL', async () => {
    const lt = await load();
    const before = (await lt.visitor())!.touches;
    history.pushState(null, '', '/next?utm_source=spa');
    await settle();
    expect((await lt.visitor())!.touches).toEqual(before);
  });

  it('goes with a submission, and reset() forgets it (the next person did not arrive that way)', async () => {
    await arrive('/?utm_source=partner', 'https://partner.example/');
    // A reload keeps its referrer: the same touch again, at the reload's time.
    const lt = await load();
    const visitor = (await lt.visitor())!;
    expect(visitor.touches![1]).toMatchObject({
      url: here('/?utm_source=partner'),
      referrer: 'https://partner.example/',
    });
    lt.identify({ email: 'ada@example.com' });
    await settle();
    expect(sent[0]!.body.touches).toEqual(visitor.touches);
    lt.reset();
    await settle();
    expect((await lt.visitor())!.touches).toBeUndefined();
    const next = await arrive('/');
    expect(next.touches![0]).toMatchObject({ url: here('/'), referrer: '' });
  });
});
