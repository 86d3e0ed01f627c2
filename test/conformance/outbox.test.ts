/**
 * The outbox on both stores: an event is written exactly when its change is (in the same transaction): a new lead
 * (create, identify, a form), a browser's submission to an existing lead, a status change. Nothing for a refused or
 * failed request, a replayed event_id, a behaviour sync, an unchanged status or a plain edit.
 */
import { expect, it } from 'vitest';
import { describeEachStore, uniqueEmail, uuid } from '../support/conformance.ts';

const browser = { key: null, headers: { origin: 'http://site.test', 'content-type': 'text/plain' } };

describeEachStore('outbox', (env) => {
  /** The events written since `before` was taken (the site's events are listed oldest first). */
  const since = async (before: number) => {
    const { api, handle } = env();
    const events = await handle.store.listOutboxEvents(api.site.siteId, { limit: 10_000 });
    return events.slice(before).map((event) => ({ ...event, body: JSON.parse(event.payload) }));
  };
  const count = async () => (await since(0)).length;

  it('writes lead.created with the lead as the API answers it, once, for create and a replayed event_id', async () => {
    const { api } = env();
    const before = await count();
    const event_id = uuid();
    const body = { name: 'Ada Lovelace', email: uniqueEmail('created'), company: 'Engines', event_id };
    const first = await api.call('create', body);
    const replay = await api.call('create', body);
    expect(replay.body).toEqual(first.body);
    const events = await since(before);
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({
      type: 'lead.created',
      lead_id: first.body.lead.id,
      id: expect.stringMatching(/^msg_/),
    });
    expect(event!.body).toEqual({
      type: 'lead.created',
      timestamp: event!.created_at,
      data: { lead: first.body.lead },
    });
    // A duplicate email is refused: no change, no event.
    expect((await api.call('create', { name: 'Again', email: body.email })).status).toBe(409);
    expect(await since(before)).toHaveLength(1);
  });

  it('writes lead.status_changed with from and to, and nothing for the same status or an edit', async () => {
    const { api } = env();
    const lead = (await api.call('create', { name: 'Grace', email: uniqueEmail('status') })).body.lead;
    const before = await count();
    await api.call('qualify', { lead_id: lead.id, status: 'qualified' });
    await api.call('qualify', { lead_id: lead.id, status: 'qualified' });
    await api.call('update', { lead_id: lead.id, notes: 'Called back' });
    await api.call('update', { lead_id: lead.id, status: 'converted' });
    const events = await since(before);
    expect(events.map((e) => [e.type, e.body.data.status_change])).toEqual([
      ['lead.status_changed', { from: 'new', to: 'qualified' }],
      ['lead.status_changed', { from: 'qualified', to: 'converted' }],
    ]);
    expect(events[1]!.body.data.lead).toMatchObject({ id: lead.id, status: 'converted', notes: 'Called back' });
  });

  it("writes lead.created for a browser's first form and lead.submission for its next, not for behaviour syncs", async () => {
    const { api } = env();
    const before = await count();
    const visitor = uuid();
    const email = uniqueEmail('browser');
    const send = (body: Record<string, unknown>) =>
      api.call('identify', { key: api.site.publishableKey, visitor_id: visitor, ...body }, browser);
    expect((await send({ form: [['email|email', email]] })).status).toBe(202);
    await send({ time_spent: 30, visit_count: 1 });
    await send({ form: [['text|company', 'Acme']], pages_visited: [{ path: '/pricing' }] });
    const events = await since(before);
    expect(events.map((e) => e.type)).toEqual(['lead.created', 'lead.submission']);
    expect(events[1]!.body.data).toMatchObject({
      lead: { email, company: 'Acme' },
      submission: { visitor_id: visitor, page: '/pricing', fields: { company: 'Acme' } },
    });
  });

  it('writes nothing for a request that fails or is refused, the transaction rolled back', async () => {
    const { api } = env();
    const before = await count();
    expect((await api.call('identify', { visitor_id: uuid(), lead_id: uuid(), name: 'Nobody' })).status).toBe(404);
    expect((await api.call('qualify', { email: uniqueEmail('missing'), status: 'lost' })).status).toBe(404);
    expect((await api.call('create', { name: 'Bad', email: 'not-an-email' })).status).toBe(400);
    expect(await since(before)).toEqual([]);
  });
});

