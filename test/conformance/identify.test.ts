import { expect, it } from 'vitest';
import { describeEachStore, uniqueEmail, uuid } from '../support/conformance.ts';

const page = (path: string, minute: number, title = path) => ({
  path,
  title,
  at: new Date(Date.UTC(2026, 0, 1, 10, minute)).toISOString(),
});

describeEachStore('identify', (env) => {
  const identify = (body: Record<string, unknown>) => env().api.call('identify', body);
  const getLead = async (id: string) => (await env().api.call('get', { lead_id: id })).body.data;

  it('case 4: with no email only the visitor is stored (lead: null), and a later email links the whole history', async () => {
    const visitor_id = uuid();
    const first = await identify({
      visitor_id,
      pages_visited: [page('/', 0), page('/pricing', 1)],
      time_spent: 30,
      visit_count: 1,
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      success: true,
      lead: null,
      visitor: expect.objectContaining({ id: visitor_id, lead_id: null, time_spent: 30, visit_count: 1 }),
    });
    const email = uniqueEmail('later');
    const second = await identify({
      visitor_id,
      email,
      name: 'Later Person',
      pages_visited: [page('/contact', 5)],
      time_spent: 45,
      visit_count: 1,
    });
    expect(second.status).toBe(201);
    expect(second.body.lead).toMatchObject({
      email,
      name: 'Later Person',
      origin: 'website',
      time_spent: 45,
      visit_count: 1,
    });
    expect(second.body.lead.pages_visited.map((p: { path: string }) => p.path)).toEqual(['/', '/pricing', '/contact']);
    expect(second.body.visitor.lead_id).toBe(second.body.lead.id);
  });

  it('case 3: an unknown email creates a lead named after the email when no name is given (201)', async () => {
    const email = uniqueEmail('created');
    const res = await identify({ visitor_id: uuid(), email, company: 'Acme', time_spent: 5, visit_count: 1 });
    expect(res.status).toBe(201);
    expect(res.body.lead).toMatchObject({
      email,
      name: email.split('@')[0],
      company: 'Acme',
      status: 'new',
      origin: 'website',
    });
    const data = await getLead(res.body.lead.id);
    expect(data.events.map((e: { type: string }) => e.type)).toEqual(['created', 'identified']);
    expect(data.visitors).toHaveLength(1);
  });

  it('case 2: an email that has a lead links the visitor to it (200) and merges behaviour over its visitors', async () => {
    const email = uniqueEmail('known');
    const created = await env().api.call('create', { name: 'Known', email, status: 'qualified' });
    const laptop = uuid();
    const phone = uuid();
    const a = await identify({
      visitor_id: laptop,
      email,
      pages_visited: [page('/a', 1)],
      time_spent: 100,
      visit_count: 2,
    });
    expect(a.status).toBe(200);
    expect(a.body.lead.id).toBe(created.body.lead.id);
    const b = await identify({
      visitor_id: phone,
      email: email.toUpperCase(),
      pages_visited: [page('/b', 2)],
      time_spent: 20,
      visit_count: 1,
    });
    expect(b.body.lead).toMatchObject({ id: created.body.lead.id, time_spent: 120, visit_count: 3 });
    expect(b.body.lead.pages_visited.map((p: { path: string }) => p.path)).toEqual(['/a', '/b']);
    // identify never downgrades: a qualified lead stays qualified.
    expect(b.body.lead.status).toBe('qualified');
    const data = await getLead(created.body.lead.id);
    expect(data.visitors.map((v: { id: string }) => v.id).sort()).toEqual([laptop, phone].sort());
  });

  it('case 1: lead_id given updates that lead with the contact fields; an already linked visitor updates its lead', async () => {
    const created = await env().api.call('create', { name: 'Target', email: uniqueEmail('t') });
    const visitor_id = uuid();
    const res = await identify({ visitor_id, lead_id: created.body.lead.id, phone: '+1 555', position: 'VP' });
    expect(res.status).toBe(200);
    expect(res.body.lead).toMatchObject({ id: created.body.lead.id, phone: '+1 555', position: 'VP' });
    // Linked now: a later identify without lead_id or email still updates that lead.
    const again = await identify({ visitor_id, company: 'Linked Co', time_spent: 7, visit_count: 1 });
    expect(again.body.lead).toMatchObject({ id: created.body.lead.id, company: 'Linked Co', time_spent: 7 });
    const missing = await identify({ visitor_id: uuid(), lead_id: uuid() });
    expect(missing.status).toBe(404);
  });

  it('is idempotent: replaying cumulative figures never adds them twice', async () => {
    const visitor_id = uuid();
    const email = uniqueEmail('idem');
    const body = { visitor_id, email, pages_visited: [page('/', 0), page('/x', 1)], time_spent: 60, visit_count: 2 };
    const first = await identify(body);
    for (let i = 0; i < 3; i++) await identify(body);
    const last = await identify({ ...body, pages_visited: [page('/x', 1)], time_spent: 50, visit_count: 1 });
    expect(last.body.lead).toMatchObject({ id: first.body.lead.id, time_spent: 60, visit_count: 2 });
    expect(last.body.lead.pages_visited).toHaveLength(2);
    const grown = await identify({ ...body, pages_visited: [page('/y', 9)], time_spent: 90, visit_count: 3 });
    expect(grown.body.lead).toMatchObject({ time_spent: 90, visit_count: 3 });
    expect(grown.body.lead.pages_visited.map((p: { path: string }) => p.path)).toEqual(['/', '/x', '/y']);
  });

  it('applies the same event_id once, answering the first response', async () => {
    const event_id = uuid();
    const body = { visitor_id: uuid(), email: uniqueEmail('evt'), time_spent: 10, visit_count: 1, event_id };
    const a = await identify(body);
    const b = await identify({ ...body, time_spent: 999 });
    expect(b.status).toBe(a.status);
    expect(b.body).toEqual(a.body);
    const data = await getLead(a.body.lead.id);
    expect(data.lead.time_spent).toBe(10);
  });

  it('adds a new message to the notes instead of overwriting the earlier one', async () => {
    const email = uniqueEmail('notes');
    const visitor_id = uuid();
    await identify({ visitor_id, email, notes: 'First message' });
    const res = await identify({ visitor_id, email, notes: 'Second message' });
    expect(res.body.lead.notes).toBe('First message\n\nSecond message');
    const replay = await identify({ visitor_id, email, notes: 'Second message' });
    expect(replay.body.lead.notes).toBe('First message\n\nSecond message');
  });

  it('moves a shared browser to the other person when a different email is given', async () => {
    const visitor_id = uuid();
    const first = await identify({ visitor_id, email: uniqueEmail('p1'), time_spent: 30, visit_count: 1 });
    const second = await identify({ visitor_id, email: uniqueEmail('p2'), time_spent: 40, visit_count: 1 });
    expect(second.status).toBe(201);
    expect(second.body.lead.id).not.toBe(first.body.lead.id);
    expect(second.body.visitor.lead_id).toBe(second.body.lead.id);
    const old = await getLead(first.body.lead.id);
    expect(old.visitors).toEqual([]);
    expect(old.lead.time_spent).toBe(0);
  });

  it('refuses lead_id with an email that belongs to another lead (409), changing nothing', async () => {
    const a = await env().api.call('create', { name: 'A', email: uniqueEmail('a') });
    const b = await env().api.call('create', { name: 'B', email: uniqueEmail('b') });
    const res = await identify({ visitor_id: uuid(), lead_id: b.body.lead.id, email: a.body.lead.email });
    expect(res.status).toBe(409);
    expect((await getLead(b.body.lead.id)).visitors).toEqual([]);
  });

  it('keeps concurrent identifies of one new email to one lead', async () => {
    const email = uniqueEmail('race');
    const results = await Promise.all(
      Array.from({ length: 8 }, () => identify({ visitor_id: uuid(), email, time_spent: 1, visit_count: 1 })),
    );
    expect(results.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    expect(new Set(results.map((r) => r.body.lead.id)).size).toBe(1);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const lead = await getLead(results[0]!.body.lead.id);
    expect(lead.lead).toMatchObject({ time_spent: 8, visit_count: 8 });
  });

  it('keeps concurrent identifies of one new browser to one visitor, with its largest figures', async () => {
    const visitor_id = uuid();
    const email = uniqueEmail('browser');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        identify({ visitor_id, ...(i % 2 ? { email } : {}), time_spent: 10 + i, visit_count: 1 + i }),
      ),
    );
    expect(results.map((r) => r.status).filter((s) => s !== 200 && s !== 201)).toEqual([]);
    const last = await identify({ visitor_id, email });
    expect(last.status).toBe(200);
    const { lead, visitors } = await getLead(last.body.lead.id);
    expect(visitors).toHaveLength(1);
    expect(visitors[0]).toMatchObject({ id: visitor_id, time_spent: 17, visit_count: 8 });
    expect(lead).toMatchObject({ time_spent: 17, visit_count: 8 });
  });

  it('needs a valid visitor_id', async () => {
    const res = await identify({ email: uniqueEmail() });
    expect(res.status).toBe(400);
    expect(res.body.error.issues[0]).toEqual({ path: 'visitor_id', message: 'is required' });
    expect((await identify({ visitor_id: 'abc' })).status).toBe(400);
  });
});
