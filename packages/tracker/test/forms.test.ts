// @vitest-environment happy-dom
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { capture, hasCard, type Pair, read } from '../src/forms.ts';
import { state } from '../src/storage.ts';
import { setRecording } from '../src/util.ts';
import { settle } from './helpers.ts';

const form = (html: string, attrs = '') => {
  document.body.innerHTML = `<form ${attrs}>${html}</form>`;
  return document.querySelector('form')!;
};

/** Makes reading `value` of the matching elements count (and fail loudly in the result). */
const spyValues = (root: ParentNode, selector: string) => {
  const reads: string[] = [];
  for (const el of root.querySelectorAll(selector))
    Object.defineProperty(el, 'value', {
      get: () => {
        reads.push((el as HTMLInputElement).name);
        return 'LEAKED';
      },
    });
  return reads;
};

// Browsers reflect aria-label as `ariaLabel` (ARIA reflection); happy-dom does not, so it is added here.
Object.defineProperty(HTMLElement.prototype, 'ariaLabel', {
  configurable: true,
  get(this: HTMLElement) {
    return this.getAttribute('aria-label');
  },
});

const values = (pairs: Pair[] | undefined) => pairs?.map(([, value]) => value);
const EMAIL = '<input type="email" name="email" value="ada@example.com">';

describe('read: every readable field as [hints, value]', () => {
  beforeEach(() => {
    state.identified_ = 0;
  });

  // aria-labelledby is read through ariaLabelledByElements, which happy-dom lacks: the Chromium case "9." reads it.
  it('describes each field by type, autocomplete, name, id, label, placeholder and aria-label', () => {
    document.body.innerHTML = `<form>
      <label for="fn">Vorname</label><input id="fn" name="f1" autocomplete="given-name" value=" Ada ">
      <input type="email" name="email" placeholder="you@example.com" value="ada@example.com">
      <input name="x2" aria-label="Firma" value="Analytical Engines">
      <span id="msg-label">Ihre Nachricht</span><textarea name="x3" aria-labelledby="msg-label">Hallo</textarea>
      <select name="size"><option value="11-50" selected>11-50</option></select>
    </form>`;
    expect(read(document.querySelector('form')!)).toEqual([
      ['text|given-name|f1|fn|Vorname||', 'Ada'],
      ['email||email|||you@example.com|', 'ada@example.com'],
      ['text||x2||||Firma', 'Analytical Engines'],
      ['textarea||x3||||', 'Hallo'],
      ['select-one||size||||', '11-50'],
    ]);
  });

  it('never reads hidden, disabled, tabindex=-1, checkbox, radio or search fields, nor empty ones', () => {
    const f = form(`${EMAIL}
      <input type="hidden" name="csrf" value="t0ken">
      <input name="off" value="x" disabled>
      <input name="hp" value="x" tabindex="-1">
      <input type="checkbox" name="news" value="yes" checked>
      <input type="radio" name="plan" value="pro" checked>
      <input type="search" name="q" value="shoes">
      <input name="empty" value="  ">`);
    const reads = spyValues(
      f,
      'input[type=hidden], [disabled], [tabindex="-1"], [type=checkbox], [type=radio], [type=search]',
    );
    expect(values(read(f))).toEqual(['ada@example.com']);
    expect(reads).toEqual([]);
  });

  it('skips the whole form when it holds a password, file or card field, without reading a value', () => {
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
      '<label>Card number <input name="z"></label>',
    ]) {
      const f = form(`${bad}${EMAIL}`);
      const reads = spyValues(f, 'input:not([name=email])');
      expect(read(f), bad).toBeUndefined();
      expect(reads, bad).toEqual([]);
    }
    // "accept" holds "cc" and an "e", but not as a card word.
    expect(values(read(form(`${EMAIL}<input name="accept_terms" value="yes">`)))).toEqual(['ada@example.com', 'yes']);
  });

  it('skips forms marked data-leadtrail-ignore, or inside a marked element', () => {
    expect(read(form(EMAIL, 'data-leadtrail-ignore'))).toBeUndefined();
    document.body.innerHTML = `<div data-leadtrail-ignore><form>${EMAIL}</form></div>`;
    expect(read(document.querySelector('form')!)).toBeUndefined();
  });

  it('drops a value holding a card number, never an email that holds a long number', () => {
    const f = form(`${EMAIL}<textarea name="message">my card is 4242-4242-4242-4242, thanks</textarea>
      <input name="phone" value="4111 1111 1111 1111"><input name="tel" value="+49 1512 3456789">`);
    expect(values(read(f))).toEqual(['ada@example.com', '+49 1512 3456789']);
    const email = 'offline.1795680785956123@e2e.test';
    expect(values(read(form(`<input type="email" value="${email}">`)))).toEqual([email]);
  });

  it('needs a field holding an email, unless the visitor is already identified (a later step)', () => {
    expect(read(form('<input name="company" value="Acme">'))).toBeUndefined();
    expect(read(form('<input name="email" value="ada@localhost">'))).toBeUndefined();
    state.identified_ = 1;
    expect(values(read(form('<input name="company" value="Acme">')))).toEqual(['Acme']);
  });

  it('reads a container of fields (no form element) the same way', () => {
    document.body.innerHTML = `<div id="c"><input name="name" value="Ada">${EMAIL}<input type="button" value="Send"></div>`;
    expect(values(read(document.querySelector('#c')!))).toEqual(['Ada', 'ada@example.com']);
  });
});

