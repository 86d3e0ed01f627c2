/**
 * Hostile requests for the leads API, as fast-check arbitraries: shared by the fuzz suite (a few hundred cases per
 * route in CI) and the long fuzz script (ten thousand and more). Every request made by `hostileCase` is invalid by
 * construction (at least one invalidating change to an otherwise valid body, or bytes that are not a JSON object), so
 * the only right answers are errors and the store must not change. `randomCase` sends anything at all.
 */
import {
  ACTIONS,
  BROWSER_KEY_FIELD,
  createEntries,
  identifyEntries,
  LEAD_STATUSES,
  type LeadsAction,
  listEntries,
  qualifyEntries,
  SORT_COLUMNS,
  updateEntries,
} from '@leadtrail/protocol';
import fc from 'fast-check';

import { LEADS } from '../support/collector.ts';

export { LEADS };

/** Text that has broken other systems: SQL, HTML and script, template and format strings, odd Unicode. */
export const NASTY_TEXT = [
  "Robert'); DROP TABLE leads;--",
  "' OR '1'='1",
  '" OR ""="',
  "1'; DELETE FROM api_keys WHERE '1'='1",
  "' UNION SELECT hash, prefix FROM api_keys --",
  "x%' ESCAPE '\\",
  '\\"; SELECT pg_sleep(10); --',
  '<script>alert(document.cookie)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg/onload=alert(1)>',
  'javascript:alert(1)',
  '{{constructor.constructor("return process")()}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection attempt, sent as plain text.
  '${process.exit(1)}',
  '%s%s%s%n%d',
  '../../../../etc/passwd',
  'NEAR(a b) OR "x" * -y ^z', // FTS5 query syntax
  '%_\\%_',
  'null',
  '__proto__',
  'constructor',
  'Ω≈ç√∫˜µ≤≥÷ 😀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ﷽',
  '\u202eevil\u202c',
  'a\u200bb\u00adc',
  '\t\r\n\v\f',
  'ＳＥＬＥＣＴ',
];

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Text, often nasty: for the text fields of an otherwise valid body. */
export const nastyText = (max = 200): fc.Arbitrary<string> =>
  fc
    .oneof(
      fc.constantFrom(...NASTY_TEXT),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
      fc.tuple(fc.constantFrom(...NASTY_TEXT), fc.string({ maxLength: 10 })).map(([a, b]) => `${a}${b}`),
    )
    .map((text) => text.slice(0, max))
    .filter((text) => text.trim().length > 0 && !text.includes('\u0000') && !LONE_SURROGATE.test(text));

const uuid = fc.uuid({ version: 4 });
const email = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9.]{0,15}$/), fc.integer({ min: 0, max: 1e9 }))
  .map(([local, n]) => `${local.replace(/\.+$/, '')}.${n}@fuzz.test`);
const page = fc.record(
  {
    path: fc.constantFrom('/', '/pricing', "/q?x=' OR 1=1", '/<script>', '/a/b/c'),
    title: nastyText(100),
    at: fc
      .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString()),
  },
  { requiredKeys: ['path'] },
);
const smallObject = fc.dictionary(
  fc.stringMatching(/^[a-z_]{1,10}$/),
  fc.oneof(nastyText(50), fc.integer(), fc.boolean()),
  {
    maxKeys: 4,
  },
);

/** A valid input for each action, with nasty text in its text fields; ids name the seeded records when given. */
export function validInput(
  action: LeadsAction,
  ids: { leadId: string; email: string },
): fc.Arbitrary<Record<string, unknown>> {
  const contact = {
    phone: fc.constantFrom('+1 555 0100', "555' OR 1=1", '(0)12-34'),
    position: nastyText(),
    company: nastyText(),
    notes: nastyText(2000),
    origin: nastyText(100),
    source: nastyText(100),
    interest_level: nastyText(100),
    product_interest: nastyText(500),
    contact_info: smallObject,
    company_info: smallObject,
  };
  const behaviour = {
    pages_visited: fc.array(page, { maxLength: 3 }),
    time_spent: fc.integer({ min: 0, max: 100_000 }),
    visit_count: fc.integer({ min: 0, max: 100 }),
  };
  switch (action) {
    case 'create':
      return fc.record({ name: nastyText(), email, ...contact, ...behaviour }, { requiredKeys: ['name', 'email'] });
    case 'identify':
      return fc.record(
        { visitor_id: uuid, event_id: uuid, name: nastyText(), email, ...contact, ...behaviour },
        { requiredKeys: ['visitor_id'] },
      );
    case 'update':
      return fc.record(
        { lead_id: fc.constant(ids.leadId), name: nastyText(), ...contact, status: fc.constantFrom(...LEAD_STATUSES) },
        { requiredKeys: ['lead_id'] },
      );
    case 'qualify':
      return fc.record(
        {
          status: fc.constantFrom(...LEAD_STATUSES),
          lead_id: fc.constant(ids.leadId),
          email: fc.constant(ids.email),
        },
        { requiredKeys: ['status'] },
      );
    case 'list':
      return fc.record(
        {
          lead_id: fc.constant(ids.leadId),
          search: nastyText(),
          status: fc.constantFrom(...LEAD_STATUSES),
          limit: fc.integer({ min: 1, max: 500 }),
          offset: fc.integer({ min: 0, max: 1000 }),
          sort_by: fc.constantFrom(...SORT_COLUMNS),
          sort_order: fc.constantFrom('asc', 'desc'),
        },
        { requiredKeys: [] },
      );
  }
}

