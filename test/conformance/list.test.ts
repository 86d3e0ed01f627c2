import { beforeAll, expect, it } from 'vitest';
import { createTestSite } from '../support/collector.ts';
import { describeEachStore, uuid } from '../support/conformance.ts';

describeEachStore('list (get)', (env) => {
  const segment = uuid();
  const campaign = uuid();
  const assignee = uuid();
  const owner = uuid();
  // Digits only, so short searches for letters cannot match the tag by chance.
  const tag = `zq${String(Math.random()).slice(2, 10)}`;
  let ids: string[] = [];
  let key = '';

  beforeAll(async () => {
    // A site of its own, so totals and orders are exact.
    const site = await createTestSite(env().handle.store);
    key = site.secretKey;
    const rows = [
      {
        name: 'alice Adams',
        email: `alice.${tag}@example.com`,
        status: 'new',
        lead_score: 10,
        company: 'Zeta Widgets',
      },
      { name: 'Bob Brown', email: `bob.${tag}@example.com`, status: 'qualified', lead_score: 90, origin: 'referral' },
      { name: 'carol Clark', email: `carol.${tag}@example.com`, status: 'qualified', notes: `100% sure_${tag} \\ ok` },
      { name: 'Dave Dunn', email: `dave.${tag}@example.com`, status: 'lost', segment_id: segment, company: 'alpha' },
      {
        name: 'Eve Evans',
        email: `eve.${tag}@example.com`,
        campaign_id: campaign,
        assignee_id: assignee,
        user_id: owner,
      },
    ];
    ids = [];
    for (const row of rows) {
      const res = await env().api.call('create', row, { key });
      expect(res.status).toBe(201);
      ids.push(res.body.lead.id);
      await new Promise((r) => setTimeout(r, 5)); // distinct created_at
    }
  });

  const list = (body: Record<string, unknown>) => env().api.call('get', body, { key });
  const names = (res: { body: { data: { leads: { name: string }[] } } }) => res.body.data.leads.map((l) => l.name);

  it('lists newest first by default with {data:{leads, pagination}}', async () => {
    const res = await list({});
    expect(res.status).toBe(200);
    expect(names(res)).toEqual(['Eve Evans', 'Dave Dunn', 'carol Clark', 'Bob Brown', 'alice Adams']);
    expect(res.body.data.pagination).toEqual({ total: 5, count: 5, offset: 0, limit: 50, has_more: false });
  });

  it('paginates with total, count and has_more', async () => {
    const page1 = await list({ limit: 2, offset: 0, sort_by: 'created_at', sort_order: 'asc' });
    const page3 = await list({ limit: 2, offset: 4, sort_by: 'created_at', sort_order: 'asc' });
    expect(names(page1)).toEqual(['alice Adams', 'Bob Brown']);
    expect(page1.body.data.pagination).toEqual({ total: 5, count: 2, offset: 0, limit: 2, has_more: true });
    expect(names(page3)).toEqual(['Eve Evans']);
    expect(page3.body.data.pagination).toEqual({ total: 5, count: 1, offset: 4, limit: 2, has_more: false });
    const beyond = await list({ offset: 10 });
    expect(beyond.body.data.pagination).toMatchObject({ total: 5, count: 0, has_more: false });
  });

  it('filters by status, origin, segment, campaign, assignee and user', async () => {
    expect(names(await list({ status: 'qualified' })).sort()).toEqual(['Bob Brown', 'carol Clark']);
    expect(names(await list({ origin: 'referral' }))).toEqual(['Bob Brown']);
    expect(names(await list({ segment_id: segment }))).toEqual(['Dave Dunn']);
    expect(names(await list({ campaign_id: campaign }))).toEqual(['Eve Evans']);
    expect(names(await list({ assignee_id: assignee }))).toEqual(['Eve Evans']);
    expect(names(await list({ user_id: owner }))).toEqual(['Eve Evans']);
    expect(names(await list({ status: 'qualified', search: 'bob' }))).toEqual(['Bob Brown']);
  });

  it('searches name, email and notes case-insensitively by substring', async () => {
    expect(names(await list({ search: 'ADAMS' }))).toEqual(['alice Adams']);
    expect(names(await list({ search: `bob.${tag}` }))).toEqual(['Bob Brown']);
    expect(names(await list({ search: `sure_${tag}` }))).toEqual(['carol Clark']);
    expect(names(await list({ search: tag })).length).toBe(5);
    expect(names(await list({ search: 'nobody-here' }))).toEqual([]);
  });

  it('takes LIKE and query metacharacters literally', async () => {
    expect(names(await list({ search: '100%' }))).toEqual(['carol Clark']);
    expect(names(await list({ search: '% s' }))).toEqual(['carol Clark']);
    expect(names(await list({ search: 'e_ta' }))).toEqual([]);
    expect(names(await list({ search: '\\ ok' }))).toEqual(['carol Clark']);
    expect(names(await list({ search: '"bob' }))).toEqual([]);
    expect(names(await list({ search: "'; DROP TABLE leads; --" }))).toEqual([]);
    expect((await list({})).body.data.pagination.total).toBe(5);
  });

  it('searches the company too (beyond the seed), and follows a company that changes', async () => {
    expect(names(await list({ search: 'WIDGET' }))).toEqual(['alice Adams']);
    expect(names(await list({ search: 'alp' }))).toEqual(['Dave Dunn']);
    expect(names(await list({ search: 'ze' }))).toEqual(['alice Adams']);
    await env().api.call('update', { lead_id: ids[0], company: 'Omega Gadgets' }, { key });
    expect(names(await list({ search: 'widget' }))).toEqual([]);
    expect(names(await list({ search: 'gadget' }))).toEqual(['alice Adams']);
    await env().api.call('update', { lead_id: ids[0], company: 'Zeta Widgets' }, { key });
    expect(names(await list({ search: 'widget' }))).toEqual(['alice Adams']);
  });

  it('searches one- and two-character text too', async () => {
    expect(names(await list({ search: 'ev' }))).toEqual(['Eve Evans']);
    expect(names(await list({ search: '%' }))).toEqual(['carol Clark']);
  });

  it('sorts by each allowed column, text case-insensitively and nulls last', async () => {
    expect(names(await list({ sort_by: 'name', sort_order: 'asc' }))).toEqual([
      'alice Adams',
      'Bob Brown',
      'carol Clark',
      'Dave Dunn',
      'Eve Evans',
    ]);
    expect(names(await list({ sort_by: 'name', sort_order: 'desc' }))[0]).toBe('Eve Evans');
    expect(names(await list({ sort_by: 'lead_score', sort_order: 'desc' })).slice(0, 2)).toEqual([
      'Bob Brown',
      'alice Adams',
    ]);
    expect(names(await list({ sort_by: 'lead_score', sort_order: 'asc' })).slice(0, 2)).toEqual([
      'alice Adams',
      'Bob Brown',
    ]);
    expect(names(await list({ sort_by: 'company', sort_order: 'asc' })).slice(0, 2)).toEqual([
      'Dave Dunn',
      'alice Adams',
    ]);
    expect(names(await list({ sort_by: 'status', sort_order: 'asc' }))[0]).toBe('Dave Dunn');
    for (const sort_by of ['updated_at', 'status_changed_at', 'email', 'origin', 'time_spent', 'visit_count']) {
      const res = await list({ sort_by });
      expect(res.status).toBe(200);
      expect(res.body.data.leads).toHaveLength(5);
    }
  });

  it('refuses sort columns outside the list, and out-of-range limit and offset', async () => {
    for (const bad of [
      { sort_by: 'password' },
      { sort_by: 'name; DROP TABLE leads' },
      { sort_order: 'sideways' },
      { limit: 0 },
      { limit: 501 },
      { limit: 2.5 },
      { offset: -1 },
      { limit: '10' },
    ]) {
      const res = await list(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
      expect(res.body.error.issues[0].path).toBe(Object.keys(bad)[0]);
    }
  });

  it('returns one lead with lead_id, with its visitors and history, and 404 for an unknown id', async () => {
    const one = await list({ lead_id: ids[1] });
    expect(one.status).toBe(200);
    expect(one.body.data.lead.id).toBe(ids[1]);
    expect(one.body.data.pagination).toBeNull();
    expect(one.body.data.visitors).toEqual([]);
    expect(one.body.data.events).toEqual([{ type: 'created', from: null, to: 'qualified', at: expect.any(String) }]);
    const missing = await list({ lead_id: uuid() });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
    const bad = await list({ lead_id: 'not-a-uuid' });
    expect(bad.status).toBe(400);
  });

  it('is reachable as POST /leads with action=list', async () => {
    const res = await env().api.call('/api/agents/tools/leads', { action: 'list', limit: 1 }, { key });
    expect(res.status).toBe(200);
    expect(res.body.data.pagination.total).toBe(5);
  });

  it('never lists a lead twice across pages when sort values tie', async () => {
    const seen: string[] = [];
    for (let offset = 0; offset < 5; offset += 2) {
      const res = await list({ sort_by: 'time_spent', limit: 2, offset });
      seen.push(...res.body.data.leads.map((l: { id: string }) => l.id));
    }
    expect(new Set(seen).size).toBe(5);
  });
});
