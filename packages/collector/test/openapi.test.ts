/**
 * GET /openapi.json: an OpenAPI 3.1 document that is structurally valid (checked here against the rules of the
 * OpenAPI 3.1 specification, every schema meta-validated as JSON Schema), lists every route the app serves, and
 * describes what the API really answers: real responses are validated against the documented schemas.
 */
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEADS, startTestCollector, type TestCollector } from '../../../test/support/collector.ts';
import { openSqliteTestStore, type StoreHandle } from '../../../test/support/stores.ts';
import { isDashboardPath } from '../src/dashboard/app.ts';
import { appOptions, createApp } from '../src/index.ts';

type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const ALLOWED = {
  root: [
    'openapi',
    'info',
    'jsonSchemaDialect',
    'servers',
    'paths',
    'webhooks',
    'components',
    'security',
    'tags',
    'externalDocs',
  ],
  info: ['title', 'summary', 'description', 'termsOfService', 'contact', 'license', 'version'],
  pathItem: [...METHODS, '$ref', 'summary', 'description', 'servers', 'parameters'],
  operation: [
    'tags',
    'summary',
    'description',
    'externalDocs',
    'operationId',
    'parameters',
    'requestBody',
    'responses',
    'callbacks',
    'deprecated',
    'security',
    'servers',
  ],
  components: [
    'schemas',
    'responses',
    'parameters',
    'examples',
    'requestBodies',
    'headers',
    'securitySchemes',
    'links',
    'callbacks',
    'pathItems',
  ],
  response: ['description', 'headers', 'content', 'links'],
  parameter: [
    'name',
    'in',
    'description',
    'required',
    'deprecated',
    'allowEmptyValue',
    'style',
    'explode',
    'schema',
    'example',
    'examples',
    'content',
  ],
};

/** The routes the collector serves, written out, so a missing one fails here even if the app lost it too. */
const EXPECTED_ROUTES = [
  `POST ${LEADS}/create`,
  `POST ${LEADS}/get`,
  `POST ${LEADS}/update`,
  `PUT ${LEADS}/update`,
  `POST ${LEADS}/qualify`,
  `POST ${LEADS}/identify`,
  `POST ${LEADS}`,
  `POST ${LEADS}/export`,
  `POST ${LEADS}/erase`,
  'GET /healthz',
  'GET /readyz',
  'GET /leadtrail.js',
  'POST /mcp',
  'GET /openapi.json',
];

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function pointer(doc: Json, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), doc);
}

const ajv = new AjvJsonSchemaValidator();
const metaSchema = ajv.getValidator({ $ref: 'http://json-schema.org/draft-07/schema#' });