const KNOWN_FIELDS: Record<LeadsAction, Set<string>> = {
  create: new Set(Object.keys(createEntries)),
  list: new Set(Object.keys(listEntries)),
  update: new Set(Object.keys(updateEntries)),
  qualify: new Set(Object.keys(qualifyEntries)),
  identify: new Set(Object.keys(identifyEntries)),
};
const REQUIRED: Record<LeadsAction, string[]> = {
  create: ['name', 'email'],
  list: [],
  update: ['lead_id'],
  qualify: ['status'],
  identify: ['visitor_id'],
};

const STRING_FIELDS = [
  'name',
  'email',
  'phone',
  'position',
  'company',
  'notes',
  'origin',
  'source',
  'interest_level',
  'product_interest',
  'search',
];
const UUID_FIELDS = [
  'lead_id',
  'visitor_id',
  'site_id',
  'user_id',
  'segment_id',
  'campaign_id',
  'assignee_id',
  'event_id',
];
const INT_FIELDS = ['limit', 'offset', 'time_spent', 'visit_count', 'lead_score'];
const ENUMS: Record<string, readonly string[]> = {
  status: LEAD_STATUSES,
  sort_by: SORT_COLUMNS,
  sort_order: ['asc', 'desc'],
};

/** Nesting that no field accepts: 6 to 60 levels of objects or arrays. */
const deep = fc.tuple(fc.integer({ min: 6, max: 60 }), fc.boolean()).map(([depth, arrays]) => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = arrays ? [value] : { a: value };
  return value;
});
/** An object with a prototype-polluting own key, at some depth. */
const polluted = fc.tuple(fc.constantFrom(...PROTO_KEYS), fc.integer({ min: 0, max: 3 })).map(([key, depth]) => {
  let value: Record<string, unknown> = {};
  Object.defineProperty(value, key, { value: { polluted: true, isAdmin: true }, enumerable: true });
  for (let i = 0; i < depth; i++) value = { nested: value };
  return value;
});
const wrongScalar = fc.oneof(fc.integer(), fc.double(), fc.boolean());
const longString = fc.integer({ min: 20_001, max: 40_000 }).map((n) => 'x'.repeat(n));
const hugeArray = fc.integer({ min: 501, max: 5000 }).map((n) => Array(n).fill('/p'));
const badText = fc.oneof(
  fc.constant('a\u0000b'),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => `x${String.fromCharCode(c)}y`),
);

/** A value the named field refuses whatever the action (a field the action does not take is refused by name). */
function invalidValue(field: string): fc.Arbitrary<unknown> {
  if (STRING_FIELDS.includes(field)) {
    return fc.oneof(wrongScalar, fc.array(fc.string(), { maxLength: 3 }), smallObject, longString, polluted, badText);
  }
  if (UUID_FIELDS.includes(field)) {
    return fc.oneof(
      wrongScalar,
      fc.string({ maxLength: 40 }).filter((s) => !/^[0-9a-f-]{36}$/i.test(s.trim())),
      uuid.map((id) => `${id}' OR '1'='1`),
      fc.constantFrom('00000000-0000-0000-0000-000000000000x', '../../etc', ''),
    );
  }
  if (INT_FIELDS.includes(field)) {
    return fc.oneof(
      fc.string({ maxLength: 10 }),
      fc.double({ noInteger: true, noDefaultInfinity: true, noNaN: true }),
      fc.integer({ min: -1_000_000, max: -1 }),
      fc.constantFrom(1e15, 2 ** 53, -(2 ** 53)),
      fc.boolean(),
      fc.constant([1]),
    );
  }
  if (field in ENUMS) {
    return fc.oneof(
      fc.string({ maxLength: 20 }).filter((s) => !ENUMS[field]!.includes(s.trim())),
      fc.integer(),
      fc.constant("new' OR '1'='1"),
    );
  }
  if (field === 'contact_info' || field === 'company_info') {
    return fc.oneof(
      wrongScalar,
      deep,
      polluted,
      fc.integer({ min: 9000, max: 20_000 }).map((n) => ({ big: 'x'.repeat(n) })),
    );
  }
  if (field === 'pages_visited') {
    return fc.oneof(
      wrongScalar,
      smallObject.filter((o) => Object.keys(o).length > 0),
      fc.array(fc.integer(), { minLength: 1, maxLength: 5 }),
      hugeArray,
      fc.constant([{ path: '/', extra: "'; DROP TABLE leads;--" }]),
      fc.constant([{ path: '/', at: 'yesterday' }]),
      fc.constant([{ path: '' }]),
    );
  }
  if (field === 'action')
    return fc.string({ maxLength: 12 }).filter((s) => !(ACTIONS as readonly string[]).includes(s));
  return fc.anything();
}

