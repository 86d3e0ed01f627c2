import { expect, it } from 'vitest';
import { describeEachStore, uniqueEmail, uuid } from '../support/conformance.ts';

describeEachStore('update', (env) => {
  const create = async (extra: Record<string, unknown> = {}) =>
    (await env().api.call('create', { name: 'Up Date', email: uniqueEmail('up'), ...extra })).body.lead;

  it('sets only the fields given and answers {success, lead}', async () => {
    const lead = await create({ phone: '123', company: 'Keep' });
    const res = await env().api.call('update', { lead_id: lead.id, position: 'CEO', lead_score: 55 });
    expect(res.status).toBe(200);
    expect(res.body.lead).toMatchObject({
      position: 'CEO',
      lead_score: 55,
      phone: '123',
      company: 'Keep',
      name: 'Up Date',
    });
    expect(res.body.lead.updated_at >= lead.updated_at).toBe(true);
  });

  it('clears nullable fields with null, and refuses null for name and email', async () => {
    const lead = await create({ phone: '123', notes: 'n', contact_info: { a: 1 } });
    const res = await env().api.call('update', { lead_id: lead.id, phone: null, notes: null, contact_info: null });
    expect(res.body.lead).toMatchObject({ phone: null, notes: null, contact_info: null });
    const bad = await env().api.call('update', { lead_id: lead.id, name: null, email: null });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual(['email', 'name']);
  });

  it('is also PUT /update', async () => {
    const lead = await create();
    const res = await env().api.call('update', { lead_id: lead.id, company: 'Put Co' }, { method: 'PUT' });
    expect(res.status).toBe(200);
    expect(res.body.lead.company).toBe('Put Co');
  });

  it('answers 404 for an unknown lead and 400 without lead_id', async () => {
    expect((await env().api.call('update', { lead_id: uuid(), name: 'x' })).status).toBe(404);
    const res = await env().api.call('update', { name: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]).toEqual({ path: 'lead_id', message: 'is required' });
  });

  it('refuses an email another lead has with 409, and leaves the lead unchanged', async () => {
    const a = await create();
    const b = await create();
    const res = await env().api.call('update', { lead_id: b.id, email: a.email.toUpperCase(), company: 'No' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'duplicate_lead', lead_id: a.id });
    const after = await env().api.call('get', { lead_id: b.id });
    expect(after.body.data.lead).toMatchObject({ email: b.email, company: null });
  });

  it('answers a race of two leads for one new email with one 200 and one 409, never a 500', async () => {
    const a = await create();
    const b = await create();
    const email = uniqueEmail('contested');
    const results = await Promise.all([
      env().api.call('update', { lead_id: a.id, email }),
      env().api.call('update', { lead_id: b.id, email }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(results.find((r) => r.status === 409)!.body.error.code).toBe('duplicate_lead');
  });

  it('matches lead ids case-insensitively and answers them in lower case', async () => {
    const lead = await create();
    const res = await env().api.call('update', { lead_id: lead.id.toUpperCase(), company: 'Upper' });
    expect(res.status).toBe(200);
    expect(res.body.lead.id).toBe(lead.id);
    const one = await env().api.call('get', { lead_id: lead.id.toUpperCase() });
    expect(one.body.data.lead.company).toBe('Upper');
  });

  it('records a status change in the history with status_changed_at', async () => {
    const lead = await create();
    const res = await env().api.call('update', { lead_id: lead.id, status: 'contacted' });
    expect(res.body.lead.status).toBe('contacted');
    expect(res.body.lead.status_changed_at).toBe(res.body.lead.updated_at);
    const one = await env().api.call('get', { lead_id: lead.id });
    expect(one.body.data.events.map((e: { type: string }) => e.type)).toEqual(['created', 'status_changed']);
    expect(one.body.data.events[1]).toMatchObject({ from: 'new', to: 'contacted' });
  });

  it('treats behaviour given on update as the lead own contribution', async () => {
    const lead = await create({ time_spent: 10, visit_count: 1 });
    const res = await env().api.call('update', { lead_id: lead.id, time_spent: 25, pages_visited: ['/a'] });
    expect(res.body.lead).toMatchObject({ time_spent: 25, visit_count: 1, pages_visited: [{ path: '/a' }] });
  });

  it('keeps the contact fields an edit replaced in its history event, and only those', async () => {
    const lead = await create({ phone: '+1 555 0100', company: 'Old Co', notes: 'first' });
    const email = uniqueEmail('moved');
    await env().api.call('update', { lead_id: lead.id, email, phone: null, company: 'New Co', notes: 'second' });
    await env().api.call('update', { lead_id: lead.id, notes: 'third' });
    await env().api.call('update', { lead_id: lead.id, status: 'qualified' });
    const events = (await env().api.call('get', { lead_id: lead.id })).body.data.events;
    const edits = events.filter((e: { type: string }) => e.type === 'updated');
    expect(edits).toHaveLength(2);
    expect(edits[0].changes).toEqual({
      email: { from: lead.email, to: email },
      phone: { from: '+1 555 0100', to: null },
      company: { from: 'Old Co', to: 'New Co' },
    });
    // Notes are not contact details: the edit is named, its text is not copied into the history.
    expect(edits[0].to.split(',').sort()).toEqual(['company', 'email', 'notes', 'phone']);
    expect(edits[1]).not.toHaveProperty('changes');
    expect(events.find((e: { type: string }) => e.type === 'status_changed')).not.toHaveProperty('changes');
  });
});

describeEachStore('qualify', (env) => {
  const create = async (extra: Record<string, unknown> = {}) =>
    (await env().api.call('create', { name: 'Qual', email: uniqueEmail('q'), ...extra })).body.lead;

  it('changes the status by lead_id with the published response shape', async () => {
    const lead = await create();
    const res = await env().api.call('qualify', { lead_id: lead.id, status: 'qualified' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true,
      message: 'Lead status updated successfully',
      lead: expect.objectContaining({ id: lead.id, status: 'qualified' }),
      status_changed: true,
      status_change: { from: 'new', to: 'qualified', timestamp: res.body.lead.status_changed_at },
    });
  });

  it('answers status_changed:false when the lead already has the status', async () => {
    const lead = await create({ status: 'contacted' });
    const res = await env().api.call('qualify', { lead_id: lead.id, status: 'contacted' });
    expect(res.body).toEqual({
      success: true,
      message: 'Lead already has the specified status',
      lead: expect.objectContaining({ status: 'contacted' }),
      status_changed: false,
    });
  });

  it('finds the lead by email, case-insensitively, else by phone ignoring formatting', async () => {
    const byEmail = await create();
    const res = await env().api.call('qualify', { email: byEmail.email.toUpperCase(), status: 'converted' });
    expect(res.body.lead).toMatchObject({ id: byEmail.id, status: 'converted' });
    const phone = `+44 20 ${Math.floor(Math.random() * 1e7)}`;
    const byPhone = await create({ phone });
    const res2 = await env().api.call('qualify', { phone: phone.replace(/ /g, '-'), status: 'lost' });
    expect(res2.body.lead).toMatchObject({ id: byPhone.id, status: 'lost' });
  });

  it('refuses a phone shared by several leads with 409 ambiguous_lead listing them', async () => {
    const phone = `+1 ${Math.floor(Math.random() * 1e9)}`;
    const a = await create({ phone });
    const b = await create({ phone });
    const res = await env().api.call('qualify', { phone, status: 'lost' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ambiguous_lead');
    expect(res.body.error.lead_ids.sort()).toEqual([a.id, b.id].sort());
  });

  it('keeps the history of every change', async () => {
    const lead = await create();
    for (const status of ['contacted', 'qualified', 'converted']) {
      await env().api.call('qualify', { lead_id: lead.id, status });
    }
    const one = await env().api.call('get', { lead_id: lead.id });
    const changes = one.body.data.events.filter((e: { type: string }) => e.type === 'status_changed');
    expect(changes.map((e: { from: string; to: string }) => `${e.from}>${e.to}`)).toEqual([
      'new>contacted',
      'contacted>qualified',
      'qualified>converted',
    ]);
  });

  it('answers 404 when nothing matches, and 400 without status or a way to find the lead', async () => {
    expect((await env().api.call('qualify', { lead_id: uuid(), status: 'lost' })).status).toBe(404);
    expect((await env().api.call('qualify', { email: uniqueEmail('none'), status: 'lost' })).status).toBe(404);
    expect((await env().api.call('qualify', { phone: '+0 000', status: 'lost' })).status).toBe(404);
    const noStatus = await env().api.call('qualify', { lead_id: uuid() });
    expect(noStatus.status).toBe(400);
    expect(noStatus.body.error.issues[0].path).toBe('status');
    const noLookup = await env().api.call('qualify', { status: 'lost' });
    expect(noLookup.status).toBe(400);
    expect(noLookup.body.error.message).toMatch(/lead_id, email or phone/);
    const badStatus = await env().api.call('qualify', { lead_id: uuid(), status: 'hot' });
    expect(badStatus.status).toBe(400);
  });
});
