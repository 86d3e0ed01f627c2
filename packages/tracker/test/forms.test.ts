// @vitest-environment happy-dom
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Contact, capture, fields, hasCard, kind } from '../src/forms.ts';
import { setRecording } from '../src/util.ts';
import { settle } from './helpers.ts';

const form = (html: string, attrs = '') => {
  document.body.innerHTML = `<form ${attrs}>${html}</form>`;
  return document.querySelector('form')!;
};
const field = (html: string) => form(html).elements[0] as HTMLInputElement;

/** Makes reading `value` of the matching elements count (and fail loudly in the result). */
const spyValues = (f: HTMLFormElement, selector: string) => {
  const reads: string[] = [];
  for (const el of f.querySelectorAll(selector))
    Object.defineProperty(el, 'value', {
      get: () => {
        reads.push((el as HTMLInputElement).name);
        return 'LEAKED';
      },
    });
  return reads;
};

describe('kind: autocomplete, then type, then name/id, then label', () => {
  it('reads the autocomplete field token, ignoring section, contact and webauthn tokens', () => {
    expect(kind(field('<input autocomplete="email" name="contact">'))).toBe('email');
    expect(kind(field('<input autocomplete="section-a work email webauthn" name="x">'))).toBe('email');
    expect(kind(field('<input autocomplete="given-name">'))).toBe('given');
    expect(kind(field('<input autocomplete="family-name">'))).toBe('family');
    expect(kind(field('<input autocomplete="tel">'))).toBe('phone');
    expect(kind(field('<input autocomplete="tel-national">'))).toBe('phone');
    expect(kind(field('<input autocomplete="organization">'))).toBe('company');
    expect(kind(field('<input autocomplete="organization-title" name="company">'))).toBe('position');
    expect(kind(field('<input autocomplete="name" name="company">'))).toBe('name');
  });

  it('ignores autocomplete tokens that only look like a field we map', () => {
    expect(kind(field('<input autocomplete="country-name" name="country">'))).toBeUndefined();
    expect(kind(field('<input autocomplete="username" name="login">'))).toBeUndefined();
    expect(kind(field('<input autocomplete="off" name="f1">'))).toBeUndefined();
  });

  it('then the input type', () => {
    expect(kind(field('<input type="email" name="field_1">'))).toBe('email');
    expect(kind(field('<input type="tel" name="field_2">'))).toBe('phone');
  });

  it('then name or id', () => {
    expect(kind(field('<input name="company_name">'))).toBe('company');
    expect(kind(field('<input id="job-title">'))).toBe('position');
    expect(kind(field('<input name="first_name">'))).toBe('given');
    expect(kind(field('<input name="lastName">'))).toBe('family');
    expect(kind(field('<input name="full_name">'))).toBe('name');
    expect(kind(field('<input name="contact_tel">'))).toBe('phone');
    expect(kind(field('<input name="hotel">'))).toBeUndefined();
    expect(kind(field('<textarea name="your-message"></textarea>'))).toBe('notes');
    expect(kind(field('<textarea name="inquiry"></textarea>'))).toBe('notes');
  });

  it('then the label text', () => {
    document.body.innerHTML =
      '<form><label for="f3">Your message</label><textarea id="f3" name="f3"></textarea></form>';
    expect(kind(document.querySelector('textarea') as unknown as HTMLInputElement)).toBe('notes');
    expect(kind(field('<label>Organisation <input name="f4"></label>'))).toBe('company');
    expect(kind(field('<label>Work E-mail <input name="f5"></label>'))).toBe('email');
  });

  it('name/id wins over the label, and type over name', () => {
    expect(kind(field('<label>Email <input name="phone"></label>'))).toBe('phone');
    expect(kind(field('<input type="email" name="company">'))).toBe('email');
  });
});