describeEachStore('webhook deliveries', (env) => {
  const endpoint = (siteId: string, events: string[] | null = null) => ({
    id: uuid(),
    site_id: siteId,
    url: 'https://hooks.example/lead',
    format: 'standard' as const,
    events,
    secret: 'whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0',
    created_at: new Date().toISOString(),
  });

  it('makes one pending delivery per enabled endpoint that takes the event, in the event’s transaction', async () => {
    const { api, handle } = env();
    const all = endpoint(api.site.siteId);
    const statusOnly = endpoint(api.site.siteId, ['lead.status_changed']);
    await handle.store.addWebhookEndpoint(all);
    await handle.store.addWebhookEndpoint(statusOnly);
    expect((await handle.store.listWebhookEndpoints(api.site.siteId)).map((e) => e.events)).toEqual(
      expect.arrayContaining([null, ['lead.status_changed']]),
    );
    await api.call('create', { name: 'Hooked', email: uniqueEmail('hooked') });
    expect((await handle.store.listDeliveries(all.id, 10)).map((d) => [d.type, d.status, d.attempts])).toEqual([
      ['lead.created', 'pending', 0],
    ]);
    expect(await handle.store.listDeliveries(statusOnly.id, 10)).toEqual([]);
    await handle.store.removeWebhookEndpoint(api.site.siteId, all.id);
    await handle.store.removeWebhookEndpoint(api.site.siteId, statusOnly.id);
  });

  it('lets concurrent claims take each due delivery once, and a disabled endpoint fails what is pending', async () => {
    const { api, handle } = env();
    const target = endpoint(api.site.siteId);
    await handle.store.addWebhookEndpoint(target);
    for (let i = 0; i < 12; i++) await api.call('create', { name: `Lead ${i}`, email: uniqueEmail('claim') });
    const now = new Date(Date.now() + 1000).toISOString();
    const lease = new Date(Date.now() + 60_000).toISOString();
    const claims = await Promise.all(Array.from({ length: 4 }, () => handle.store.claimDueDeliveries(now, lease, 5)));
    const ids = claims.flat().map((d) => d.event.id);
    expect(ids).toHaveLength(new Set(ids).size);
    const mine = claims.flat().filter((d) => d.endpoint.id === target.id);
    expect(mine).toHaveLength(12);
    expect(mine[0]!.event.payload).toContain('"type":"lead.created"');
    // Leased: not due again until the lease ends.
    expect(await handle.store.claimDueDeliveries(now, lease, 50)).toEqual([]);
    const [first] = mine;
    await handle.store.recordDelivery(first!.event.id, target.id, {
      status: 'delivered',
      attempts: 1,
      next_attempt_at: now,
      last_status: 204,
      last_error: null,
      updated_at: now,
    });
    await handle.store.disableWebhookEndpoint(target.id, 'gone (410)', now);
    const statuses = (await handle.store.listDeliveries(target.id, 50)).map((d) => d.status);
    expect(statuses.filter((s) => s === 'delivered')).toHaveLength(1);
    expect(statuses.filter((s) => s === 'failed')).toHaveLength(11);
    expect((await handle.store.listWebhookEndpoints(api.site.siteId)).find((e) => e.id === target.id)).toMatchObject({
      disabled_reason: 'gone (410)',
    });
  });

  it('tracks an endpoint’s run of failures, resends a delivery from the start, and turns an endpoint back on', async () => {
    const { api, handle } = env();
    const target = endpoint(api.site.siteId);
    await handle.store.addWebhookEndpoint(target);
    await api.call('create', { name: 'Failing', email: uniqueEmail('failing') });
    const start = Date.now();
    const at = (s: number) => new Date(start + s * 1000).toISOString();
    const [due] = await handle.store.claimDueDeliveries(at(1), at(60), 50);
    expect(due!.endpoint.failing_since).toBeNull();
    const outcome = (status: 'pending' | 'delivered' | 'failed', updated_at: string) => ({
      status,
      attempts: 1,
      next_attempt_at: updated_at,
      last_status: status === 'delivered' ? 200 : 503,
      last_error: status === 'delivered' ? null : 'HTTP 503',
      updated_at,
    });
    const failingSince = async () => (await handle.store.getWebhookEndpoint(target.id))!.failing_since;
    await handle.store.recordDelivery(due!.event.id, target.id, outcome('pending', at(2)));
    expect(await failingSince()).toBe(at(2));
    // A later failure does not move the start of the run; a success ends it.
    await handle.store.recordDelivery(due!.event.id, target.id, outcome('failed', at(3)));
    expect(await failingSince()).toBe(at(2));
    expect(await handle.store.retryDelivery(due!.event.id, target.id, at(4))).toBe(true);
    expect(await handle.store.retryDelivery(due!.event.id, uuid(), at(4))).toBe(false);
    expect((await handle.store.listDeliveries(target.id, 5))[0]).toMatchObject({ status: 'pending', attempts: 0 });
    const [again] = await handle.store.claimDueDeliveries(at(5), at(60), 50);
    expect(again!.event.id).toBe(due!.event.id);
    expect(again!.endpoint.failing_since).toBe(at(2));
    await handle.store.recordDelivery(due!.event.id, target.id, outcome('delivered', at(6)));
    expect(await failingSince()).toBeNull();
    await handle.store.disableWebhookEndpoint(target.id, 'testing', at(7));
    expect(await handle.store.enableWebhookEndpoint(api.site.siteId, target.id)).toBe(true);
    // Only the site's own endpoint.
    expect(await handle.store.enableWebhookEndpoint(uuid(), target.id)).toBe(false);
    expect(await handle.store.getWebhookEndpoint(target.id)).toMatchObject({
      disabled_at: null,
      disabled_reason: null,
    });
    await handle.store.removeWebhookEndpoint(api.site.siteId, target.id);
  });

  it('writes an event for named endpoints only, and prunes old events with nothing left to send', async () => {
    const { api, handle } = env();
    const siteId = api.site.siteId;
    const [one, two, removed] = [endpoint(siteId), endpoint(siteId), endpoint(siteId)];
    for (const e of [one, two, removed]) await handle.store.addWebhookEndpoint(e);
    const old = new Date(Date.now() - 8 * 86_400_000).toISOString();
    const event = (name: string, created_at: string) => ({
      id: `msg_${name}_${uuid().replace(/-/g, '')}`,
      site_id: siteId,
      type: 'webhook.test',
      lead_id: null,
      payload: '{}',
      created_at,
    });
    const sent = event('sent', old);
    const waiting = event('waiting', old);
    const orphan = event('orphan', old);
    const recent = event('recent', new Date().toISOString());
    await handle.store.addOutboxEventFor([one.id], sent);
    await handle.store.addOutboxEventFor([two.id], waiting);
    await handle.store.addOutboxEventFor([removed.id], orphan);
    await handle.store.addOutboxEventFor([one.id], recent);
    expect((await handle.store.listDeliveries(one.id, 10)).map((d) => d.event_id).sort()).toEqual(
      [sent.id, recent.id].sort(),
    );
    expect((await handle.store.listDeliveries(two.id, 10)).map((d) => d.event_id)).toEqual([waiting.id]);
    await handle.store.recordDelivery(sent.id, one.id, {
      status: 'delivered',
      attempts: 1,
      next_attempt_at: old,
      last_status: 200,
      last_error: null,
      updated_at: old,
    });
    await handle.store.recordDelivery(recent.id, one.id, {
      status: 'delivered',
      attempts: 1,
      next_attempt_at: old,
      last_status: 200,
      last_error: null,
      updated_at: old,
    });
    // Removing an endpoint removes its deliveries (the foreign key holds after every migration).
    await handle.store.removeWebhookEndpoint(siteId, removed.id);
    const before = new Date(Date.now() - 7 * 86_400_000).toISOString();
    expect(await handle.store.pruneOutbox(before)).toBeGreaterThanOrEqual(2);
    const left = (await handle.store.listOutboxEvents(siteId, { limit: 10_000 })).map((e) => e.id);
    expect(left).not.toContain(sent.id);
    expect(left).not.toContain(orphan.id);
    expect(left).toContain(waiting.id);
    expect(left).toContain(recent.id);
    expect((await handle.store.listDeliveries(one.id, 10)).map((d) => d.event_id)).toEqual([recent.id]);
    await handle.store.removeWebhookEndpoint(siteId, one.id);
    await handle.store.removeWebhookEndpoint(siteId, two.id);
  });
});