const ALL_FIELDS = [
  ...STRING_FIELDS,
  ...UUID_FIELDS,
  ...INT_FIELDS,
  ...Object.keys(ENUMS),
  'contact_info',
  'company_info',
  'pages_visited',
];

type Mutation = (body: Record<string, unknown>) => Record<string, unknown>;

/** Changes that make any body of `action` invalid. */
function invalidating(action: LeadsAction, onSubRoute: boolean): fc.Arbitrary<Mutation> {
  const options: fc.Arbitrary<Mutation>[] = [
    // A field set to a value of the wrong type, too long, too deep, polluted, or with text no store can hold.
    fc.constantFrom(...ALL_FIELDS).chain((field) =>
      invalidValue(field).map(
        (value): Mutation =>
          (body) => ({ ...body, [field]: value }),
      ),
    ),
    // A field the action does not take.
    fc
      .oneof(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.constantFrom('admin', 'is_admin', 'seq', 'email_norm', 'hash', 'id', 'own_behaviour', 'site', '$where'),
      )
      .filter((key) => !KNOWN_FIELDS[action].has(key) && key !== 'action' && key !== BROWSER_KEY_FIELD)
      .chain((key) =>
        fc.jsonValue({ maxDepth: 2 }).map(
          (value): Mutation =>
            (body) => {
              const out = { ...body };
              Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
              return out;
            },
        ),
      ),
    // A prototype-polluting key at the top or nested in an object field.
    fc.tuple(fc.constantFrom(...PROTO_KEYS), fc.boolean()).map(
      ([key, nested]): Mutation =>
        (body) => {
          const holder: Record<string, unknown> = {};
          Object.defineProperty(holder, key, { value: { status: 'qualified' }, enumerable: true });
          if (nested) return { ...body, contact_info: holder };
          const out = { ...body };
          Object.defineProperty(out, key, { value: { status: 'qualified' }, enumerable: true });
          return out;
        },
    ),
  ];
  const required = REQUIRED[action];
  if (required.length) {
    options.push(
      fc.constantFrom(...required).map(
        (field): Mutation =>
          (body) => {
            const { [field]: _, ...rest } = body;
            return rest;
          },
      ),
    );
  }
  if (onSubRoute) {
    options.push(
      fc.constantFrom(...ACTIONS.filter((a) => a !== action)).map(
        (other): Mutation =>
          (body) => ({ ...body, action: other }),
      ),
    );
  }
  return fc.oneof(...options);
}

/** Any change at all, valid or not: stacked on an invalidating one. */
const anyMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom(...ALL_FIELDS).chain((field) =>
    fc.oneof(nastyText(), fc.jsonValue({ maxDepth: 2 })).map(
      (value): Mutation =>
        (body) => ({ ...body, [field]: value }),
    ),
  ),
  fc.constant((body: Record<string, unknown>) => body),
);

const INVALID_UTF8 = [
  [0xff],
  [0xfe, 0xff],
  [0xc0, 0xaf],
  [0xc3, 0x28],
  [0xed, 0xa0, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0x80],
  [0xe2, 0x82],
];

