/**
 * Editing a lead's contact details on its page: only the fields that differ are written, the history shows each
 * value before and after, an empty optional field clears it; a missing name, a removed or malformed email and another
 * lead's email are refused with a message and the typed values kept, changing nothing; CSRF is required; another
 * site's lead is not found. The page's times are in the site's time zone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestSite } from '../../../test/support/collector.ts';
import { apiOf, csrfIn, signedInDashboard } from '../../../test/support/dashboard.ts';
import type { StoreHandle } from '../../../test/support/stores.ts';
import type { createApp } from '../src/app.ts';
import { setSiteTimeZone } from '../src/core/time-zone.ts';

const ORIGIN = 'http://collector.test';
let handle: StoreHandle;
let site: TestSite;
let other: TestSite;
let app: ReturnType<typeof createApp>;
let cookie = '';

const api = (key: string, route: string, body: unknown) => apiOf(app)(key, route, body);

beforeAll(async () => {
  ({ handle, site, other, app, cookie } = await signedInDashboard());
});
afterAll(async () => {
  await handle?.cleanup();
});

const get = async (path: string) => (await app.request(`${ORIGIN}${path}`, { headers: { cookie } })).text();
const edit = async (id: string, fields: Record<string, string>, csrf?: string) => {
  const token = csrf ?? csrfIn(await get(`/leads/${id}`)) ?? '';
  const response = await app.request(`${ORIGIN}/leads/${id}/contact`, {
    method: 'POST',
    headers: { cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, ...fields }).toString(),
    redirect: 'manual',
  });
  return { status: response.status, location: response.headers.get('location'), html: await response.text() };
};
const leadOf = async (id: string) => (await api(site.secretKey, 'get', { lead_id: id })).data;

describe('editing contact details', () => {
  it('writes only what differs, and the history shows each value before and after', async () => {
    const { lead } = await api(site.secretKey, 'create', {
      name: 'Ada Byron',
      email: 'ada@old.example',
      phone: '+44 20 7946 0000',
      company: 'Engines',
    });
    const page = await get(`/leads/${lead.id}`);
    expect(page).toContain('Edit contact details');
    expect(page).toContain('value="ada@old.example"');
    const saved = await edit(lead.id, {
      name: 'Ada Lovelace',
      email: 'ada@new.example',
      phone: '',
      company: 'Engines',
      position: 'Countess',
    });
    expect(saved).toMatchObject({ status: 303, location: `/leads/${lead.id}?done=contact` });
    const after = await leadOf(lead.id);
    expect(after.lead).toMatchObject({
      name: 'Ada Lovelace',
      email: 'ada@new.example',
      phone: null,
      company: 'Engines',
      position: 'Countess',
    });
    const [edited] = after.events.filter((e: { type: string }) => e.type === 'updated');
    expect(edited.to.split(',').sort()).toEqual(['email', 'name', 'phone', 'position']);
    const history = (await get(`/leads/${lead.id}?done=contact`)).replace(/\s+/g, ' ');
    expect(history).toContain('Contact details saved');
    expect(history).toContain('name <del>Ada Byron</del> → <ins>Ada Lovelace</ins>');
    expect(history).toContain('email <del>ada@old.example</del> → <ins>ada@new.example</ins>');
    expect(history).toContain('phone <del>+44 20 7946 0000</del> → <ins>(empty)</ins>');
    // The same form again changes nothing and writes no event.
    const again = await edit(lead.id, {
      name: 'Ada Lovelace',
      email: 'ada@new.example',
      company: 'Engines',
      position: 'Countess',
    });
    expect(again.location).toBe(`/leads/${lead.id}`);
    expect((await leadOf(lead.id)).events.filter((e: { type: string }) => e.type === 'updated')).toHaveLength(1);
  });

  it('refuses a missing name, a removed or malformed email and another lead’s email, keeping what was typed', async () => {
    const { lead } = await api(site.secretKey, 'create', { name: 'Grace', email: 'grace@navy.example' });
    await api(site.secretKey, 'create', { name: 'Taken', email: 'taken@navy.example' });
    const before = await leadOf(lead.id);
    const cases: [Record<string, string>, number, string][] = [
      [{ name: '', email: 'grace@navy.example' }, 400, 'A lead needs a name'],
      [{ name: 'Grace', email: '' }, 400, 'cannot be removed'],
      [{ name: 'Grace', email: 'not an address' }, 400, 'Nothing was changed'],
      [{ name: 'Grace Hopper', email: 'taken@navy.example' }, 409, 'Another lead of this site has that email'],
    ];
    for (const [fields, status, message] of cases) {
      const refused = await edit(lead.id, { company: 'US Navy', ...fields });
      expect(refused.status, JSON.stringify(fields)).toBe(status);
      expect(refused.html).toContain(message);
      expect(refused.html).toContain('<details class="edit" open>');
      expect(refused.html).toContain('value="US Navy"');
    }
    expect(await leadOf(lead.id)).toEqual(before);
  });

  it('shows the lead page’s times in the site’s time zone, labelled with it', async () => {
    const { lead } = await api(site.secretKey, 'create', { name: 'Zoned', email: 'zoned@tz.example' });
    const utc = await get(`/leads/${lead.id}`);
    const created = new Date(lead.created_at);
    expect(utc).toContain(`${lead.created_at.slice(0, 16).replace('T', ' ')} UTC`);
    await setSiteTimeZone(handle.store, site.siteId, 'Asia/Tokyo');
    const tokyo = await get(`/leads/${lead.id}`);
    const local = new Date(created.getTime() + 9 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    expect(tokyo).toContain(`${local} Asia/Tokyo`);
    expect(tokyo).not.toContain(`${lead.created_at.slice(0, 16).replace('T', ' ')} UTC`);
    await setSiteTimeZone(handle.store, site.siteId, 'UTC');
  });

  it('needs the CSRF token, and finds no lead of another site', async () => {
    const { lead } = await api(site.secretKey, 'create', { name: 'Linus', email: 'linus@kernel.example' });
    expect((await edit(lead.id, { name: 'Forged', email: 'linus@kernel.example' }, 'forged')).status).toBe(403);
    const theirs = (await api(other.secretKey, 'create', { name: 'Theirs', email: 'theirs@other.example' })).lead;
    const token = csrfIn(await get(`/leads/${lead.id}`))!;
    const foreign = await edit(theirs.id, { name: 'Stolen', email: 'theirs@other.example' }, token);
    expect(foreign.status).toBe(404);
    expect((await api(other.secretKey, 'get', { lead_id: theirs.id })).data.lead.name).toBe('Theirs');
    expect((await leadOf(lead.id)).lead.name).toBe('Linus');
  });
});
