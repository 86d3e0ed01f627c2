/**
 * Attribution on both stores: the touches a browser sends become its visitor's first and latest touch, rolled up on
 * the lead (earliest first touch of any device, newest touch with a source), classified into a channel; the seed's
 * origin and source filled from it only when empty; the list filtered by channel, UTM values and referrer host.
 */
import { expect, it } from 'vitest';
import { describeEachStore, uniqueEmail, uuid } from '../support/conformance.ts';

const browser = { key: null, headers: { origin: 'http://site.test', 'content-type': 'text/plain' } };

const CAMPAIGN = {
  url: 'http://site.test/spring?utm_source=Newsletter&utm_medium=email&utm_campaign=spring&gclid=abc123&plan=pro',
  referrer: 'https://mail.example.net/inbox',
  at: '2026-11-01T09:00:00.000Z',
};
const DIRECT = { url: 'http://site.test/', referrer: '', at: '2026-11-02T09:00:00.000Z' };
const SEARCH = { url: 'http://site.test/pricing', referrer: 'https://www.google.com/', at: '2026-11-03T09:00:00.000Z' };
const PAID = {
  url: 'http://site.test/?gclid=zzz',
  referrer: 'https://www.google.com/',
  at: '2026-10-01T09:00:00.000Z',
};

describeEachStore('attribution', (env) => {
  /** A form from the page: the email and the visitor's touches, with the publishable key. */
  const submit = (visitor: string, email: string, touches: unknown[]) => {
    const { api } = env();
    return api.call(
      'identify',
      { key: api.site.publishableKey, visitor_id: visitor, form: [['email|email', email]], touches },
      browser,
    );
  };
  const leadOf = async (email: string) => {
    const { api } = env();
    const lead = (await api.call('get', { search: email })).body.data.leads[0];
    return (await api.call('get', { lead_id: lead.id })).body.data;
  };

  it('keeps the first touch (a campaign) and the latest with a source (a search), whatever came direct between', async () => {
    const email = uniqueEmail('touch');
    const visitor = uuid();
    expect((await submit(visitor, email, [CAMPAIGN, SEARCH])).status).toBe(202);
    const { lead, visitors } = await leadOf(email);
    expect(lead.attribution.channel).toBe('email');
    expect(lead.attribution.first_touch).toEqual({
      landing_page: '/spring?plan=pro',
      referrer: 'https://mail.example.net/inbox',
      referrer_host: 'mail.example.net',
      utm_source: 'Newsletter',
      utm_medium: 'email',
      utm_campaign: 'spring',
      utm_term: null,
      utm_content: null,
      click_id_kind: 'gclid',
      click_id: 'abc123',
      channel: 'email',
      source: 'Newsletter',
      at: CAMPAIGN.at,
    });
    expect(lead.attribution.latest_touch).toMatchObject({
      landing_page: '/pricing',
      referrer_host: 'google.com',
      channel: 'organic_search',
      source: 'google.com',
    });
    // The seed's fields, filled because they were empty: origin the channel, source the source's name.
    expect(lead).toMatchObject({ origin: 'email', source: 'Newsletter' });
    expect(visitors[0]).toMatchObject({
      first_touch: { channel: 'email' },
      latest_touch: { channel: 'organic_search' },
    });

    // A direct visit later (the tracker sends it as its first and latest unchanged; an API caller may send it):
    // it replaces neither. A replay, in another order, changes nothing.
    await submit(visitor, email, [DIRECT, SEARCH, CAMPAIGN]);
    const again = await leadOf(email);
    expect(again.lead.attribution).toEqual(lead.attribution);
  });

  it('gives a lead of two devices the earlier first touch and the newer latest one', async () => {
    const email = uniqueEmail('devices');
    await submit(uuid(), email, [SEARCH]);
    const before = (await leadOf(email)).lead;
    expect(before.attribution.channel).toBe('organic_search');
    // A second device, which arrived earlier from a paid search ad, is the same person.
    await submit(uuid(), email, [PAID]);
    const { lead, visitors } = await leadOf(email);
    expect(visitors).toHaveLength(2);
    expect(lead.attribution.first_touch).toMatchObject({ channel: 'paid_search', click_id_kind: 'gclid', at: PAID.at });
    expect(lead.attribution.latest_touch).toMatchObject({ channel: 'organic_search', at: SEARCH.at });
    expect(lead.attribution.channel).toBe('paid_search');
    // origin and source were set (from the first device) and stay: only an empty one is filled.
    expect(lead).toMatchObject({ origin: 'organic_search', source: 'google.com' });
  });

  it('calls a visit with no referrer and no campaign direct, and the latest touch is then the first', async () => {
    const email = uniqueEmail('direct');
    await submit(uuid(), email, [DIRECT]);
    const { lead } = await leadOf(email);
    expect(lead.attribution.first_touch).toMatchObject({ channel: 'direct', referrer: null, source: null });
    expect(lead.attribution.latest_touch).toEqual(lead.attribution.first_touch);
    expect(lead).toMatchObject({ origin: 'direct', source: 'direct' });
  });

  it("never overwrites the owner's origin and source, and fills them when they are empty", async () => {
    const { api } = env();
    const owned = uniqueEmail('owned');
    await api.call('create', { name: 'Owned', email: owned, origin: 'trade fair', source: 'booth 12' });
    await submit(uuid(), owned, [CAMPAIGN]);
    const ownedLead = (await leadOf(owned)).lead;
    expect(ownedLead).toMatchObject({ origin: 'trade fair', source: 'booth 12' });
    expect(ownedLead.attribution.channel).toBe('email');

    const empty = uniqueEmail('empty');
    const created = await api.call('create', { name: 'Empty', email: empty });
    expect(created.body.lead).toMatchObject({ origin: null, source: null });
    await submit(uuid(), empty, [SEARCH]);
    expect((await leadOf(empty)).lead).toMatchObject({ origin: 'organic_search', source: 'google.com' });
  });

  it('filters the list by channel, UTM values and referrer host, on the first touch or the latest', async () => {
    const { api } = env();
    const tag = uuid().slice(0, 8);
    const campaign = (n: string) => ({
      ...CAMPAIGN,
      url: `http://site.test/?utm_source=news-${tag}&utm_medium=email&utm_campaign=c${n}-${tag}`,
    });
    const a = uniqueEmail('fa');
    const b = uniqueEmail('fb');
    const c = uniqueEmail('fc');
    await submit(uuid(), a, [campaign('1'), SEARCH]);
    await submit(uuid(), b, [campaign('2')]);
    await submit(uuid(), c, [{ ...SEARCH, referrer: `https://${tag}.example.org/post` }]);
    const emails = async (filters: Record<string, unknown>) =>
      ((await api.call('get', { limit: 500, ...filters })).body.data.leads as { email: string }[])
        .map((lead) => lead.email)
        .filter((email) => [a, b, c].includes(email))
        .sort();

    expect(await emails({ utm_source: `NEWS-${tag}` })).toEqual([a, b].sort());
    expect(await emails({ utm_campaign: `c2-${tag}` })).toEqual([b]);
    expect(await emails({ utm_source: `news-${tag}`, utm_medium: 'email', channel: 'email' })).toEqual([a, b].sort());
    expect(await emails({ utm_source: `news-${tag}`, channel: 'referral' })).toEqual([]);
    expect(await emails({ referrer_host: `www.${tag}.example.org` })).toEqual([c]);
    // On the latest touch: a's came from a search after the campaign; b's and c's latest is their first.
    expect(await emails({ channel: 'organic_search', touch: 'latest' })).toEqual([a]);
    expect(await emails({ channel: 'organic_search' })).toEqual([]);
    expect(await emails({ utm_campaign: `c2-${tag}`, touch: 'latest' })).toEqual([b]);
    // The totals (and the dashboard's counts) take the same filters.
    const counted = await api.call('get', { utm_source: `news-${tag}`, limit: 1 });
    expect(counted.body.data.pagination.total).toBe(2);
  });

  it('refuses malformed touches with a message that says what is expected, and stores nothing', async () => {
    const { api } = env();
    const email = uniqueEmail('bad-touch');
    const visitor = uuid();
    const cases: [unknown, string, string][] = [
      [[{ url: '', at: CAMPAIGN.at }], 'touches.0.url', 'must not be empty'],
      [[{ url: '/', at: 'yesterday' }], 'touches.0.at', 'must be an ISO 8601 timestamp'],
      [[{ url: '/', at: CAMPAIGN.at, channel: 'email' }], 'touches.0.channel', 'is not a field of this action'],
      ['/landing', 'touches', 'must be an array of touches {url, referrer, at}'],
      [Array.from({ length: 21 }, () => CAMPAIGN), 'touches', 'must hold at most 20 touches'],
    ];
    for (const [touches, path, message] of cases) {
      const res = await api.call('identify', { visitor_id: visitor, email, touches });
      expect(res.status, JSON.stringify(touches).slice(0, 80)).toBe(400);
      expect(res.body.error.issues).toContainEqual({ path, message });
    }
    expect((await api.call('get', { search: email })).body.data.leads).toEqual([]);
    // A landing URL longer than 2,048 characters is cut, not refused: a browser's lead is not lost to it.
    const long = `http://site.test/${'x'.repeat(5000)}?utm_source=long`;
    const res = await api.call('identify', { visitor_id: visitor, email, touches: [{ url: long, at: CAMPAIGN.at }] });
    expect(res.status).toBe(201);
    expect(res.body.lead.attribution.first_touch.landing_page.length).toBeLessThanOrEqual(2048);
  });

  it("takes the published tool's forms of pages_visited: paths, URLs, {url, title} and one comma-separated string", async () => {
    const { api } = env();
    const res = await api.call('create', {
      name: 'Pages',
      email: uniqueEmail('pages'),
      pages_visited: ['/a', 'https://site.test/b?x=1#top', { url: 'https://site.test/c', title: 'C' }],
    });
    expect(res.status).toBe(201);
    expect(res.body.lead.pages_visited.map((page: { path: string }) => page.path).sort()).toEqual([
      '/a',
      '/b?x=1',
      '/c',
    ]);
    const comma = await api.call('create', { name: 'Comma', email: uniqueEmail('comma'), pages_visited: '/x, /y,' });
    expect(comma.body.lead.pages_visited.map((page: { path: string }) => page.path).sort()).toEqual(['/x', '/y']);
    const bad = await api.call('create', {
      name: 'Bad',
      email: uniqueEmail('bad'),
      pages_visited: ['/a', { path: 5 }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues).toContainEqual({
      path: 'pages_visited.1',
      message: 'must be a path, a URL, or an object {path, title, at} ({url, title, at} also accepted)',
    });
  });
});
