import { expect, it } from 'vitest';
import { describeEachStore, uniqueEmail, uuid } from '../support/conformance.ts';

const LEAD_FIELDS = [
  'id',
  'site_id',
  'user_id',
  'name',
  'email',
  'phone',
  'position',
  'company',
  'notes',
  'status',
  'origin',
  'source',
  'segment_id',
  'campaign_id',
  'assignee_id',
  'lead_score',
  'contact_info',
  'company_info',
  'interest_level',
  'product_interest',
  'pages_visited',
  'time_spent',
  'visit_count',
  'created_at',
  'updated_at',
  'status_changed_at',
  'attribution',
].sort();

describeEachStore('create', (env) => {
  it('creates a lead with every field and answers 201 {success, lead} with the full record', async () => {
    const { api } = env();
    const email = uniqueEmail('jane');
    const input = {
      name: 'Jane Smith',
      email,
      phone: '+1 555 0100',
      position: 'CTO',
      company: 'Acme Corp',
      notes: 'Met at the fair',
      status: 'contacted',
      origin: 'referral',
      source: 'partner',
      segment_id: uuid(),
      campaign_id: uuid(),
      assignee_id: uuid(),
      user_id: uuid(),
      lead_score: 80,
      contact_info: { linkedin: 'jane', nested: { a: [1, 2] } },
      company_info: { size: 50 },
      interest_level: 'high',
      product_interest: 'Pro plan',
      pages_visited: [{ path: '/pricing', title: 'Pricing', at: '2026-01-01T10:00:00.000Z' }, '/about'],
      time_spent: 42,
      visit_count: 2,
    };
    const res = await api.call('create', input);
    expect(res.status).toBe(201);
    expect(res.body.success).toBe(true);
    expect(Object.keys(res.body.lead).sort()).toEqual(LEAD_FIELDS);
    const { lead } = res.body;
    expect(lead).toMatchObject({ ...input, pages_visited: expect.any(Array), site_id: api.site.siteId });
    expect(lead.pages_visited).toEqual([
      { path: '/about' },
      { path: '/pricing', title: 'Pricing', at: '2026-01-01T10:00:00.000Z' },
    ]);
    expect(lead.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(lead.created_at).toISOString()).toBe(lead.created_at);
    // No visitor, no touch: nothing to attribute, and the owner's origin as given.
    expect(lead.attribution).toEqual({ first_touch: null, latest_touch: null, channel: null });
  });

  it('defaults status to new, user_id to the site owner, and optional fields to null', async () => {
    const { api } = env();
    const res = await api.call('create', { name: 'Min', email: uniqueEmail() });
    expect(res.status).toBe(201);
    expect(res.body.lead).toMatchObject({ status: 'new', phone: null, company: null, lead_score: null, time_spent: 0 });
    expect(res.body.lead.user_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('requires name and a valid email, naming each missing or bad field', async () => {
    const { api } = env();
    const res = await api.call('create', { email: 'not-an-email' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    const paths = res.body.error.issues.map((i: { path: string }) => i.path).sort();
    expect(paths).toEqual(['email', 'name']);
  });

  it('refuses an email the site already has (case-insensitively) with 409 duplicate_lead and the existing id', async () => {
    const { api } = env();
    const email = uniqueEmail('dup');
    const first = await api.call('create', { name: 'First', email });
    const second = await api.call('create', { name: 'Second', email: email.toUpperCase() });
    expect(second.status).toBe(409);
    expect(second.body).toEqual({
      success: false,
      error: { code: 'duplicate_lead', message: expect.any(String), lead_id: first.body.lead.id },
    });
  });

  it('applies a submission with the same event_id once and answers the same', async () => {
    const { api } = env();
    const event_id = uuid();
    const email = uniqueEmail('idem');
    const a = await api.call('create', { name: 'Once', email, event_id });
    const b = await api.call('create', { name: 'Once', email, event_id });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body).toEqual(a.body);
    const list = await api.call('get', { search: email });
    expect(list.body.data.pagination.total).toBe(1);
  });

  it('accepts site_id equal to the key site and refuses another with 403 site_mismatch', async () => {
    const { api } = env();
    const ok = await api.call('create', { name: 'S', email: uniqueEmail(), site_id: api.site.siteId });
    expect(ok.status).toBe(201);
    const other = await api.call('create', { name: 'S', email: uniqueEmail(), site_id: uuid() });
    expect(other.status).toBe(403);
    expect(other.body.error.code).toBe('site_mismatch');
  });

  it('works through POST /leads with action=create', async () => {
    const { api } = env();
    const res = await api.call('/api/agents/tools/leads', {
      action: 'create',
      name: 'Via action',
      email: uniqueEmail(),
    });
    expect(res.status).toBe(201);
    expect(res.body.lead.name).toBe('Via action');
  });
});
