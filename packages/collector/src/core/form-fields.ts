/**
 * A submitted form, as the tracker read it (each readable field as [hints, value]), mapped to contact fields. The
 * table lives here rather than in every page: it can know more languages and be updated without a new script, and a
 * field it cannot map is kept for the owner to see. The browser has already refused password, card, file and hidden
 * fields and card-like values; nothing here reads them.
 *
 * A field's hints are its type, autocomplete, name, id, label, placeholder and aria-label, joined with `|`. In order,
 * the first that decides wins: an autocomplete token (`given-name`, `email`, `organization-title`...), the input type
 * (email, tel), then words in English, German, French, Spanish, Portuguese, Italian and Dutch. A field called just
 * "name" (Name, Nom, Nombre, Nome, Naam) is the given name beside a family-name field, the family name beside a
 * given-name field (Prénom + Nom), and the full name otherwise.
 */
import { MAX_NOTES, fields as schemas } from '@leadtrail/protocol';
import * as v from 'valibot';

export type ContactKind = 'email' | 'phone' | 'given' | 'family' | 'name' | 'company' | 'position' | 'notes';
export type FormPair = readonly [hints: string, value: string];

export interface MappedForm {
  /** The contact fields found: name (given and family joined), email, phone, company, position, notes. */
  fields: Partial<Record<'name' | 'email' | 'phone' | 'company' | 'position' | 'notes', string>>;
  /** The fields that map to nothing, as sent (kept on the submission for the owner). */
  unmapped: FormPair[];
}

const AUTOCOMPLETE: [RegExp, ContactKind][] = [
  [/\bgiven-name\b/, 'given'],
  [/\bfamily-name\b/, 'family'],
  [/\bemail\b/, 'email'],
  [/\btel(-national)?\b/, 'phone'],
  [/\borganization-title\b/, 'position'],
  [/\borganization\b/, 'company'],
  [/(^|\s)name\b/, 'name'],
];

/** Words, in order of precedence (company before name: "Firmenname", "company name"; given before name). */
const WORDS: [RegExp, ContactKind | null][] = [
  // Not a person's contact: a login, a nickname, a country, a subject line, facts about the company.
  [
    /user.?name|nick|login|benutzer|pseudo|country|land\b|pays|país|paese|subject|betreff|sujet|asunto|assunto|size|employee|mitarbeiter|industr|branche|revenue|umsatz|website|\burl\b/,
    null,
  ],
  [/e-?mail|correo|courriel|e-?post|mail\b/, 'email'],
  [/phone|mobile|\btel\b|\btel[_:.-]|telef|téléph|teléf|handy|celular|cell|portable|móvil|movil|whatsapp/, 'phone'],
  [/first.?name|\bfirst\b|given|fname|vorname|prénom|prenom|voornaam|primeiro.?nome/, 'given'],
  [/last.?name|\blast\b|surname|famil|lname|nachname|apellido|sobrenome|cognome|achternaam|zuname/, 'family'],
  [
    /compan|organi[sz]|firma|firmen|empresa|société|societe|entreprise|azienda|bedrijf|unternehmen|employer|business/,
    'company',
  ],
  [/job|position|\brole\b|\btitle\b|poste|fonction|cargo|puesto|ruolo|functie|beruf|funktion/, 'position'],
  [
    /messag|comment|nquir|\bnote|nachricht|anfrage|anliegen|mensaje|mensagem|messaggio|bericht|question|descri|details|requ[eê]t|consulta|richiesta|vraag|opmerking/,
    'notes',
  ],
  [/\bname\b|\bnom\b|nombre|\bnome\b|\bnaam\b|full.?name|your.?name|_name\b|name_|\[name\]/, 'name'],
];

/** A field's hints: `type|autocomplete|name|id|label|placeholder|aria-label`, as the tracker joins them. */
const partsOf = (hints: string) => {
  const [type = '', autocomplete = '', ...rest] = hints.toLowerCase().split('|');
  // An autocomplete value is words too: `tel`, `organization`, and the page's own `identify({phone})`.
  return { type, autocomplete, words: [autocomplete, ...rest].join(' ') };
};

/** What one field holds, by its hints alone (a textarea no word names is a message). */
export function kindOf(hints: string): ContactKind | null {
  const { type, autocomplete, words } = partsOf(hints);
  for (const [pattern, kind] of AUTOCOMPLETE) if (pattern.test(autocomplete)) return kind;
  if (type === 'email') return 'email';
  if (type === 'tel') return 'phone';
  for (const [pattern, kind] of WORDS) if (pattern.test(words)) return kind;
  return type === 'textarea' ? 'notes' : null;
}

const isEmail = (value: string) => v.safeParse(schemas.email, value).success;

const LIMITS: Record<Exclude<ContactKind, 'given' | 'family'>, number> = {
  email: 254,
  phone: 64,
  name: 200,
  company: 200,
  position: 200,
  notes: MAX_NOTES,
};

/**
 * Maps a form. The first field of each kind wins; a value that looks like an email is the email when no field says
 * so; values are trimmed and cut to the protocol's limits (a long field must not lose the whole lead).
 */
export function mapForm(pairs: readonly FormPair[]): MappedForm {
  const fieldsOf = pairs.map(([hints, raw]) => {
    const value = raw.trim();
    let kind = kindOf(hints);
    if (kind === 'email' && !isEmail(value)) kind = null;
    return { hints, value, kind, fullName: /(^|\s)name\b/.test(partsOf(hints).autocomplete) };
  });
  const has = (kind: ContactKind) => fieldsOf.some((field) => field.kind === kind && field.value);
  const found: Partial<Record<ContactKind, string>> = {};
  const unmapped: FormPair[] = [];
  const noEmailField = !has('email');
  for (const field of fieldsOf) {
    if (!field.value) continue;
    let kind = field.kind;
    // A bare "name" beside one half of a person's name is the other half.
    if (kind === 'name' && !field.fullName) {
      if (has('family') && !has('given')) kind = 'given';
      else if (has('given') && !has('family')) kind = 'family';
    }
    if (!kind && noEmailField && isEmail(field.value)) kind = 'email';
    if (!kind) unmapped.push([field.hints, field.value]);
    else found[kind] ??= field.value;
  }
  const name = [found.given, found.family].filter(Boolean).join(' ') || found.name;
  const fields: MappedForm['fields'] = {};
  const cut = (kind: keyof typeof LIMITS, value: string | undefined) => {
    if (value) fields[kind] = value.slice(0, LIMITS[kind]).trim();
  };
  cut('name', name);
  cut('email', found.email);
  cut('phone', found.phone);
  cut('company', found.company);
  cut('position', found.position);
  cut('notes', found.notes);
  return { fields, unmapped };
}