describe('fields', () => {
  it('maps a contact form', () => {
    const f = form(`
      <input name="name" value=" Ada Lovelace ">
      <input type="email" name="email" value="ada@example.com">
      <input type="tel" name="phone" value="+44 20 7946 0958">
      <input name="company" value="Analytical Engines">
      <input name="job_title" value="Engineer">
      <textarea name="message">Hello there</textarea>
      <input type="checkbox" name="newsletter" value="yes" checked>
      <button name="submit" value="go">Send</button>`);
    expect(fields(f)).toMatchObject({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      phone: '+44 20 7946 0958',
      company: 'Analytical Engines',
      position: 'Engineer',
      notes: 'Hello there',
    });
  });

  it('joins given and family names with a space, unless a full name is given', () => {
    const f = form(
      '<input autocomplete="given-name" value="Ada"><input autocomplete="family-name" value="Lovelace"><input type="email" value="a@b.co">',
    );
    expect(fields(f)!.name).toBe('Ada Lovelace');
    expect(fields(form('<input name="family_name" value="Lovelace">'))!.name).toBe('Lovelace');
    expect(fields(form('<input name="name" value="Countess"><input name="first_name" value="Ada">'))!.name).toBe(
      'Countess',
    );
  });

  it('keeps the first value of a kind, skips empty and disabled fields', () => {
    const f = form(
      '<input type="email" name="e1" value=""><input type="email" name="e2" value="first@x.io"><input type="email" name="e3" value="second@x.io"><input name="company" value="Off" disabled>',
    );
    expect(fields(f)).toMatchObject({ email: 'first@x.io' });
    expect(fields(f)!.company).toBeUndefined();
  });

  it('never reads hidden or unmapped fields', () => {
    const f = form(
      '<input type="hidden" name="email" value="h@x.io"><input type="email" name="contact" value="v@x.io"><input name="zzz" value="secret">',
    );
    const reads = spyValues(f, 'input[type=hidden], input[name=zzz]');
    expect(fields(f)!.email).toBe('v@x.io');
    expect(reads).toEqual([]);
  });

  it('skips forms with a password, file or card-like field, without reading any of their values', () => {
    for (const bad of [
      '<input type="password" name="pw">',
      '<input type="file" name="cv">',
      '<input name="cardnumber">',
      '<input name="cc-num">',
      '<input name="ccnum">',
      '<input name="cvc">',
      '<input id="cvv2">',
      '<input autocomplete="cc-number" name="x">',
      '<input autocomplete="billing cc-exp" name="y">',
    ]) {
      const f = form(`${bad}<input type="email" name="email" value="a@b.co">`);
      const reads = spyValues(f, 'input:not([name=email])');
      expect(fields(f), bad).toBeUndefined();
      expect(reads, bad).toEqual([]);
    }
  });

  it('skips forms marked data-leadtrail-ignore, or inside a marked element', () => {
    expect(fields(form('<input type="email" value="a@b.co">', 'data-leadtrail-ignore'))).toBeUndefined();
    document.body.innerHTML = '<div data-leadtrail-ignore><form><input type="email" value="a@b.co"></form></div>';
    expect(fields(document.querySelector('form')!)).toBeUndefined();
  });

  it('drops any value holding a card number', () => {
    const f = form(
      '<input type="email" value="a@b.co"><textarea name="message">my card is 4242-4242-4242-4242, thanks</textarea><input name="phone" value="4111 1111 1111 1111">',
    );
    const c = fields(f)!;
    expect(c.notes).toBeUndefined();
    expect(c.phone).toBeUndefined();
    expect(c.email).toBe('a@b.co');
  });

  it('keeps an email address with a long number in it that happens to pass the Luhn check', () => {
    // A Date.now() of 2026 and a counter, as 14 digits with a dot, pass Luhn: such an address lost the whole lead.
    expect(hasCard('1795680785956.0')).toBe(true);
    const email = 'offline.1795680785956.0@e2e.test';
    expect(fields(form(`<input type="email" value="${email}"><input name="phone" value="1795680785957">`))).toEqual({
      email,
      name: '',
    });
  });
});

describe('hasCard (Luhn over 13 to 19 digits)', () => {
  it('finds card numbers', () => {
    expect(hasCard('4111111111111111')).toBe(true);
    expect(hasCard('4111 1111 1111 1111')).toBe(true);
    expect(hasCard('5555-5555-5555-4444')).toBe(true);
    expect(hasCard('378282246310005')).toBe(true); // Amex, 15 digits
    expect(hasCard('6011.1111.1111.1117')).toBe(true);
    expect(hasCard('pay with 4242 4242 4242 4242 please')).toBe(true);
  });
  it('leaves other numbers alone', () => {
    expect(hasCard('4111111111111112')).toBe(false);
    expect(hasCard('+1 (555) 123-4567')).toBe(false);
    expect(hasCard('424242424242')).toBe(false); // 12 digits passes Luhn, too short for a card
    expect(hasCard('no digits')).toBe(false);
  });
});

describe('capture: which submits are captured', () => {
  const got: Contact[] = [];
  const contact = '<input type="email" name="email" value="ada@example.com"><input name="name" value="Ada">';
  const submit = (f: HTMLFormElement) =>
    f.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }) as SubmitEvent);

  beforeAll(() => {
    setRecording(1);
    capture((c) => got.push(c));
  });
  beforeEach(() => {
    got.length = 0;
  });

  it('captures a plain submit once, at the end of its dispatch', async () => {
    submit(form(contact));
    expect(got).toHaveLength(1); // synchronously: a form POST is about to navigate away
    await settle();
    expect(got).toEqual([expect.objectContaining({ email: 'ada@example.com', name: 'Ada' })]);
  });

  it('skips a submit the site prevented', async () => {
    const f = form(contact);
    f.addEventListener('submit', (e) => e.preventDefault());
    submit(f);
    await settle();
    expect(got).toEqual([]);
  });

  it('still decides when a site handler stops propagation (after the dispatch)', async () => {
    const f = form(contact);
    f.addEventListener('submit', (e) => e.stopPropagation());
    submit(f);
    expect(got).toHaveLength(0);
    await settle();
    expect(got).toHaveLength(1);
  });

  it('skips a prevented submit whose handler also stops propagation', async () => {
    const f = form(contact);
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      e.stopPropagation();
    });
    submit(f);
    await settle();
    expect(got).toEqual([]);
  });

  it('skips ignored forms and forms with password, card or file fields', async () => {
    submit(form(contact, 'data-leadtrail-ignore'));
    submit(form(`${contact}<input type="password" name="pw">`));
    submit(form(`${contact}<input name="card_number">`));
    submit(form(`${contact}<input type="file" name="cv">`));
    await settle();
    expect(got).toEqual([]);
  });

  it('needs a valid email', async () => {
    submit(form('<input name="name" value="Ada">'));
    submit(form('<input type="email" name="email" value="not-an-email"><input name="name" value="Ada">'));
    submit(form('<input name="email" value="ada@localhost">'));
    await settle();
    expect(got).toEqual([]);
  });

  it('skips an invalid novalidate submit and takes a valid one', async () => {
    submit(form(`${contact}<input name="company" required>`, 'novalidate'));
    await settle();
    expect(got).toEqual([]);
    submit(form(`${contact}<input name="company" required value="ACME">`, 'novalidate'));
    await settle();
    expect(got).toHaveLength(1);
  });

  it('does nothing while the tracker is stopped', async () => {
    setRecording(0);
    submit(form(contact));
    await settle();
    setRecording(1);
    expect(got).toEqual([]);
  });
});