/** Every way the document breaks the OpenAPI 3.1 rules this API can run into; empty when it is valid. */
function openApiProblems(doc: Json): string[] {
  const problems: string[] = [];
  const need = (ok: unknown, problem: string) => {
    if (!ok) problems.push(problem);
  };
  const onlyKeys = (node: Json, allowed: string[], where: string) => {
    for (const key of Object.keys(node)) {
      need(allowed.includes(key) || key.startsWith('x-'), `${where}: unknown field "${key}"`);
    }
  };
  const deref = (node: unknown): unknown =>
    isObject(node) && typeof node.$ref === 'string' ? deref(pointer(doc, node.$ref)) : node;

  onlyKeys(doc, ALLOWED.root, 'document');
  need(typeof doc.openapi === 'string' && /^3\.1\.\d+$/.test(doc.openapi), 'openapi must be 3.1.x');
  const info = doc.info;
  need(isObject(info), 'info is required');
  if (isObject(info)) {
    onlyKeys(info, ALLOWED.info, 'info');
    need(typeof info.title === 'string' && info.title, 'info.title is required');
    need(typeof info.version === 'string' && info.version, 'info.version is required');
  }
  need(isObject(doc.paths), 'paths is required (for this API)');

  // Every $ref anywhere resolves.
  const walk = (node: unknown, where: string) => {
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) walk(item, `${where}/${i}`);
    }
    if (!isObject(node)) return;
    if (typeof node.$ref === 'string')
      need(pointer(doc, node.$ref) !== undefined, `${where}: $ref ${node.$ref} does not resolve`);
    for (const [key, value] of Object.entries(node)) walk(value, `${where}/${key}`);
  };
  walk(doc, '#');

  const components = isObject(doc.components) ? doc.components : {};
  onlyKeys(components, ALLOWED.components, 'components');
  for (const [kind, entries] of Object.entries(components)) {
    for (const name of Object.keys(entries as Json)) {
      need(/^[a-zA-Z0-9.\-_]+$/.test(name), `components.${kind}.${name}: invalid name`);
    }
  }
  const schemes = (components.securitySchemes ?? {}) as Record<string, Json>;
  for (const [name, scheme] of Object.entries(schemes)) {
    need(['apiKey', 'http', 'mutualTLS', 'oauth2', 'openIdConnect'].includes(scheme.type as string), `${name}: type`);
    if (scheme.type === 'http') need(typeof scheme.scheme === 'string', `${name}: http needs scheme`);
    if (scheme.type === 'apiKey') {
      need(
        typeof scheme.name === 'string' && ['query', 'header', 'cookie'].includes(scheme.in as string),
        `${name}: apiKey`,
      );
    }
  }
  const checkSecurity = (security: unknown, where: string) => {
    if (security === undefined) return;
    need(Array.isArray(security), `${where}: security must be an array`);
    for (const requirement of (security as Json[]) ?? []) {
      for (const name of Object.keys(requirement)) need(name in schemes, `${where}: unknown security scheme ${name}`);
    }
  };
  checkSecurity(doc.security, 'document');

  const checkSchema = (schema: unknown, where: string) => {
    need(isObject(schema), `${where}: schema must be an object`);
    if (!isObject(schema)) return;
    const result = metaSchema(schema);
    need(result.valid, `${where}: not a valid JSON Schema: ${result.errorMessage}`);
  };
  for (const [name, schema] of Object.entries((components.schemas ?? {}) as Json)) {
    checkSchema(schema, `components.schemas.${name}`);
  }
  const checkContent = (content: unknown, where: string) => {
    need(isObject(content) && Object.keys(content).length > 0, `${where}: content must name media types`);
    for (const [type, media] of Object.entries((content ?? {}) as Json)) {
      need(/^[\w.+-]+\/[\w.+*-]+$/.test(type), `${where}: "${type}" is not a media type`);
      if (isObject(media) && media.schema !== undefined) checkSchema(media.schema, `${where}.${type}`);
    }
  };

  const tags = new Set(((doc.tags ?? []) as Json[]).map((tag) => tag.name));
  const operationIds = new Set<string>();
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Json>)) {
    need(path.startsWith('/'), `${path}: a path must start with /`);
    onlyKeys(item, ALLOWED.pathItem, path);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const method of METHODS.filter((m) => m in item)) {
      const where = `${method.toUpperCase()} ${path}`;
      const op = item[method] as Json;
      onlyKeys(op, ALLOWED.operation, where);
      if (op.operationId !== undefined) {
        need(typeof op.operationId === 'string' && !operationIds.has(op.operationId), `${where}: operationId`);
        operationIds.add(op.operationId as string);
      }
      for (const tag of (op.tags ?? []) as string[]) need(tags.has(tag), `${where}: tag ${tag} is not declared`);
      checkSecurity(op.security, where);
      const parameters = ((op.parameters ?? []) as unknown[]).map(deref) as Json[];
      for (const parameter of parameters) {
        onlyKeys(parameter, ALLOWED.parameter, `${where} parameter`);
        need(typeof parameter.name === 'string', `${where}: parameter name`);
        need(['query', 'header', 'path', 'cookie'].includes(parameter.in as string), `${where}: parameter in`);
        need(parameter.in !== 'path' || parameter.required === true, `${where}: path parameters are required`);
        need((parameter.schema === undefined) !== (parameter.content === undefined), `${where}: schema or content`);
      }
      for (const name of templated) {
        need(
          parameters.some((p) => p.in === 'path' && p.name === name),
          `${where}: {${name}} is not declared`,
        );
      }
      if (op.requestBody !== undefined) {
        const body = deref(op.requestBody) as Json;
        checkContent(body.content, `${where} requestBody`);
      }
      need(isObject(op.responses) && Object.keys(op.responses).length > 0, `${where}: responses are required`);
      for (const [status, raw] of Object.entries((op.responses ?? {}) as Json)) {
        need(/^(default|[1-5](\d\d|XX))$/.test(status), `${where}: "${status}" is not a status`);
        const response = deref(raw) as Json;
        need(isObject(response), `${where} ${status}: response`);
        if (!isObject(response)) continue;
        onlyKeys(response, ALLOWED.response, `${where} ${status}`);
        need(typeof response.description === 'string', `${where} ${status}: description is required`);
        if (response.content !== undefined) checkContent(response.content, `${where} ${status}`);
        for (const [name, header] of Object.entries((response.headers ?? {}) as Json)) {
          need(isObject(deref(header)) && (deref(header) as Json).schema, `${where} ${status}: header ${name}`);
        }
      }
    }
  }
  return problems;
}

let handle: StoreHandle;
let collector: TestCollector;
let doc: Json;

