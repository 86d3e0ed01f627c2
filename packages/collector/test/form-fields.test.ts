/** The collector's reading of a submitted form: fields by autocomplete, type and words in seven languages. */
import { describe, expect, it } from 'vitest';
import { type FormPair, kindOf, mapForm } from '../src/core/form-fields.ts';

/** A field as the tracker describes it: `type|autocomplete|name|id|label|placeholder|aria-label`. */
const field = (
  value: string,
  f: {
    type?: string;
    autocomplete?: string;
    name?: string;
    id?: string;
    label?: string;
    placeholder?: string;
    aria?: string;
  },
): FormPair => [
  [
    f.type ?? 'text',
    f.autocomplete ?? '',
    f.name ?? '',
    f.id ?? '',
    f.label ?? '',
    f.placeholder ?? '',
    f.aria ?? '',
  ].join('|'),
  value,
];

describe('one field', () => {
  it('is known by its autocomplete token first, then its type, then its words', () => {
    expect(kindOf(field('', { autocomplete: 'given-name', label: 'Company' })[0])).toBe('given');
    expect(kindOf(field('', { autocomplete: 'shipping organization-title' })[0])).toBe('position');
    expect(kindOf(field('', { autocomplete: 'organization' })[0])).toBe('company');
    expect(kindOf(field('', { type: 'email', name: 'x1' })[0])).toBe('email');
    expect(kindOf(field('', { type: 'tel', name: 'contact' })[0])).toBe('phone');
    expect(kindOf(field('', { type: 'textarea', name: 'field_7' })[0])).toBe('notes');
    expect(kindOf(field('', { name: 'username', label: 'User name' })[0])).toBeNull();
    expect(kindOf(field('', { name: 'country_name' })[0])).toBeNull();
    expect(kindOf(field('', { name: 'your-subject', label: 'Subject' })[0])).toBeNull();
  });

  it('is named in English, German, French, Spanish, Portuguese, Italian and Dutch', () => {
    const cases: [string, string][] = [
      ['First name', 'given'],
      ['Vorname', 'given'],
      ['Prénom', 'given'],
      ['Voornaam', 'given'],
      ['Last name', 'family'],
      ['Nachname', 'family'],
      ['Apellidos', 'family'],
      ['Sobrenome', 'family'],
      ['Cognome', 'family'],
      ['Achternaam', 'family'],
      ['Company', 'company'],
      ['Firma', 'company'],
      ['Empresa', 'company'],
      ['Société', 'company'],
      ['Entreprise', 'company'],
      ['Azienda', 'company'],
      ['Bedrijf', 'company'],
      ['Firmenname', 'company'],
      ['Telefon', 'phone'],
      ['Téléphone', 'phone'],
      ['Teléfono', 'phone'],
      ['Telefone', 'phone'],
      ['Telefoon', 'phone'],
      ['Job title', 'position'],
      ['Poste', 'position'],
      ['Cargo', 'position'],
      ['Ruolo', 'position'],
      ['Functie', 'position'],
      ['Nachricht', 'notes'],
      ['Votre message', 'notes'],
      ['Mensaje', 'notes'],
      ['Mensagem', 'notes'],
      ['Messaggio', 'notes'],
      ['Bericht', 'notes'],
      ['E-Mail-Adresse', 'email'],
      ['Correo electrónico', 'email'],
      ['Courriel', 'email'],
      ['Name', 'name'],
      ['Naam', 'name'],
    ];
    for (const [label, kind] of cases) expect(kindOf(field('', { label })[0]), label).toBe(kind);
    // Placeholder and aria-label count like a label.
    expect(kindOf(field('', { placeholder: 'Ihre Telefonnummer' })[0])).toBe('phone');
    expect(kindOf(field('', { aria: 'Work email' })[0])).toBe('email');
  });
});

describe('a form', () => {
  it('joins given and family names in order, whatever the field order', () => {
    const { fields } = mapForm([
      field('Lovelace', { label: 'Nachname' }),
      field('Ada', { label: 'Vorname' }),
      field('ada@example.com', { type: 'email', label: 'E-Mail' }),
    ]);
    expect(fields).toEqual({ name: 'Ada Lovelace', email: 'ada@example.com' });
  });

  it('reads a bare "name" as the other half of a person’s name beside one half (Prénom + Nom, Nombre + Apellidos)', () => {
    expect(mapForm([field('Curie', { label: 'Nom' }), field('Marie', { label: 'Prénom' })]).fields.name).toBe(
      'Marie Curie',
    );
    expect(mapForm([field('Frida', { label: 'Nombre' }), field('Kahlo', { label: 'Apellidos' })]).fields.name).toBe(
      'Frida Kahlo',
    );
    expect(mapForm([field('Grace Hopper', { label: 'Name' })]).fields.name).toBe('Grace Hopper');
    // autocomplete="name" is the full name, even beside a family name.
    expect(
      mapForm([field('Grace Hopper', { autocomplete: 'name' }), field('Hopper', { label: 'Last name' })]).fields.name,
    ).toBe('Hopper');
  });

  it('takes an email-looking value for the email when no field says email, and refuses a bad one', () => {
    expect(mapForm([field('grace@navy.test', { name: 'field_3' })]).fields.email).toBe('grace@navy.test');
    expect(mapForm([field('not an email', { type: 'email' })]).fields.email).toBeUndefined();
  });

  it('keeps the fields it cannot map, and drops empty ones', () => {
    const mapped = mapForm([
      field('ada@example.com', { type: 'email' }),
      field('50-200', { type: 'select-one', name: 'company_size', label: 'Team size' }),
      field('  ', { label: 'Company' }),
      field('Need a demo', { name: 'your-subject', label: 'Subject' }),
    ]);
    expect(mapped.fields).toEqual({ email: 'ada@example.com' });
    expect(mapped.unmapped.map(([, value]) => value)).toEqual(['50-200', 'Need a demo']);
  });

  it('cuts values to the protocol’s limits rather than lose the lead', () => {
    const { fields } = mapForm([
      field('x'.repeat(300), { label: 'Company' }),
      field('ada@example.com', { type: 'email' }),
    ]);
    expect(fields.company).toHaveLength(200);
  });
});