/** Bytes that are not a JSON object: corrupt JSON text, invalid UTF-8, non-objects, nesting past any parser's taste. */
function corruptBytes(text: string): fc.Arbitrary<Uint8Array<ArrayBuffer>> {
  const bytes = Buffer.from(text, 'utf8');
  const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
  return fc.oneof(
    // Invalid UTF-8 somewhere.
    fc
      .tuple(fc.integer({ min: 0, max: bytes.length }), fc.constantFrom(...INVALID_UTF8))
      .map(([at, bad]) => new Uint8Array(Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]))),
    // Cut short.
    fc.integer({ min: 0, max: Math.max(0, bytes.length - 1) }).map((at) => new Uint8Array(bytes.subarray(0, at))),
    // Something after the object.
    fc.constantFrom('x', '}', ',', '\u0000', '{}', '[]').map((tail) => utf8(`${text}${tail}`)),
    // Not an object at all.
    fc
      .jsonValue({ maxDepth: 3 })
      .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
      .map((v) => utf8(JSON.stringify(v))),
    // Deep nesting, up to what the largest body allows.
    fc
      .tuple(fc.integer({ min: 100, max: 50_000 }), fc.boolean())
      .map(([depth, arrays]) =>
        utf8(arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
      ),
    // Deep nesting inside an otherwise valid object.
    fc
      .integer({ min: 33, max: 20_000 })
      .map((depth) => utf8(`${text.slice(0, -1)},"contact_info":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`)),
    // A huge array.
    fc.integer({ min: 1000, max: 100_000 }).map((n) => utf8(`[${'1,'.repeat(n)}1]`)),
    // Empty, whitespace, a BOM alone, binary noise that starts like JSON.
    fc
      .constantFrom('', '   ', '\ufeff', 'null', '{', '{"', '{"a":}', "{'a':1}", '{"a":1,}', 'NaN', 'undefined')
      .map(utf8),
    fc
      .uint8Array({ minLength: 1, maxLength: 200 })
      .map((noise) => new Uint8Array(Buffer.concat([Buffer.from('{"'), noise]))),
  );
}

export type KeyUse = 'secret' | 'x-api-key' | 'publishable-body' | 'publishable-header' | 'none';
export type ContentType = 'json' | 'text' | 'other';

export interface Route {
  name: string;
  method: 'POST' | 'PUT';
  path: string;
  /** The action the route runs; undefined: the body names it (`POST /leads` and MCP). */
  action?: LeadsAction;
  mcp?: boolean;
}

export const ROUTES: Route[] = [
  { name: 'POST create', method: 'POST', path: `${LEADS}/create`, action: 'create' },
  { name: 'POST get', method: 'POST', path: `${LEADS}/get`, action: 'list' },
  { name: 'POST update', method: 'POST', path: `${LEADS}/update`, action: 'update' },
  { name: 'PUT update', method: 'PUT', path: `${LEADS}/update`, action: 'update' },
  { name: 'POST qualify', method: 'POST', path: `${LEADS}/qualify`, action: 'qualify' },
  { name: 'POST identify', method: 'POST', path: `${LEADS}/identify`, action: 'identify' },
  { name: 'POST leads (action)', method: 'POST', path: LEADS },
  { name: 'POST mcp (tools/call)', method: 'POST', path: '/mcp', mcp: true },
];

export interface Case {
  keyUse: KeyUse;
  contentType: ContentType;
  /** The key goes in the body (publishable-body) after the body is built, so it is added to objects only. */
  body: { kind: 'object'; value: Record<string, unknown> } | { kind: 'bytes'; value: Uint8Array<ArrayBuffer> };
  label: string;
}

export interface Keys {
  secret: string;
  publishable: string;
  origin: string;
}

/** Mostly keys and content types that get past the front door, so the body is what is tested. */
const weighted = <T>(entries: [T, number][]) =>
  fc.oneof(...entries.map(([value, weight]) => ({ weight, arbitrary: fc.constant(value) })));
const keyUse = weighted<KeyUse>([
  ['secret', 10],
  ['x-api-key', 2],
  ['publishable-body', 4],
  ['publishable-header', 2],
  ['none', 1],
]);
const contentType = weighted<ContentType>([
  ['json', 14],
  ['text', 5],
  ['other', 1],
]);
/** MCP takes secret keys in a header and JSON only: other uses are refused before the message is read. */
const mcpKeyUse = weighted<KeyUse>([
  ['secret', 16],
  ['publishable-header', 1],
  ['none', 1],
]);
const mcpContentType = weighted<ContentType>([
  ['json', 18],
  ['text', 1],
  ['other', 1],
]);

/** The body of a route as JSON (MCP: the leads input goes in a tools/call message). */
function wrap(route: Route, input: unknown): unknown {
  if (!route.mcp) return input;
  return { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'leads', arguments: input } };
}