beforeAll(async () => {
  handle = await openSqliteTestStore();
  collector = await startTestCollector(handle.store);
  const response = await fetch(`${collector.url}/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  doc = (await response.json()) as Json;
});

afterAll(async () => {
  await collector?.close();
  await handle?.cleanup();
});

/** The documented schema for an operation's answer with this status (a response `$ref` followed). */
function documented(route: string, status: number): Json {
  const [method, path] = route.split(' ') as [string, string];
  const op = ((doc.paths as Record<string, Json>)[path]?.[method.toLowerCase()] ?? {}) as Json;
  let response = (op.responses as Json | undefined)?.[String(status)] as Json | undefined;
  expect(response, `${route} documents ${status}`).toBeDefined();
  if (typeof response!.$ref === 'string') response = pointer(doc, response!.$ref) as Json;
  return (response!.content as Record<string, { schema: Json }>)['application/json']!.schema;
}

function requestSchema(route: string): Json {
  const [method, path] = route.split(' ') as [string, string];
  const op = (doc.paths as Record<string, Record<string, Json>>)[path]![method.toLowerCase()]!;
  return ((op.requestBody as Json).content as Record<string, { schema: Json }>)['application/json']!.schema;
}

/** Validates against a documented schema, resolving its `#/components/...` references in this document. */
const validators = new Map<string, ReturnType<typeof ajv.getValidator>>();
function matches(schema: Json, value: unknown) {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    // `components` rides along so `#/components/...` references resolve against this root.
    const root = { allOf: [schema], components: doc.components } as Parameters<typeof ajv.getValidator>[0];
    validate = ajv.getValidator(root);
    validators.set(key, validate);
  }
  return validate(value);
}

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', () => {
    expect(openApiProblems(doc)).toEqual([]);
    expect(doc.openapi).toMatch(/^3\.1\./);
  });

  it('the checker catches broken documents (so the check above can fail)', () => {
    const broken = structuredClone(doc) as Json & { paths: Record<string, Record<string, Json>>; info: Json };
    broken.openapi = '3.0.3';
    delete broken.info.version;
    broken.paths['/mcp']!.post!.responses = { 200: { content: {} }, 999: { description: 'x' } };
    broken.paths['/healthz']!.get!.security = [{ nope: [] }];
    (broken.paths[`${LEADS}/create`]!.post!.requestBody as Json).content = {
      'application/json': { schema: { $ref: '#/components/schemas/Missing' } },
    };
    ((broken.components as Json).schemas as Json).Lead = { type: 'strin' };
    const problems = openApiProblems(broken).join('\n');
    for (const expected of [
      'openapi must be 3.1.x',
      'info.version',
      'description is required',
      '"999" is not a status',
      'unknown security scheme nope',
      'Missing does not resolve',
      'components.schemas.Lead: not a valid JSON Schema',
    ]) {
      expect(problems).toContain(expected);
    }
  });

  it('lists every route the collector serves, with bearer security on the keyed ones', () => {
    const documentedRoutes = Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
      METHODS.filter((m) => m in item).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documentedRoutes.sort()).toEqual([...EXPECTED_ROUTES].sort());

    // And what the app really routes (fallbacks, preflights, middleware and the HTML dashboard aside) is documented.
    const app = createApp(appOptions({ store: handle.store, log: () => {} }));
    const served = app.routes
      .filter(
        (r) =>
          ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) &&
          !r.path.includes('*') &&
          !isDashboardPath(r.path),
      )
      .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}').replace(/(.)\/$/, '$1')}`);
    expect(new Set(served)).toEqual(new Set(EXPECTED_ROUTES));

    const schemes = (doc.components as { securitySchemes: Record<string, Json> }).securitySchemes;
    expect(schemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual([{ bearerAuth: [] }, { apiKeyHeader: [] }]);
    const paths = doc.paths as Record<string, Record<string, Json>>;
    for (const open of ['/healthz', '/leadtrail.js', '/openapi.json']) expect(paths[open]!.get!.security).toEqual([]);
  });

  it('request bodies come from the protocol: every seed parameter of an action, unknown fields refused', () => {
    const create = requestSchema(`POST ${LEADS}/create`);
    const createSchema = pointer(doc, create.$ref as string) as { properties: Json; required: string[] };
    expect(createSchema.required.sort()).toEqual(['email', 'name']);
    expect(Object.keys(createSchema.properties)).toEqual(
      expect.arrayContaining(['contact_info', 'pages_visited', 'key']),
    );
    expect(matches(create, { name: 'Jane', email: 'jane@example.com', contact_info: { a: 1 } }).valid).toBe(true);
    expect(matches(create, { name: 'Jane', email: 'jane@example.com', colour: 'blue' }).valid).toBe(false);
    expect(matches(create, { name: 'Jane', email: 'jane@example.com', lead_score: 101 }).valid).toBe(false);

    const qualify = requestSchema(`POST ${LEADS}/qualify`);
    expect(matches(qualify, { status: 'qualified', email: 'jane@example.com' }).valid).toBe(true);
    expect(matches(qualify, { status: 'qualified' }).valid).toBe(false);

    const leads = requestSchema(`POST ${LEADS}`);
    expect(matches(leads, { action: 'update', lead_id: crypto.randomUUID(), notes: null }).valid).toBe(true);
    expect(matches(leads, { action: 'remove' }).valid).toBe(false);
    expect(matches(leads, { action: 'qualify', status: 'lost' }).valid).toBe(false);
  });

  it('describes what the API really answers: real responses validate against the documented schemas', async () => {
    const check = (route: string, status: number, body: unknown) => {
      const result = matches(documented(route, status), body);
      expect(result.valid, `${route} ${status}: ${result.errorMessage}`).toBe(true);
    };
    const created = await collector.call('create', {
      name: 'Jane Smith',
      email: 'jane@example.com',
      contact_info: { linkedin: 'jane' },
      pages_visited: ['/pricing'],
    });
    expect(created.status).toBe(201);
    check(`POST ${LEADS}/create`, 201, created.body);
    const id = created.body.lead.id as string;

    check(`POST ${LEADS}/get`, 200, (await collector.call('get', { limit: 5 })).body);
    check(`POST ${LEADS}/get`, 200, (await collector.call('get', { lead_id: id })).body);
    check(`POST ${LEADS}/update`, 200, (await collector.call('update', { lead_id: id, notes: 'hi' })).body);
    const put = await collector.call('update', { lead_id: id, phone: '+1 555' }, { method: 'PUT' });
    check(`PUT ${LEADS}/update`, 200, put.body);
    check(`POST ${LEADS}/qualify`, 200, (await collector.call('qualify', { lead_id: id, status: 'qualified' })).body);
    const fresh = await collector.call('identify', { visitor_id: crypto.randomUUID(), email: 'new@example.com' });
    expect(fresh.status).toBe(201);
    check(`POST ${LEADS}/identify`, 201, fresh.body);
    const linked = await collector.call('identify', { visitor_id: crypto.randomUUID(), email: 'jane@example.com' });
    expect(linked.status).toBe(200);
    check(`POST ${LEADS}/identify`, 200, linked.body);
    check(`POST ${LEADS}`, 200, (await collector.call(LEADS, { action: 'list' })).body);
    const viaAction = await collector.call(LEADS, { action: 'create', name: 'A', email: 'a@example.com' });
    check(`POST ${LEADS}`, 201, viaAction.body);

    const invalid = await collector.call('create', { name: '', email: 'x' });
    expect(invalid.status).toBe(400);
    check(`POST ${LEADS}/create`, 400, invalid.body);
    const unauthorized = await collector.call('get', {}, { key: null });
    expect(unauthorized.status).toBe(401);
    check(`POST ${LEADS}/get`, 401, unauthorized.body);
    const missing = await collector.call('update', { lead_id: crypto.randomUUID(), notes: 'x' });
    check(`POST ${LEADS}/update`, 404, missing.body);
    const duplicate = await collector.call('create', { name: 'Jane', email: 'jane@example.com' });
    check(`POST ${LEADS}/create`, 409, duplicate.body);

    // A person's data: the export and the erasure, their lookups, and their refusals.
    const exported = await collector.call('export', { lead_id: id });
    expect(exported.status).toBe(200);
    check(`POST ${LEADS}/export`, 200, exported.body);
    const erased = await collector.call('erase', { email: 'jane@example.com' });
    expect(erased.status).toBe(200);
    check(`POST ${LEADS}/erase`, 200, erased.body);
    check(`POST ${LEADS}/erase`, 404, (await collector.call('erase', { lead_id: id })).body);
    const refused = await collector.call('erase', { lead_id: id }, { key: collector.site.publishableKey });
    expect(refused.status).toBe(403);
    check(`POST ${LEADS}/erase`, 403, refused.body);
    const lookup = requestSchema(`POST ${LEADS}/erase`);
    expect(matches(lookup, { lead_id: id }).valid).toBe(true);
    expect(matches(lookup, { email: 'a@example.com' }).valid).toBe(true);
    expect(matches(lookup, { lead_id: id, email: 'a@example.com' }).valid).toBe(false);
    expect(matches(lookup, {}).valid).toBe(false);
    expect(matches(lookup, { lead_id: id, colour: 'red' }).valid).toBe(false);
    expect(matches(documented(`POST ${LEADS}/export`, 200), erased.body).valid).toBe(false);

    const health = await (await fetch(`${collector.url}/healthz`)).json();
    check('GET /healthz', 200, health);
    // A lying document would fail: a list answer is not a create answer.
    expect(matches(documented(`POST ${LEADS}/create`, 201), (await collector.call('get', {})).body).valid).toBe(false);
  });
});
