/**
 * The creation period filter (`created_from` inclusive, `created_to` exclusive; beyond the seed) on both stores:
 * over REST the list finds exactly the leads created in it, to the millisecond at both ends, whatever offset the
 * instants are written with; the counts and the per-period counts agree with it; bad instants and a period that runs
 * backwards are refused with invalid_input and a message naming the field. Periods of a non-whole-hour zone (Asia/
 * Kolkata days start at 18:30 UTC) split leads at exactly that instant.
 */
import { countLeads, leadsPerPeriod, runLeadsAction } from '@leadtrail/collector';
import { beforeAll, expect, it } from 'vitest';
import { createTestSite } from '../support/collector.ts';
import { describeEachStore, uuid } from '../support/conformance.ts';

/** When each lead was created: either side of the period's two ends, and inside it. */
const CREATED = {
  before: '2026-03-01T18:29:59.999Z',
  start: '2026-03-01T18:30:00.000Z',
  inside: '2026-03-02T12:00:00.000Z',
  last: '2026-03-02T18:29:59.999Z',
  end: '2026-03-02T18:30:00.000Z',
} as const;
type Name = keyof typeof CREATED;

describeEachStore('created_from / created_to', (env) => {
  let key = '';
  let ctx: Parameters<typeof countLeads>[0];
  const ids: Record<string, Name> = {};

  beforeAll(async () => {
    const { handle } = env();
    const site = await createTestSite(handle.store);
    key = site.secretKey;
    const created = await handle.store.getSite(site.siteId);
    ctx = { store: handle.store, siteId: site.siteId, ownerUserId: created!.owner_user_id, keyKind: 'secret' };
    for (const [name, at] of Object.entries(CREATED) as [Name, string][]) {
      const result = await runLeadsAction(
        { ...ctx, now: () => new Date(at) },
        {
          action: 'create',
          name,
          email: `${name}.${uuid()}@range.test`,
          status: name === 'inside' ? 'qualified' : 'new',
        },
      );
      ids[(result.body.lead as { id: string }).id] = name;
    }
  });

  const listed = async (filters: Record<string, unknown>) => {
    const response = await env().api.call('get', { ...filters, sort_order: 'asc' }, { key });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return (response.body.data.leads as { id: string }[]).map((lead) => ids[lead.id]);
  };

  it('lists the leads created from created_from (inclusive) to created_to (exclusive), to the millisecond', async () => {
    expect(await listed({ created_from: CREATED.start, created_to: CREATED.end })).toEqual(['start', 'inside', 'last']);
    expect(await listed({ created_from: CREATED.start })).toEqual(['start', 'inside', 'last', 'end']);
    expect(await listed({ created_to: CREATED.start })).toEqual(['before']);
    expect(await listed({ created_from: CREATED.inside, created_to: CREATED.inside })).toEqual([]);
  });

  it('reads an instant with any offset, and without seconds, as the same instant', async () => {
    // 00:00 in Kolkata (+05:30) is 18:30 UTC the day before.
    expect(
      await listed({ created_from: '2026-03-02T00:00+05:30', created_to: '2026-03-03T00:00:00.000+05:30' }),
    ).toEqual(['start', 'inside', 'last']);
    expect(await listed({ created_from: '2026-03-01T13:30:00-05:00', created_to: '2026-03-02T13:30:00-0500' })).toEqual(
      ['start', 'inside', 'last'],
    );
  });

  it('counts per status and per period as the list finds', async () => {
    const period = { created_from: CREATED.start, created_to: CREATED.end };
    expect(await countLeads(ctx, period)).toEqual({
      total: 3,
      by_status: { new: 2, contacted: 0, qualified: 1, converted: 0, lost: 0 },
    });
    expect((await countLeads(ctx, { ...period, status: 'qualified' })).total).toBe(1);
    // Kolkata's 1, 2 and 3 March: each day starts at 18:30 UTC the day before.
    const days = ['2026-02-28T18:30:00.000Z', CREATED.start, CREATED.end, '2026-03-03T18:30:00.000Z'];
    expect((await leadsPerPeriod(ctx, {}, days)).map((d) => d.total)).toEqual([1, 3, 1]);
    // Outer periods reaching the first and last instants either store takes: every lead of the site, once.
    const all = ['0001-01-01T00:00:00.000Z', ...days, '9999-12-31T23:59:59.999Z'];
    expect((await leadsPerPeriod(ctx, {}, all)).map((d) => d.total)).toEqual([0, 1, 3, 1, 0]);
    // The filter's period cuts the periods: only the leads inside both are counted.
    const cut = await leadsPerPeriod(ctx, { created_from: CREATED.inside, created_to: CREATED.end }, days);
    expect(cut.map((d) => d.total)).toEqual([0, 2, 0]);
    expect(cut[1]!.by_status).toMatchObject({ new: 1, qualified: 1 });
    expect((await leadsPerPeriod(ctx, { status: 'new' }, days)).map((d) => d.total)).toEqual([1, 2, 1]);
  });

  it('refuses instants that are not ISO 8601 with an offset, or not real, with invalid_input and a message', async () => {
    for (const bad of [
      'yesterday',
      '2026-03-01',
      '2026-03-01T00:00:00',
      '2026-02-30T00:00:00Z',
      '2026-03-01T24:00Z',
      5,
    ]) {
      const response = await env().api.call('get', { created_from: bad }, { key });
      expect(response.status, String(bad)).toBe(400);
      expect(response.body.error.code).toBe('invalid_input');
      expect(response.body.error.issues).toContainEqual({
        path: 'created_from',
        message: expect.stringMatching(/ISO 8601|string/),
      });
    }
    const response = await env().api.call('get', { created_to: '2026-13-01T00:00:00Z' }, { key });
    expect(response.body.error.issues).toEqual([
      { path: 'created_to', message: 'must be an ISO 8601 date and time with its offset, e.g. 2026-03-01T00:00:00Z' },
    ]);
    await expect(countLeads(ctx, { created_from: 'soon' })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('refuses a period whose created_to is before its created_from', async () => {
    const response = await env().api.call(
      'get',
      { created_from: CREATED.end, created_to: '2026-03-02T18:29:59.999+00:00' },
      { key },
    );
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 'invalid_input',
      issues: [{ path: 'created_to', message: 'must not be before created_from' }],
    });
    await expect(countLeads(ctx, { created_from: CREATED.end, created_to: CREATED.start })).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });
});
