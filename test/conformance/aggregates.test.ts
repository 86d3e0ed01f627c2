/**
 * Aggregates (counts per status, per channel or campaign, new leads per period) agree with what `list` finds under the same filters, on
 * both stores, and follow the access policy: a publishable key reads no counts either.
 */
import { countLeads, LeadsError, leadsByTouch, leadsPerPeriod } from '@leadtrail/collector';
import { beforeAll, expect, it } from 'vitest';
import { createTestSite } from '../support/collector.ts';
import { describeEachStore, uuid } from '../support/conformance.ts';

describeEachStore('aggregates', (env) => {
  let ctx: Parameters<typeof countLeads>[0];
  /** Three UTC days: 2026-03-01, 02 and 03. */
  const days = ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04'].map((day) => `${day}T00:00:00.000Z`);

  beforeAll(async () => {
    const { handle } = env();
    const site = await createTestSite(handle.store);
    const created = await handle.store.getSite(site.siteId);
    ctx = { store: handle.store, siteId: site.siteId, ownerUserId: created!.owner_user_id, keyKind: 'secret' };
    const { runLeadsAction } = await import('@leadtrail/collector');
    // Leads created at known instants (the clock is the context's), with statuses, origins and a searchable word.
    const plan: [string, string, string, string][] = [
      ['2026-02-28T23:59:59.999Z', 'new', 'website', 'Before the period'],
      ['2026-03-01T00:00:00.000Z', 'new', 'website', 'Ada Quokka'],
      ['2026-03-01T12:00:00.000Z', 'qualified', 'referral', 'Bob Stone'],
      ['2026-03-02T08:30:00.000Z', 'qualified', 'website', 'Cy Quokka'],
      ['2026-03-03T23:59:59.999Z', 'lost', 'website', 'Di Reed'],
      ['2026-03-04T00:00:00.000Z', 'new', 'website', 'After the period'],
    ];
    for (const [at, status, origin, name] of plan) {
      const atCtx = { ...ctx, now: () => new Date(at) };
      await runLeadsAction(atCtx, { action: 'create', name, email: `${uuid()}@agg.test`, origin, status });
    }
  });

  it('counts per status, with list’s filters', async () => {
    expect(await countLeads(ctx, {})).toEqual({
      total: 6,
      by_status: { new: 3, contacted: 0, qualified: 2, converted: 0, lost: 1 },
    });
    expect(await countLeads(ctx, { origin: 'website', search: 'quokka' })).toEqual({
      total: 2,
      by_status: { new: 1, contacted: 0, qualified: 1, converted: 0, lost: 0 },
    });
    expect((await countLeads(ctx, { status: 'qualified' })).total).toBe(2);
  });

  it('counts new leads per period (here UTC days), nothing outside them', async () => {
    const perDay = await leadsPerPeriod(ctx, {}, days);
    expect(perDay.map((d) => [d.start.slice(0, 10), d.total])).toEqual([
      ['2026-03-01', 2],
      ['2026-03-02', 1],
      ['2026-03-03', 1],
    ]);
    expect(perDay[0]!.by_status).toMatchObject({ new: 1, qualified: 1 });
    const filtered = await leadsPerPeriod(ctx, { status: 'qualified' }, days);
    expect(filtered.map((d) => d.total)).toEqual([1, 1, 0]);
  });

  it('refuses bad filters and a publishable key, as list does', async () => {
    await expect(countLeads(ctx, { status: 'bogus' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(countLeads(ctx, { limit: 5 })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(countLeads(ctx, { site_id: uuid() })).rejects.toMatchObject({ code: 'site_mismatch' });
    const browser = { ...ctx, keyKind: 'publishable' as const };
    await expect(countLeads(browser, {})).rejects.toBeInstanceOf(LeadsError);
    await expect(leadsPerPeriod(browser, {}, days)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('counts per first (or latest) touch channel and campaign, with list’s filters; leads with no touch under null', async () => {
    const { handle } = env();
    const { runLeadsAction } = await import('@leadtrail/collector');
    const site = await createTestSite(handle.store);
    const created = await handle.store.getSite(site.siteId);
    const own = {
      store: handle.store,
      siteId: site.siteId,
      ownerUserId: created!.owner_user_id,
      keyKind: 'secret' as const,
    };
    const at = '2026-03-01T10:00:00.000Z';
    const later = '2026-03-05T10:00:00.000Z';
    const arrivals: [string, unknown[] | undefined][] = [
      ['a', [{ url: '/?utm_source=news&utm_medium=email&utm_campaign=spring', at }]],
      [
        'b',
        [
          { url: '/?utm_source=news&utm_medium=email&utm_campaign=spring', at },
          { url: '/', referrer: 'https://www.bing.com/', at: later },
        ],
      ],
      ['c', [{ url: '/?utm_source=ads&utm_medium=cpc&utm_campaign=brand', at }]],
      ['d', undefined],
    ];
    for (const [name, touches] of arrivals)
      await runLeadsAction(own, {
        action: 'identify',
        visitor_id: uuid(),
        name,
        email: `${uuid()}@touch.test`,
        touches,
      });
    expect(await leadsByTouch(own, {}, 'channel')).toEqual([
      { value: 'email', count: 2 },
      { value: 'paid_search', count: 1 },
      { value: null, count: 1 },
    ]);
    expect(await leadsByTouch(own, { channel: 'email' }, 'utm_campaign')).toEqual([{ value: 'spring', count: 2 }]);
    expect(await leadsByTouch(own, { touch: 'latest' }, 'channel')).toEqual([
      { value: 'email', count: 1 },
      { value: 'organic_search', count: 1 },
      { value: 'paid_search', count: 1 },
      { value: null, count: 1 },
    ]);
    await expect(leadsByTouch({ ...own, keyKind: 'publishable' }, {}, 'channel')).rejects.toBeInstanceOf(LeadsError);
  });
});
