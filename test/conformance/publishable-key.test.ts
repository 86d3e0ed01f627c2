/**
 * A publishable key is public (it is in every page), so these cases hold it as an attacker would: a non-browser
 * client that forges an allowed Origin. It may add a submission to any lead of its site, and that is all: every
 * answer it gets (REST sub-routes, REST POST /leads with `action`, both body types, MCP) is checked for every stored
 * value of a seeded lead; an existing email answers exactly like a new one; the owner's fields survive a hostile
 * submission, which the owner can then see.
 */
import { beforeAll, expect, it } from 'vitest';
import { mcpToolCall, send } from '../reliability/support.ts';
import type { ApiResponse, TestCollector } from '../support/collector.ts';
import { describeEachStore, uniqueEmail, uuid } from '../support/conformance.ts';

const ORIGIN = 'http://site.test';
const LEADS = '/api/agents/tools/leads';

/** A lead with every field set by the owner, a linked device and a history: all of it is private. */
async function seedVictim(api: TestCollector) {
  const email = uniqueEmail('victim');
  const visitorId = uuid();
  const made = await api.call('identify', {
    visitor_id: visitorId,
    email,
    name: 'Victoria Private',
    phone: '+44 20 7946 0958',
    position: 'Chief Secret Officer',
    company: 'Private Holdings Ltd',
    notes: 'owner-note: renewal at 48k, do not discount',
    origin: 'referral-partner-x',
    source: 'source-conference-q3',
    contact_info: { linkedin: 'victoria-private-77' },
    company_info: { employees: 4242 },
    interest_level: 'interest-very-high',
    product_interest: 'product-enterprise-plan',
    pages_visited: [{ path: '/private/pricing-enterprise', title: 'Enterprise pricing', at: '2026-11-02T10:00:00Z' }],
    time_spent: 987,
    visit_count: 13,
  });
  expect(made.status).toBe(201);
  const lead = made.body.lead;
  const ids = { segment_id: uuid(), campaign_id: uuid(), assignee_id: uuid(), user_id: uuid() };
  expect((await api.call('update', { lead_id: lead.id, lead_score: 87, ...ids })).status).toBe(200);
  expect((await api.call('qualify', { lead_id: lead.id, status: 'converted' })).status).toBe(200);
  const stored = (await api.call('get', { lead_id: lead.id })).body.data;
  return { email, visitorId, leadId: lead.id as string, stored };
}

/** Every stored value worth hiding: ids, texts, numbers, timestamps of the lead, its visitors and its history. */
function privateValues(stored: Record<string, unknown>): string[] {
  const values = new Set<string>();
  const walk = (value: unknown, key = '') => {
    if (value === null || value === undefined || typeof value === 'boolean') return;
    if (typeof value === 'object') {
      for (const [k, child] of Object.entries(value)) walk(child, k);
      return;
    }
    const text = String(value);
    // Field names, statuses and small counters also occur in any answer (error messages, `success`); skip them.
    if (['status', 'from', 'to', 'type', 'site_id'].includes(key) || text.length < 4) return;
    if (key === 'email') return; // the attacker sent it, so an echo would tell nothing new; checked apart below
    values.add(text);
  };
  walk(stored);
  return [...values];
}

interface Attempt {
  name: string;
  answer: () => Promise<{ status: number; text: string }>;
}