/** A request that must be refused: an invalid body, whichever key and content type it comes with. */
export function hostileCase(route: Route, ids: { leadId: string; email: string }): fc.Arbitrary<Case> {
  const action = route.action ?? null;
  const actionArb = action ? fc.constant(action) : fc.constantFrom(...ACTIONS);
  const objectCase = actionArb.chain((a) =>
    fc
      .tuple(validInput(a, ids), invalidating(a, Boolean(route.action)), fc.array(anyMutation, { maxLength: 2 }))
      .map(([valid, bad, extra]) => {
        let body: Record<string, unknown> = route.action ? valid : { action: a, ...valid };
        for (const m of extra) body = m(body);
        // The invalidating change goes last so nothing undoes it.
        body = bad(body);
        return { kind: 'object' as const, value: wrap(route, body) as Record<string, unknown>, label: `${a}: object` };
      }),
  );
  const bytesCase = actionArb.chain((a) =>
    validInput(a, ids).chain((valid) => {
      const text = JSON.stringify(route.action ? valid : { action: a, ...valid });
      if (!route.mcp)
        return corruptBytes(text).map((value) => ({ kind: 'bytes' as const, value, label: `${a}: bytes` }));
      // MCP: the message is corrupted, or its arguments are not an object.
      const message = JSON.stringify(wrap(route, JSON.parse(text)));
      return fc.oneof(
        corruptBytes(message).map((value) => ({ kind: 'bytes' as const, value, label: `${a}: mcp bytes` })),
        fc
          .jsonValue({ maxDepth: 2 })
          .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
          .map((v) => ({
            kind: 'object' as const,
            value: wrap(route, v) as Record<string, unknown>,
            label: `${a}: mcp args`,
          })),
      );
    }),
  );
  return fc
    .tuple(
      route.mcp ? mcpKeyUse : keyUse,
      route.mcp ? mcpContentType : contentType,
      fc.oneof({ weight: 3, arbitrary: objectCase }, { weight: 2, arbitrary: bytesCase }),
    )
    .map(([k, ct, body]) => ({
      keyUse: k,
      contentType: ct,
      body: body.kind === 'object' ? { kind: 'object', value: body.value } : { kind: 'bytes', value: body.value },
      label: `${body.label}, ${k}, ${ct}`,
    }));
}

/** Anything at all: random JSON values and random bytes, any key, any content type. */
export function randomCase(route: Route): fc.Arbitrary<Case> {
  const body = fc.oneof(
    fc.jsonValue({ maxDepth: 4 }).map((v) => {
      const value = wrap(route, v);
      return value !== null && typeof value === 'object' && !Array.isArray(value)
        ? { kind: 'object' as const, value: value as Record<string, unknown> }
        : { kind: 'bytes' as const, value: new Uint8Array(Buffer.from(JSON.stringify(value) ?? '', 'utf8')) };
    }),
    fc.uint8Array({ maxLength: 300 }).map((value) => ({ kind: 'bytes' as const, value: new Uint8Array(value) })),
    fc
      .string({ unit: 'binary', maxLength: 300 })
      .map((s) => ({ kind: 'bytes' as const, value: new Uint8Array(Buffer.from(s)) })),
  );
  return fc
    .tuple(keyUse, contentType, body)
    .map(([k, ct, b]) => ({ keyUse: k, contentType: ct, body: b, label: `random, ${k}, ${ct}` }));
}

const CONTENT_TYPES: Record<ContentType, string[]> = {
  json: ['application/json', 'application/json; charset=utf-8'],
  text: ['text/plain', 'text/plain;charset=UTF-8'],
  other: ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/html', 'application/xml'],
};

/** The fetch arguments of a case. */
export function requestOf(
  route: Route,
  c: Case,
  keys: Keys,
): { method: string; headers: Record<string, string>; body: Uint8Array<ArrayBuffer> } {
  const headers: Record<string, string> = { 'content-type': CONTENT_TYPES[c.contentType][0]! };
  if (route.mcp) headers.accept = 'application/json, text/event-stream';
  let body = c.body;
  switch (c.keyUse) {
    case 'secret':
      headers.authorization = `Bearer ${keys.secret}`;
      break;
    case 'x-api-key':
      headers['x-api-key'] = keys.secret;
      break;
    case 'publishable-header':
      headers.authorization = `Bearer ${keys.publishable}`;
      headers.origin = keys.origin;
      break;
    case 'publishable-body':
      headers.origin = keys.origin;
      if (body.kind === 'object' && !route.mcp)
        body = { kind: 'object', value: { ...body.value, [BROWSER_KEY_FIELD]: keys.publishable } };
      else headers.authorization = `Bearer ${keys.publishable}`;
      break;
    case 'none':
      break;
  }
  const bytes = body.kind === 'object' ? new Uint8Array(Buffer.from(JSON.stringify(body.value), 'utf8')) : body.value;
  return { method: route.method, headers, body: bytes };
}
