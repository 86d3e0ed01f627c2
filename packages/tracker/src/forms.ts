/**
 * Form auto-capture. The decision waits until the site's own handlers have run (bubble phase on window, or a
 * timeout when a handler stopped propagation), so prevented submits are skipped. Only mapped fields are read.
 */
import { guard, isEmail, on, run } from './util.ts';

export type Contact = Partial<Record<'name' | 'email' | 'phone' | 'company' | 'position' | 'notes', string>>;
type Kind = keyof Contact | 'given' | 'family';
type Field = HTMLInputElement;

/**
 * In this order, the first that matches wins: position precedes company for `organization-title`, given and
 * family precede name.
 */
const HINTS: Record<Kind, RegExp> = {
  email: /e-?mail/i,
  phone: /phone|mobile|(\b|_)tel/i,
  given: /first|given|fname/i,
  family: /last|famil|surn|lname/i,
  position: /job|position|role|title/i,
  company: /compan|organi/i,
  notes: /messag|comment|nquir|note/i,
  name: /name/i,
};

/** True when the value holds 13 to 19 digits (spaces, dots, dashes between) passing the Luhn check. */
export const hasCard = (v: string) =>
  (v.match(/\d([\s.-]?\d){12,18}/g) || []).some((m) => {
    let sum = 0;
    let odd = 0;
    for (const c of m.replace(/\D/g, '').split('').reverse()) sum += +(odd++ % 2 ? '0246813579'[+c]! : c);
    return sum % 10 === 0;
  });

/** autocomplete, then type + name + id, then label text. */
export const kind = (el: Field) => {
  for (const s of [
    // Tokens naming something else than a person's name: username, nickname, country-name, additional-name.
    (el.autocomplete + '').replace(/\S*(user|nick|count|addit)\S*/gi, ''),
    el.type + ' ' + el.name + ' ' + el.id,
    [...el.labels!].map((l) => l.textContent) + '',
  ])
    for (const k in HINTS) if (HINTS[k as Kind].test(s!)) return k as Kind;
};

/**
 * The contact fields of a form, or undefined when the form must not be captured: marked (or inside something
 * marked) data-leadtrail-ignore, or holding a password, file or card field (autocomplete cc-*, or a name or id
 * like card, cvc, ccnum). Only text-like fields are read (never hidden ones), only when mapped, and never a
 * value holding a card number (but for the email).
 */
export const fields = (form: HTMLFormElement): (Contact & Partial<Record<Kind, string>>) | undefined => {
  if (form.closest('[data-leadtrail-ignore]')) return;
  const o: Partial<Record<Kind, string>> = {};
  for (const el of form.elements as unknown as Field[]) {
    if (/^(password|file)|\bcc-|card|cvc|cvv|csc|cc-?(num|exp)/i.test([el.type, el.autocomplete, el.name, el.id] + ''))
      return;
    // text, textarea, tel, email, search, select-one
    const k = /^(te|em|se)/.test(el.type) && !el.disabled && kind(el);
    const v = k && !o[k] && el.value.trim();
    // An email address is never taken for a card: one with a long number in it (a timestamp, a user id) is common.
    if (v && (k === 'email' || !hasCard(v))) o[k as Kind] = v;
  }
  o.name ||= [o.given, o.family].join(' ').trim();
  return o;
};

/** Calls `cb` with the contact fields of each submitted form that should be captured. */
export const capture = (cb: (c: Contact) => void) => {
  let last: Event;
  const decide = (e: Event) => {
    const form = e.target as HTMLFormElement;
    if (run && e !== last) {
      last = e;
      const c = !e.defaultPrevented && form.checkValidity() && fields(form);
      if (c && isEmail(c.email)) cb(c);
    }
  };
  on('submit', (e) => setTimeout(guard(decide), 0, e), true);
  on('submit', decide);
};
