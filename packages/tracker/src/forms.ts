/**
 * Form auto-capture. The decision waits until the site's own handlers have run (bubble phase on window, or a
 * timeout when a handler stopped propagation), so prevented submits are skipped. Only mapped fields are read.
 */
import { guard, isEmail, listen, recording } from './util.ts';

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
export const hasCard = (value: string) =>
  (value.match(/\d([\s.-]?\d){12,18}/g) || []).some((candidate) => {
    let sum = 0;
    let odd = 0;
    for (const digit of candidate.replace(/\D/g, '').split('').reverse())
      sum += +(odd++ % 2 ? '0246813579'[+digit]! : digit);
    return sum % 10 === 0;
  });

/** autocomplete, then type + name + id, then label text. */
export const kind = (field: Field) => {
  for (const text of [
    // Tokens naming something else than a person's name: username, nickname, country-name, additional-name.
    (field.autocomplete + '').replace(/\S*(user|nick|count|addit)\S*/gi, ''),
    field.type + ' ' + field.name + ' ' + field.id,
    [...field.labels!].map((label) => label.textContent) + '',
  ])
    for (const hint in HINTS) if (HINTS[hint as Kind].test(text!)) return hint as Kind;
};

/**
 * The contact fields of a form, or undefined when the form must not be captured: marked (or inside something
 * marked) data-leadtrail-ignore, or holding a password, file or card field (autocomplete cc-*, or a name or id
 * like card, cvc, ccnum). Only text-like fields are read (never hidden ones), only when mapped, and never a
 * value holding a card number (but for the email).
 */
export const fields = (form: HTMLFormElement): (Contact & Partial<Record<Kind, string>>) | undefined => {
  if (form.closest('[data-leadtrail-ignore]')) return;
  const found: Partial<Record<Kind, string>> = {};
  for (const field of form.elements as unknown as Field[]) {
    if (
      /^(password|file)|\bcc-|card|cvc|cvv|csc|cc-?(num|exp)/i.test(
        [field.type, field.autocomplete, field.name, field.id] + '',
      )
    )
      return;
    // text, textarea, tel, email, search, select-one
    const fieldKind = /^(te|em|se)/.test(field.type) && !field.disabled && kind(field);
    const value = fieldKind && !found[fieldKind] && field.value.trim();
    // An email address is never taken for a card: one with a long number in it (a timestamp, a user id) is common.
    if (value && (fieldKind === 'email' || !hasCard(value))) found[fieldKind as Kind] = value;
  }
  found.name ||= [found.given, found.family].join(' ').trim();
  return found;
};

/** Calls `onContact` with the contact fields of each submitted form that should be captured. */
export const capture = (onContact: (contact: Contact) => void) => {
  /** The submit event last decided on: each submit is decided once, by whichever listener runs first. */
  let last: Event;
  const decide = (event: Event) => {
    const form = event.target as HTMLFormElement;
    if (recording && event !== last) {
      last = event;
      const contact = !event.defaultPrevented && form.checkValidity() && fields(form);
      if (contact && isEmail(contact.email)) onContact(contact);
    }
  };
  listen('submit', (event) => setTimeout(guard(decide), 0, event), true);
  listen('submit', decide);
};
