/** Hostile and malformed input: always a 4xx with a code, the process stays up, nothing stored changes. */
import { expect, it } from 'vitest';
import { describeEachStore, uniqueEmail, uuid } from '../support/conformance.ts';

describeEachStore('bad input', (env) => {
  const snapshot = async () =>
    (await env().api.call('get', { limit: 500, sort_by: 'created_at', sort_order: 'asc' })).body;

  it('answers every malformed request with its 4xx and code, and changes nothing stored', async () => {
    const { api } = env();
    const seed = await api.call('create', { name: 'Keep Me', email: uniqueEmail('keep'), notes: 'original' });
    const leadId = seed.body.lead.id;
    const before = await snapshot();
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const cases: [string, Parameters<typeof api.call>, number, string][] = [
      ['malformed JSON', ['create', null, { raw: '{"name": "x",' }], 400, 'invalid_json'],
      ['empty body', ['create', null, { raw: '' }], 400, 'invalid_json'],
      ['JSON array', ['create', [1, 2]], 400, 'invalid_input'],
      ['JSON number', ['create', 42], 400, 'invalid_input'],
      ['JSON null', ['create', null], 400, 'invalid_input'],
      ['wrong types', ['create', { name: 12, email: true }], 400, 'invalid_input'],
      ['unknown field', ['create', { name: 'a', email: uniqueEmail(), colour: 'red' }], 400, 'invalid_input'],
      ['proto key', ['update', JSON.parse(`{"lead_id":"${leadId}","__proto__":{"admin":true}}`)], 400, 'invalid_input'],
      [
        'nested proto key',
        ['update', JSON.parse(`{"lead_id":"${leadId}","contact_info":{"constructor":{"x":1}}}`)],
        400,
        'invalid_input',
      ],
      [
        'too deep',
        ['update', { lead_id: leadId, contact_info: { a: { b: { c: { d: { e: { f: 1 } } } } } } }],
        400,
        'invalid_input',
      ],
      ['invalid uuid', ['update', { lead_id: 'abc', name: 'x' }], 400, 'invalid_input'],
      ['invalid email', ['update', { lead_id: leadId, email: 'a@' }], 400, 'invalid_input'],
      ['limit out of range', ['get', { limit: 100000 }], 400, 'invalid_input'],
      ['lead_score out of range', ['update', { lead_id: leadId, lead_score: 101 }], 400, 'invalid_input'],
      ['lead_score zero', ['update', { lead_id: leadId, lead_score: 0 }], 400, 'invalid_input'],
      ['unknown sort column', ['get', { sort_by: 'email_norm' }], 400, 'invalid_input'],
      ['unknown action', ['/api/agents/tools/leads', { action: 'delete', lead_id: leadId }], 400, 'invalid_input'],
      ['action contradicting route', ['update', { action: 'create', lead_id: leadId }], 400, 'invalid_input'],
      ['long name', ['update', { lead_id: leadId, name: 'n'.repeat(201) }], 400, 'invalid_input'],
      ['too many pages', ['update', { lead_id: leadId, pages_visited: Array(501).fill('/') }], 400, 'invalid_input'],
      ['negative time', ['update', { lead_id: leadId, time_spent: -1 }], 400, 'invalid_input'],
      [
        'non-finite number',
        ['update', null, { raw: `{"lead_id":"${leadId}","time_spent":1e400}` }],
        400,
        'invalid_input',
      ],
      ['10 MB string', ['update', { lead_id: leadId, notes: huge }], 413, 'payload_too_large'],
      [
        'oversized body',
        ['create', { name: 'x', email: uniqueEmail(), notes: 'y'.repeat(300_000) }],
        413,
        'payload_too_large',
      ],
      [
        'form content type',
        ['create', null, { raw: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }],
        415,
        'unsupported_media_type',
      ],
      [
        'no content type',
        ['create', null, { raw: '{}', headers: { 'content-type': '' } }],
        415,
        'unsupported_media_type',
      ],
      ['text/plain on list', ['get', {}, { headers: { 'content-type': 'text/plain' } }], 415, 'unsupported_media_type'],
      ['invalid UTF-8', ['create', null, { raw: undefined, headers: {} }], 400, 'invalid_json'],
    ];
    for (const [label, args, status, code] of cases) {
      let res: Awaited<ReturnType<typeof api.call>>;
      if (label === 'invalid UTF-8') {
        const raw = await fetch(`${api.url}/api/agents/tools/leads/create`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${api.site.secretKey}` },
          body: Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
        });
        res = { status: raw.status, headers: raw.headers, body: await raw.json() };
      } else {
        res = await api.call(...args);
      }
      expect(res.status, label).toBe(status);
      expect(res.body.success, label).toBe(false);
      expect(res.body.error.code, label).toBe(code);
      expect(typeof res.body.error.message, label).toBe('string');
    }
    expect(await snapshot()).toEqual(before);
    expect((await api.call('get', { lead_id: leadId })).body.data.lead).toEqual(seed.body.lead);
    const health = await fetch(`${api.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('names each offending field in the issues', async () => {
    const res = await env().api.call('create', { name: '', email: 'x', lead_score: 'high', colour: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.issues.map((i: { path: string }) => i.path).sort()).toEqual([
      'colour',
      'email',
      'lead_score',
      'name',
    ]);
  });

  it('stores SQL- and HTML-looking text literally and finds it again', async () => {
    const { api } = env();
    const nasty = `Robert'); DROP TABLE leads;-- <script>alert(1)</script> ${uuid()}`;
    const res = await api.call('create', { name: nasty, email: uniqueEmail('bobby'), notes: "' OR 1=1 --" });
    expect(res.status).toBe(201);
    expect(res.body.lead.name).toBe(nasty);
    const found = await api.call('get', { search: nasty.slice(-36) });
    expect(found.body.data.leads.map((l: { id: string }) => l.id)).toEqual([res.body.lead.id]);
    const all = await api.call('get', { search: "' OR 1=1" });
    expect(all.body.data.pagination.total).toBe(1);
  });

  it('answers unknown routes with 404 and wrong methods with 405, in the error shape', async () => {
    const { api } = env();
    const unknown = await api.call('/api/agents/tools/leads/delete', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    const get = await fetch(`${api.url}/api/agents/tools/leads/create`);
    expect(get.status).toBe(405);
    expect((await get.json()).error.code).toBe('method_not_allowed');
    const nowhere = await fetch(`${api.url}/nowhere`);
    expect(nowhere.status).toBe(404);
  });
});