describe('hasCard: card-like numbers', () => {
  it('finds 16 to 19 digits, and 14 or 15 starting with 3', () => {
    for (const card of [
      '4111111111111111',
      '4111 1111 1111 1111',
      '5555-5555-5555-4444',
      '378282246310005',
      '36227206271667',
      '6011.1111.1111.1117',
      'pay with 4242 4242 4242 4242 please',
    ])
      expect(hasCard(card), card).toBe(true);
  });
  it('leaves phone numbers and other numbers alone', () => {
    for (const other of [
      '+1 (555) 123-4567',
      '+49 1512 3456789',
      '+44 20 7946 0958',
      '424242424242',
      '123456789012345',
      'no digits',
    ])
      expect(hasCard(other), other).toBe(false);
  });
});

describe('capture: what is submitted, and when it goes', () => {
  const got: Pair[][] = [];
  // The same fields twice are one submission: each case has its own address.
  let n = 0;
  let email = '';
  let contact = '';
  const submit = (f: HTMLFormElement) =>
    f.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }) as SubmitEvent);
  let release: () => void;

  beforeAll(() => {
    setRecording(1);
    release = capture((pairs) => got.push(pairs));
  });
  beforeEach(() => {
    release();
    got.length = 0;
    state.identified_ = 0;
    email = `ada${++n}@example.com`;
    contact = `<input type="email" name="email" value="${email}"><input name="name" value="Ada">`;
  });

  it('sends a plain submit once, when its dispatch is over', async () => {
    submit(form(contact));
    await settle();
    expect(got.map(values)).toEqual([[email, 'Ada']]);
  });

  it('holds a submit the site prevents, and sends it when the site resets the form', async () => {
    const f = form(contact);
    f.addEventListener('submit', (e) => e.preventDefault());
    submit(f);
    await settle();
    expect(got).toEqual([]);
    f.reset();
    (f.querySelector('[name=email]') as HTMLInputElement).value = '';
    await settle(300);
    expect(got.map(values)).toEqual([[email, 'Ada']]);
  });

  it('sends a held submit when the site removes the form, or when the page is left', async () => {
    const f = form(contact);
    f.addEventListener('submit', (e) => e.preventDefault());
    submit(f);
    f.remove();
    await settle(300);
    expect(got).toHaveLength(1);
    const g = form(contact.replace('Ada', 'Ada L.'));
    g.addEventListener('submit', (e) => e.preventDefault());
    submit(g);
    await settle();
    release();
    expect(got).toHaveLength(2);
  });

  it('takes the same fields again for the same submission: formdata after submit, FormData built by the site, form.submit()', async () => {
    const f = form(contact);
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      f.dispatchEvent(new Event('formdata')); // what new FormData(form) fires
    });
    submit(f);
    f.dispatchEvent(new Event('formdata')); // Chromium can fire it again for one submit
    f.dispatchEvent(new Event('formdata')); // the site's form.submit() after a token
    release();
    submit(f); // a second click on the same fields
    await settle();
    release();
    expect(got.map(values)).toEqual([[email, 'Ada']]);
  });

  it('sends the same fields again once the visitor has edited the form in between', async () => {
    const f = form(contact);
    f.addEventListener('submit', (e) => e.preventDefault());
    submit(f);
    const name = f.querySelector('[name=name]') as HTMLInputElement;
    const edit = new Event('input', { bubbles: true });
    Object.defineProperty(edit, 'isTrusted', { value: true });
    name.dispatchEvent(edit); // typed, then undone: the same fields, but a new attempt
    submit(f);
    release();
    expect(got.map(values)).toEqual([[email, 'Ada']]);
  });

  it('drops a held submit the visitor edits (the site refused it) and sends the corrected one', async () => {
    const f = form(`<input type="email" name="email" value="${email}"><input name="phone" value="12ab">`);
    f.addEventListener('submit', (e) => e.preventDefault());
    submit(f);
    await settle();
    const phone = f.querySelector('[name=phone]') as HTMLInputElement;
    phone.value = '1234';
    // A person's edit (the browser marks it trusted; happy-dom cannot, so the event is marked here).
    const edit = new Event('input', { bubbles: true });
    Object.defineProperty(edit, 'isTrusted', { value: true });
    phone.dispatchEvent(edit);
    submit(f);
    f.remove();
    await settle(300);
    expect(got.map(values)).toEqual([[email, '1234']]);
  });

  it('still decides when a site handler stops propagation', async () => {
    const f = form(contact);
    f.addEventListener('submit', (e) => e.stopPropagation());
    submit(f);
    await settle();
    expect(got).toHaveLength(1);
  });

  it('holds a form sent with form.submit() (formdata, no submit event) until the page is left', async () => {
    const f = form(contact);
    f.dispatchEvent(new Event('formdata'));
    await settle();
    expect(got).toEqual([]);
    release();
    expect(got.map(values)).toEqual([[email, 'Ada']]);
  });

  it('takes a plain button’s click next to an email field for a submission by script (Ninja Forms)', async () => {
    document.body.innerHTML = `<div class="nf-form-cont"><div class="nf-form-layout"><div><input name="nf-1" value="Ada"></div>
      <div><input type="email" name="email" value="${email}"></div><div><input type="button" id="send" value="Submit"></div></div></div>`;
    (document.querySelector('#send') as HTMLInputElement).click();
    await settle();
    expect(got).toEqual([]);
    (document.querySelector('.nf-form-layout') as HTMLElement).remove();
    await settle(300);
    expect(got.map(values)).toEqual([['Ada', email]]);
  });

  it('takes a next step submitted before the site has shown the first one’s success (same visitor)', async () => {
    document.body.innerHTML = `<form id="one"><input type="email" name="email" value="${email}"></form>
      <form id="two"><input name="company" value="Acme"><input type="hidden" name="email" value="${email}"></form>`;
    for (const id of ['#one', '#two']) {
      const f = document.querySelector(id) as HTMLFormElement;
      f.addEventListener('submit', (e) => e.preventDefault());
      submit(f);
    }
    document.querySelector('#two')!.remove();
    await settle(300);
    expect(got.map(values)).toEqual([[email], ['Acme']]);
  });

  it('ignores the click of a button that is not the one button around an email field (a cookie banner, a carousel)', async () => {
    document.body.innerHTML = `<div id="page">
      <div class="newsletter"><input type="email" name="email" value="${email}"><button type="button">Join</button></div>
      <div class="cookies"><button type="button" id="accept">Accept all</button></div></div>`;
    (document.querySelector('#accept') as HTMLButtonElement).click();
    await settle();
    document.querySelector('.cookies')!.remove(); // the banner closes: no success of any form
    await settle(300);
    release();
    expect(got).toEqual([]);
  });

  it('skips ignored forms, forms with password, card or file fields, invalid ones, and forms with no email', async () => {
    submit(form(contact, 'data-leadtrail-ignore'));
    submit(form(`${contact}<input type="password" name="pw">`));
    submit(form(`${contact}<input name="card_number">`));
    submit(form(`${contact}<input name="company" required>`, 'novalidate'));
    submit(form('<input name="name" value="Ada">'));
    await settle();
    expect(got).toEqual([]);
  });

  it('does nothing while the tracker is stopped', async () => {
    setRecording(0);
    submit(form(contact));
    await settle();
    setRecording(1);
    expect(got).toEqual([]);
  });
});
