/**
 * A form as the tracker sends it (each readable field as [hints, value]) makes the lead the form says, on both
 * stores: fields mapped in the page's language, what maps to nothing kept on the submission for the owner, and a
 * later step without an email enriching the same lead by its visitor.
 */
import { expect, it } from 'vitest';
import { describeEachStore, uniqueEmail, uuid } from '../support/conformance.ts';

const browser = { key: null, headers: { origin: 'http://site.test', 'content-type': 'text/plain' } };
/** `type|autocomplete|name|id|label|placeholder|aria-label`. */
const hints = (type: string, name: string, label = '', placeholder = '') =>
  `${type}||${name}||${label}|${placeholder}|`;

describeEachStore('forms sent by the tracker', (env) => {
  it('map a German form to the lead, keeping the fields that map to nothing', async () => {
    const { api } = env();
    const email = uniqueEmail('form-de');
    const visitor = uuid();
    const sent = await api.call(
      'identify',
      {
        key: api.site.publishableKey,
        visitor_id: visitor,
        form: [
          [hints('text', 'nachname', 'Nachname'), 'Lovelace'],
          [hints('text', 'vorname', 'Vorname'), 'Ada'],
          [hints('email', 'email', 'E-Mail'), email],
          [hints('text', 'firma', 'Firma'), 'Analytical Engines'],
          [hints('tel', 'tel', 'Telefon'), '+49 30 1234567'],
          [hints('select-one', 'groesse', 'Teamgröße'), '11-50'],
          [hints('textarea', 'nachricht', 'Ihre Nachricht'), 'Bitte um Rückruf'],
        ],
        pages_visited: [{ path: '/kontakt', at: '2026-12-01T10:00:00Z' }],
      },
      browser,
    );
    expect(sent.status).toBe(202);
    const lead = (await api.call('get', { search: email })).body.data.leads[0];
    expect(lead).toMatchObject({
      name: 'Ada Lovelace',
      email,
      company: 'Analytical Engines',
      phone: '+49 30 1234567',
      notes: 'Bitte um Rückruf',
    });
    const { submissions } = (await api.call('get', { lead_id: lead.id })).body.data;
    expect(submissions[0]).toMatchObject({
      visitor_id: visitor,
      page: '/kontakt',
      fields: { name: 'Ada Lovelace', email, form: [[hints('select-one', 'groesse', 'Teamgröße'), '11-50']] },
    });
  });

  it('enrich the same lead from a later step without an email, by the visitor; nothing from a form that maps nothing', async () => {
    const { api } = env();
    const email = uniqueEmail('steps');
    const visitor = uuid();
    const step = (form: [string, string][]) =>
      api.call('identify', { key: api.site.publishableKey, visitor_id: visitor, form }, browser);
    expect((await step([[hints('email', 'email', 'Email'), email]])).status).toBe(202);
    expect((await step([[hints('text', 'company', 'Empresa'), 'Acme']])).status).toBe(202);
    expect((await step([[hints('text', 'q', '', 'Search…'), 'pricing']])).status).toBe(202);
    const found = (await api.call('get', { search: email })).body.data.leads;
    expect(found).toHaveLength(1);
    expect(found[0].company).toBe('Acme');
    const { submissions } = (await api.call('get', { lead_id: found[0].id })).body.data;
    expect(submissions.map((s: { fields: Record<string, unknown> }) => Object.keys(s.fields))).toEqual([
      ['company'],
      ['email'],
    ]);
  });

  it('take a page’s identify() fields by name, and never a lead’s status, score or id from them', async () => {
    const { api } = env();
    const email = uniqueEmail('form-identify');
    const sent = await api.call(
      'identify',
      {
        key: api.site.publishableKey,
        visitor_id: uuid(),
        // What `leadtrail.identify({...})` sends: each given field as `|<name>` (an autocomplete slot).
        form: [
          ['|email', email],
          ['|name', 'Ada Lovelace'],
          ['|phone', '+44 20 7946 0958'],
          ['|company', 'Analytical Engines'],
          ['|position', 'Analyst'],
          ['|notes', 'Call me'],
          ['|status', 'converted'],
          ['|lead_score', '100'],
          ['|lead_id', uuid()],
          ['|plan', 'pro'],
        ],
      },
      browser,
    );
    expect(sent.status).toBe(202);
    const lead = (await api.call('get', { search: email })).body.data.leads[0];
    expect(lead).toMatchObject({
      name: 'Ada Lovelace',
      email,
      phone: '+44 20 7946 0958',
      company: 'Analytical Engines',
      position: 'Analyst',
      notes: expect.stringContaining('Call me'),
      status: 'new',
    });
    expect(lead.lead_score).not.toBe(100);
    const { submissions } = (await api.call('get', { lead_id: lead.id })).body.data;
    expect(submissions[0].fields.form.map((pair: string[]) => pair[0])).toEqual([
      '|status',
      '|lead_score',
      '|lead_id',
      '|plan',
    ]);
  });

  it('refuse a form that is not a list of [hints, value] pairs, by name', async () => {
    const { api } = env();
    for (const form of [[['only hints']], [[1, 2]], 'a string', Array.from({ length: 51 }, () => ['x', 'y'])]) {
      const answer = await api.call('identify', { key: api.site.publishableKey, visitor_id: uuid(), form }, browser);
      expect(answer.status).toBe(400);
      expect(answer.body.error.issues[0].path).toMatch(/^form/);
    }
  });
});