describeEachStore('a publishable key writes and never reads', (env) => {
  let api: TestCollector;
  let victim: Awaited<ReturnType<typeof seedVictim>>;
  let pk: string;
  const asBrowser = (content = 'text/plain') => ({ key: null, headers: { origin: ORIGIN, 'content-type': content } });
  const browserCall = (route: string, body: Record<string, unknown>, content?: string): Promise<ApiResponse> =>
    api.call(route, { key: pk, ...body }, asBrowser(content));

  beforeAll(async () => {
    api = env().api;
    pk = api.site.publishableKey;
    victim = await seedVictim(api);
  });

  it('leaks no stored value of a lead in any answer, on any route, body type or door', async () => {
    const hostile = { email: victim.email, name: 'Attacker', phone: '+1 666 0000', company: 'Evil' };
    const rawText = async (path: string, body: unknown, content: string, extra: Record<string, string> = {}) => {
      const a = await send(`${api.url}${path}`, {
        headers: { 'content-type': content, origin: ORIGIN, ...extra },
        body: JSON.stringify(body),
      });
      return { status: a.status, text: `${a.text}\n${[...a.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}` };
    };
    const attempts: Attempt[] = [];
    for (const content of ['text/plain', 'application/json']) {
      const id = () => ({ key: pk, visitor_id: uuid(), event_id: uuid(), ...hostile });
      attempts.push(
        { name: `identify ${content}`, answer: () => rawText(`${LEADS}/identify`, id(), content) },
        { name: `create ${content}`, answer: () => rawText(`${LEADS}/create`, { key: pk, ...hostile }, content) },
        {
          name: `POST /leads identify ${content}`,
          answer: () => rawText(LEADS, { action: 'identify', ...id() }, content),
        },
        {
          name: `POST /leads create ${content}`,
          answer: () => rawText(LEADS, { action: 'create', key: pk, ...hostile }, content),
        },
        // The victim's own browser id, as if the attacker had read it from the victim's device.
        {
          name: `identify with the victim's visitor id ${content}`,
          answer: () => rawText(`${LEADS}/identify`, { key: pk, visitor_id: victim.visitorId }, content),
        },
      );
    }
    const json = { 'content-type': 'application/json', origin: ORIGIN, 'x-api-key': pk };
    for (const [route, body] of [
      ['get', { lead_id: victim.leadId }],
      ['get', { search: victim.email }],
      ['update', { lead_id: victim.leadId, name: 'Attacker' }],
      ['qualify', { email: victim.email, status: 'lost' }],
      ['identify', { visitor_id: uuid(), lead_id: victim.leadId }],
    ] as const) {
      attempts.push({
        name: `${route} ${JSON.stringify(body)}`,
        answer: async () => {
          const a = await send(`${api.url}${LEADS}/${route}`, { headers: json, body: JSON.stringify(body) });
          return { status: a.status, text: a.text };
        },
      });
    }
    for (const args of [
      { action: 'list', lead_id: victim.leadId },
      { action: 'identify', visitor_id: uuid(), email: victim.email },
    ]) {
      attempts.push({
        name: `MCP ${args.action}`,
        answer: async () => {
          const a = await mcpToolCall(api.url, pk, args);
          return { status: a.status, text: a.text };
        },
      });
    }

    const secrets = privateValues(victim.stored);
    expect(secrets).toContain(victim.leadId);
    expect(secrets).toContain('owner-note: renewal at 48k, do not discount');
    expect(secrets).toContain(victim.visitorId);
    for (const attempt of attempts) {
      const { status, text } = await attempt.answer();
      // The victim's visitor id, sent by the caller itself, may come back as the caller's own.
      const shown = attempt.name.includes("victim's visitor id")
        ? text.replace(`"visitor_id":"${victim.visitorId}"`, '')
        : text;
      // A short stored value ("4242") can turn up by chance inside a random id the answer echoes (the caller's own
      // event or visitor id): ids are compared whole, other values against the answer with its ids blanked out.
      const withoutIds = shown.replace(/[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}/gi, '<id>');
      for (const secret of secrets) {
        const isId = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i.test(secret);
        const leaked = (isId ? shown : withoutIds).includes(secret);
        expect(leaked, `${attempt.name} (${status}) shows "${secret}": ${text}`).toBe(false);
      }
      if (status < 300) {
        const body = JSON.parse(text.split('\n')[0]!);
        expect(
          Object.keys(body).every((k) => ['success', 'visitor_id', 'event_id'].includes(k)),
          text,
        ).toBe(true);
      }
    }
  });

  it('answers an existing email exactly like a new one: status, headers and shape', async () => {
    const answerTo = async (email: string, route: 'identify' | 'create', content: string) => {
      const visitor_id = '11111111-1111-4111-8111-111111111111';
      const event_id = uuid();
      const body = route === 'identify' ? { visitor_id, event_id, email, name: 'Same' } : { email, name: 'Same' };
      const a = await browserCall(route, body, content);
      // What the caller made itself (its event id) is echoed; normalise it to compare the rest.
      const text = JSON.stringify(a.body).replace(event_id, 'EVENT');
      const headers = [...a.headers.keys()].filter((h) => !['date', 'x-request-id'].includes(h)).sort();
      return { status: a.status, text, headers, length: a.headers.get('content-length') };
    };
    for (const route of ['identify', 'create'] as const) {
      for (const content of ['text/plain', 'application/json']) {
        const existing = await answerTo(victim.email, route, content);
        const fresh = await answerTo(uniqueEmail('new'), route, content);
        expect(existing.status).toBe(202);
        expect(fresh).toEqual(existing);
      }
    }
  });

  it('keeps every field the owner set through a hostile submission, and shows the owner that submission', async () => {
    const visitor = uuid();
    const hostile = {
      visitor_id: visitor,
      event_id: uuid(),
      email: victim.email,
      name: 'Attacker',
      phone: '+1 666 0000',
      company: 'Evil Corp',
      position: 'Intruder',
      origin: 'attack',
      source: 'attack',
      contact_info: { linkedin: 'attacker' },
      company_info: { employees: 1 },
      interest_level: 'none',
      product_interest: 'none',
      notes: 'Call me at +1 666 0000',
      pages_visited: [{ path: '/contact', title: 'Contact', at: '2026-12-01T09:00:00Z' }],
    };
    expect((await browserCall('identify', hostile)).status).toBe(202);
    const after = (await api.call('get', { lead_id: victim.leadId })).body.data;
    const before = victim.stored.lead;
    for (const field of [
      'name',
      'email',
      'phone',
      'company',
      'position',
      'origin',
      'source',
      'contact_info',
      'company_info',
      'interest_level',
      'product_interest',
      'status',
      'lead_score',
      'assignee_id',
      'segment_id',
      'campaign_id',
      'user_id',
    ]) {
      expect(after.lead[field], field).toEqual(before[field]);
    }
    // A form message is added to the notes, after the owner's.
    expect(after.lead.notes).toBe(`${before.notes}\n\nCall me at +1 666 0000`);
    const [submission] = after.submissions;
    expect(submission).toMatchObject({
      visitor_id: visitor,
      event_id: hostile.event_id,
      page: '/contact',
      applied: ['notes'],
      fields: {
        email: victim.email,
        name: 'Attacker',
        phone: '+1 666 0000',
        company: 'Evil Corp',
        contact_info: { linkedin: 'attacker' },
        notes: 'Call me at +1 666 0000',
      },
    });
    // The attacker's device is linked (its pages count), the history says a browser edited the notes.
    expect(after.visitors.map((v: { id: string }) => v.id)).toContain(visitor);
    expect(after.events.at(-1)).toMatchObject({ type: 'updated', from: 'browser', to: 'notes' });
  });

  it('fills empty fields, lets the same visitor correct its own, and never touches another visitor’s or the owner’s', async () => {
    const email = uniqueEmail('fill');
    const made = await api.call('create', { name: 'Owner Named', email });
    const leadId = made.body.lead.id;
    const [phone, laptop] = [uuid(), uuid()];
    const lead = async () => (await api.call('get', { lead_id: leadId })).body.data.lead;

    await browserCall('identify', {
      visitor_id: phone,
      email,
      name: 'Typed Name',
      phone: '+1 555 0101',
      company: 'Acme',
    });
    expect(await lead()).toMatchObject({ name: 'Owner Named', phone: '+1 555 0101', company: 'Acme' });
    // The same browser corrects its typo.
    await browserCall('identify', { visitor_id: phone, email, phone: '+1 555 0102' });
    expect((await lead()).phone).toBe('+1 555 0102');
    // Another browser (or anyone with the key) cannot change it.
    await browserCall('identify', { visitor_id: laptop, email, phone: '+1 666 0666', position: 'CTO' });
    expect(await lead()).toMatchObject({ phone: '+1 555 0102', position: 'CTO' });
    // Once the owner writes a field (even to the value it had), it is the owner's: not even its visitor changes it.
    expect((await api.call('update', { lead_id: leadId, phone: '+1 555 0102' })).status).toBe(200);
    await browserCall('identify', { visitor_id: phone, email, phone: '+1 555 0199' });
    expect((await lead()).phone).toBe('+1 555 0102');
    // With no email, a browser already linked still only fills.
    await browserCall('identify', { visitor_id: laptop, position: 'CEO', interest_level: 'high' });
    expect(await lead()).toMatchObject({ position: 'CEO', interest_level: 'high' });

    const { submissions } = (await api.call('get', { lead_id: leadId })).body.data;
    expect(submissions.map((s: { applied: string[] }) => s.applied)).toEqual([
      ['position', 'interest_level'],
      [],
      ['position'],
      ['phone'],
      ['phone', 'company'],
    ]);
  });

  it('lets any browser replace a name made up from the email, and keeps a browser-made lead its own visitor’s', async () => {
    const email = uniqueEmail('made-up');
    const first = uuid();
    await browserCall('identify', { visitor_id: first, email, company: 'First Co' });
    const leadId = (await api.call('get', { search: email })).body.data.leads[0].id;
    const lead = async () => (await api.call('get', { lead_id: leadId })).body.data.lead;
    expect(await lead()).toMatchObject({ name: email.split('@')[0], company: 'First Co', origin: 'website' });
    const second = uuid();
    await browserCall('identify', { visitor_id: second, email, name: 'Real Name', company: 'Second Co' });
    expect(await lead()).toMatchObject({ name: 'Real Name', company: 'First Co' });
    await browserCall('identify', { visitor_id: first, email, company: 'First Co, corrected' });
    expect((await lead()).company).toBe('First Co, corrected');
  });

  it('makes create with a known email a submission, not a 409, and a replayed event id answers nothing stored', async () => {
    const created = await browserCall('create', { email: victim.email, name: 'Create Attacker', phone: '+1 000' });
    expect(created.status).toBe(202);
    expect(created.body).toEqual({ success: true });
    const data = (await api.call('get', { lead_id: victim.leadId })).body.data;
    expect(data.lead.name).toBe('Victoria Private');
    expect(data.submissions[0]).toMatchObject({ visitor_id: null, fields: { name: 'Create Attacker' }, applied: [] });

    // An event id first applied with the secret key (whose receipt holds the whole lead), replayed with the public key.
    const eventId = uuid();
    const owner = await api.call('identify', { visitor_id: uuid(), event_id: eventId, email: victim.email });
    expect(owner.body.lead.id).toBe(victim.leadId);
    const replay = await browserCall('identify', { visitor_id: uuid(), event_id: eventId, email: victim.email });
    expect(replay.status).toBe(202);
    expect(JSON.stringify(replay.body)).not.toContain(victim.leadId);
  });

  it('refuses what a browser may not send, by name, before anything is stored', async () => {
    for (const field of ['status', 'lead_score', 'assignee_id', 'segment_id', 'campaign_id', 'user_id', 'lead_id']) {
      const value = field === 'status' ? 'qualified' : field === 'lead_score' ? 100 : victim.leadId;
      const answer = await browserCall('identify', { visitor_id: uuid(), email: victim.email, [field]: value });
      expect(answer.status, field).toBe(403);
      expect(answer.body.error.issues).toEqual([{ path: field, message: 'cannot be sent with a publishable key' }]);
    }
    const behaviourOnCreate = await browserCall('create', { email: uniqueEmail(), name: 'X', time_spent: 5 });
    expect(behaviourOnCreate.status).toBe(403);
    const after = (await api.call('get', { lead_id: victim.leadId })).body.data.lead;
    expect(after.status).toBe('converted');
  });
});
