/**
 * The OpenAPI 3.1 document of the collector's HTTP API, generated from the protocol's valibot schemas (request
 * bodies from the per-action entries and `LeadsInput`, responses from `records.ts` and `ErrorBody`) and from the
 * core's access policy (which routes take browser bodies, what a publishable key may send and gets back, the body
 * limits; the policy itself is `x-access-policy`). Only what neither describes (health, the script, the MCP
 * envelope) is written here by hand.
 */
import {
  Acknowledgement,
  BROWSER_KEY_FIELD,
  BrowserCreateInput,
  BrowserIdentifyInput,
  CreateResponse,
  createEntries,
  ErrorBody,
  ErrorIssue,
  GetOneResponse,
  IdentifyResponse,
  identifyEntries,
  LEADS_API_PATH,
  Lead,
  LeadEvent,
  LeadsInput,
  ListResponse,
  listEntries,
  Pagination,
  QualifyResponse,
  qualifyEntries,
  ROUTE_ACTIONS,
  StoredPage,
  Submission,
  updateEntries,
  Visitor,
} from '@leadtrail/protocol';
import { type JsonSchema, toJsonSchemaDefs } from '@valibot/to-json-schema';
import * as v from 'valibot';
import { ACCESS, ACKNOWLEDGED, KEY_KINDS } from '../core/access.ts';
import { EraseResponse, ExportResponse, PersonExport, PersonLookup } from '../core/erasure.ts';
import { SERVER_VERSION } from '../version.ts';

export const LEADS_PATH = LEADS_API_PATH;

type Json = Record<string, unknown>;

const keyField = v.optional(
  v.pipe(
    v.string(),
    v.description(
      `A publishable key (lt_pk_...), for pages: a beacon cannot set headers. Taken out of the body before the ` +
        'action runs. A secret key is refused here.',
    ),
  ),
);

/** A sub-route's body: the action's input, where `action` may repeat the route's action (anything else is a 400). */
function routeBody(action: string, entries: v.ObjectEntries, browser: boolean): v.GenericSchema {
  const key: v.ObjectEntries = browser ? { [BROWSER_KEY_FIELD]: keyField } : {};
  return v.strictObject({
    action: v.optional(v.pipe(v.literal(action), v.description("May repeat the route's action, or be left out"))),
    ...key,
    ...entries,
  });
}

const browserKinds = KEY_KINDS.filter((kind) => ACCESS[kind].answer === 'acknowledgement');
/** Actions a browser (a key whose answers are acknowledgements) may run: their routes take text/plain too. */
const BROWSER_ACTIONS = new Set(browserKinds.flatMap((kind) => Object.keys(ACCESS[kind].actions)));
const kb = (bytes: number) => `${bytes / 1024} KB`;

/** Every named schema. Nested schemas that are one of these (a Lead in a response, say) become `$ref`s. */
const DEFINITIONS = {
  StoredPage,
  Lead,
  Visitor,
  LeadEvent,
  Pagination,
  Submission,
  CreateRequest: routeBody('create', createEntries, BROWSER_ACTIONS.has('create')),
  ListRequest: routeBody('list', listEntries, BROWSER_ACTIONS.has('list')),
  UpdateRequest: routeBody('update', updateEntries, BROWSER_ACTIONS.has('update')),
  QualifyRequest: routeBody('qualify', qualifyEntries, BROWSER_ACTIONS.has('qualify')),
  IdentifyRequest: routeBody('identify', identifyEntries, BROWSER_ACTIONS.has('identify')),
  BrowserCreateRequest: routeBody('create', BrowserCreateInput.entries, true),
  BrowserIdentifyRequest: routeBody('identify', BrowserIdentifyInput.entries, true),
  Acknowledgement,
  LeadsInput,
  CreateResponse,
  ListResponse,
  GetOneResponse,
  QualifyResponse,
  IdentifyResponse,
  ErrorIssue,
  ErrorBody,
  PersonRequest: PersonLookup,
  PersonExport,
  ExportResponse,
  EraseResponse,
};

const LOOKUP = {
  anyOf: [{ required: ['lead_id'] }, { required: ['email'] }, { required: ['phone'] }],
  description: 'qualify finds the lead by lead_id, else email, else phone: one of them is required.',
};

const PERSON_LOOKUP = {
  oneOf: [{ required: ['lead_id'] }, { required: ['email'] }],
  description: "The person's lead, by lead_id or by email: one of them, not both.",
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const responseRef = (name: string) => ({ $ref: `#/components/responses/${name}` });
const json = (schema: Json) => ({ 'application/json': { schema } });

function componentSchemas(): Record<string, Json> {
  const schemas = toJsonSchemaDefs(DEFINITIONS, {
    target: 'draft-2020-12',
    errorMode: 'ignore',
    overrideRef: ({ referenceId }) => `#/components/schemas/${referenceId}`,
  }) as Record<keyof typeof DEFINITIONS, JsonSchema & Json>;
  // qualify's lookup is a valibot check, which JSON Schema conversion cannot see; say it here.
  Object.assign(schemas.QualifyRequest, LOOKUP);
  Object.assign(schemas.PersonRequest, PERSON_LOOKUP);
  const variants = (schemas.LeadsInput.oneOf ?? schemas.LeadsInput.anyOf ?? []) as Json[];
  const qualify = variants.find((variant) => {
    const action = (variant.properties as Record<string, Json> | undefined)?.action;
    return action?.const === 'qualify' || (action?.enum as unknown[] | undefined)?.[0] === 'qualify';
  });
  if (qualify) Object.assign(qualify, LOOKUP);
  return {
    ...schemas,
    // The protocol's UpdateResponse is CreateResponse (`{success, lead}`).
    UpdateResponse: ref('CreateResponse'),
    Health: {
      type: 'object',
      properties: { ok: { const: true }, store: { enum: ['sqlite', 'postgres'] } },
      required: ['ok', 'store'],
    },
    Readiness: {
      type: 'object',
      properties: {
        ready: { type: 'boolean' },
        store: { enum: ['sqlite', 'postgres'] },
        schema: { type: ['string', 'null'], description: 'The newest migration the database has run' },
        pending: {
          type: 'array',
          items: { type: 'string' },
          description: 'Migrations this collector knows and the database has not run',
        },
        reason: { type: 'string' },
      },
      required: ['ready', 'store'],
    },
    JsonRpcMessage: {
      description:
        'A JSON-RPC 2.0 message of the Model Context Protocol (request, notification or response), or a batch',
      anyOf: [
        {
          type: 'object',
          properties: {
            jsonrpc: { const: '2.0' },
            id: { type: ['string', 'integer'] },
            method: { type: 'string' },
            params: { type: 'object' },
          },
          required: ['jsonrpc'],
        },
        { type: 'array', items: { type: 'object' } },
      ],
    },
    JsonRpcError: {
      type: 'object',
      properties: {
        jsonrpc: { const: '2.0' },
        id: { type: ['string', 'integer', 'null'] },
        error: {
          type: 'object',
          properties: { code: { type: 'integer' }, message: { type: 'string' } },
          required: ['code', 'message'],
        },
      },
      required: ['jsonrpc', 'error'],
    },
  };
}

const errorResponse = (description: string, headers?: Json) => ({
  description,
  ...(headers ? { headers } : {}),
  content: json(ref('ErrorBody')),
});

const RESPONSES = {
  BadRequest: errorResponse(
    '`invalid_input` (with `issues` naming each offending field, unknown fields included) or `invalid_json`',
  ),
  Unauthorized: errorResponse('`unauthorized` (no key) or `invalid_api_key`', {
    'WWW-Authenticate': { description: 'Bearer realm="leadtrail"', schema: { type: 'string' } },
  }),
  Forbidden: errorResponse(
    `\`forbidden\` (a publishable key beyond ${[...BROWSER_ACTIONS].join('/')}, or sending a field a browser may ` +
      "not send; `issues` names each), `site_mismatch` (site_id is not the key's site) or `origin_not_allowed`",
  ),
  NotFound: errorResponse('`not_found`: no such lead on this site (a lead of another site answers the same)'),
  Conflict: errorResponse(
    '`duplicate_lead` (the email already has a lead on the site; `lead_id` names it) or `ambiguous_lead` ' +
      '(several leads share the phone; `lead_ids` lists them)',
  ),
  PayloadTooLarge: errorResponse(
    `\`payload_too_large\`: ${KEY_KINDS.map((k) => `${kb(ACCESS[k].bodyLimit ?? 256 * 1024)} with a ${k} key`).join(', ')} ` +
      '(the server limit is set with the collector; bodies up to 16 MB are read to the end, so the client gets ' +
      'this answer, then the connection is closed)',
  ),
  UnsupportedMediaType: errorResponse(
    `\`unsupported_media_type\`: send application/json (text/plain from browsers, on ${[...BROWSER_ACTIONS].join(', ')})`,
  ),
  TooManyRequests: errorResponse('`rate_limited` (publishable keys: per address and per site)', {
    'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } },
  }),
  Internal: errorResponse('`internal`: never a stack trace'),
};

type ErrorName = keyof typeof RESPONSES;

interface ActionDoc {
  summary: string;
  description: string;
  body: string;
  ok: Record<string, { description: string; schema: Json }>;
  errors: ErrorName[];
}

const COMMON_ERRORS: ErrorName[] = [
  'BadRequest',
  'Unauthorized',
  'Forbidden',
  'PayloadTooLarge',
  'UnsupportedMediaType',
];

const ACTION_DOCS: Record<keyof typeof ROUTE_ACTIONS, ActionDoc> = {
  create: {
    summary: 'Create a lead',
    description:
      'Needs name and a valid email. With a secret key, an email that already has a lead on the site is a 409 ' +
      'naming it. With a publishable key (pages), it is a submission to that lead instead (empty fields filled, ' +
      'kept for the owner), and the answer is the same 202 acknowledgement as for a new lead.',
    body: 'CreateRequest',
    ok: { 201: { description: 'The new lead', schema: ref('CreateResponse') } },
    errors: [...COMMON_ERRORS, 'Conflict', 'TooManyRequests', 'Internal'],
  },
  get: {
    summary: 'List leads (the list action), or get one by lead_id',
    description:
      'Filters status, origin, segment_id, campaign_id, assignee_id, user_id and search (case-insensitive ' +
      'substring of name, email, notes and company); sort_by, sort_order (default desc), limit 1..500 (default 50), offset. ' +
      'With lead_id: that lead, its visitors and its status history, and `pagination: null`.',
    body: 'ListRequest',
    ok: {
      200: {
        description: 'A page of leads, or one lead',
        schema: { anyOf: [ref('ListResponse'), ref('GetOneResponse')] },
      },
    },
    errors: [...COMMON_ERRORS, 'NotFound', 'Internal'],
  },
  update: {
    summary: 'Update a lead',
    description: 'Needs lead_id; sets only the fields given; null clears a nullable field.',
    body: 'UpdateRequest',
    ok: { 200: { description: 'The updated lead', schema: ref('UpdateResponse') } },
    errors: [...COMMON_ERRORS, 'NotFound', 'Conflict', 'Internal'],
  },
  qualify: {
    summary: "Change a lead's status",
    description:
      'Needs status; finds the lead by lead_id, else email, else phone; records the change in the history. ' +
      'The same status again answers `status_changed: false`.',
    body: 'QualifyRequest',
    ok: { 200: { description: 'The lead and whether its status changed', schema: ref('QualifyResponse') } },
    errors: [...COMMON_ERRORS, 'NotFound', 'Conflict', 'Internal'],
  },
  identify: {
    summary: 'Identify a visitor',
    description:
      "Needs visitor_id. Stores the visitor's behaviour (cumulative, so a replay is idempotent), then updates " +
      "the linked lead (lead_id, or the visitor's), links the lead that has the email, creates one from the " +
      'email, or stores only the visitor (`lead: null`). Publishable keys may call it from allowed origins, ' +
      'with text/plain JSON and the key in the body: their contact fields fill empty fields (and their own ' +
      "earlier ones) and never overwrite the owner's, every submission is kept on the lead, and the answer is a " +
      '202 acknowledgement that holds nothing stored.',
    body: 'IdentifyRequest',
    ok: {
      200: { description: 'Linked or updated', schema: ref('IdentifyResponse') },
      201: { description: 'A lead was created', schema: ref('IdentifyResponse') },
    },
    errors: [...COMMON_ERRORS, 'NotFound', 'Conflict', 'TooManyRequests', 'Internal'],
  },
};

const BROWSER_BODIES: Record<string, string> = { create: 'BrowserCreateRequest', identify: 'BrowserIdentifyRequest' };
const browserBody = (action: string) => ref(BROWSER_BODIES[action] ?? 'LeadsInput');

/** The acknowledgement every browser (publishable-key) call of this operation gets, new or existing email alike. */
const ACKNOWLEDGEMENT = {
  description:
    'A publishable key: accepted. The same answer whatever is stored (no lead, no id, no field), so an existing ' +
    'email and a new one look alike',
  schema: ref('Acknowledgement'),
};

function leadsOperation(
  operationId: string,
  doc: ActionDoc,
  browserActions: string[],
  bodySchema: Json = ref(doc.body),
) {
  const content: Json = json(bodySchema);
  if (browserActions.length) {
    const schemas = browserActions.map(browserBody);
    content['text/plain'] = { schema: schemas.length === 1 ? schemas[0] : { anyOf: schemas } };
  }
  const ok = browserActions.length ? { ...doc.ok, [ACKNOWLEDGED]: ACKNOWLEDGEMENT } : doc.ok;
  return {
    operationId,
    tags: ['leads'],
    summary: doc.summary,
    description: doc.description,
    requestBody: { required: true, content },
    responses: {
      ...Object.fromEntries(
        Object.entries(ok).map(([status, ok]) => [status, { description: ok.description, content: json(ok.schema) }]),
      ),
      ...Object.fromEntries(doc.errors.map((name) => [STATUS_OF[name], responseRef(name)])),
    },
  };
}

const STATUS_OF: Record<ErrorName, string> = {
  BadRequest: '400',
  Unauthorized: '401',
  Forbidden: '403',
  NotFound: '404',
  Conflict: '409',
  PayloadTooLarge: '413',
  UnsupportedMediaType: '415',
  TooManyRequests: '429',
  Internal: '500',
};

function leadsPaths(): Record<string, Json> {
  const paths: Record<string, Json> = {};
  for (const sub of Object.keys(ROUTE_ACTIONS) as (keyof typeof ROUTE_ACTIONS)[]) {
    const doc = ACTION_DOCS[sub];
    const action = ROUTE_ACTIONS[sub];
    const browser = BROWSER_ACTIONS.has(action) ? [action] : [];
    paths[`${LEADS_PATH}/${sub}`] = { post: leadsOperation(`leads_${sub}`, doc, browser) };
  }
  const update = paths[`${LEADS_PATH}/update`] as Json;
  update.put = {
    ...leadsOperation('leads_update_put', ACTION_DOCS.update, BROWSER_ACTIONS.has('update') ? ['update'] : []),
    summary: 'Update a lead (PUT alias)',
  };
  paths[LEADS_PATH] = {
    post: leadsOperation(
      'leads',
      {
        summary: 'Run any action, named by `action`',
        description:
          'The shape of the MCP tool: `action` is one of create, list, update, qualify, identify, and the other ' +
          "fields are that action's input, answered exactly as on its sub-route.",
        body: 'LeadsInput',
        ok: {
          200: {
            description: 'list, update, qualify, or identify that linked or updated',
            schema: {
              anyOf: [
                ref('ListResponse'),
                ref('GetOneResponse'),
                ref('UpdateResponse'),
                ref('QualifyResponse'),
                ref('IdentifyResponse'),
              ],
            },
          },
          201: {
            description: 'create, or identify that created a lead',
            schema: { anyOf: [ref('CreateResponse'), ref('IdentifyResponse')] },
          },
        },
        errors: [...COMMON_ERRORS, 'NotFound', 'Conflict', 'TooManyRequests', 'Internal'],
      },
      [...BROWSER_ACTIONS],
    ),
  };
  return paths;
}

/** A person's data (privacy requests): export and erasure, secret keys only (core/erasure.ts). */
function privacyPaths(): Record<string, Json> {
  const operation = (operationId: string, summary: string, description: string, ok: Json) => ({
    operationId,
    tags: ['privacy'],
    summary,
    description,
    requestBody: { required: true, content: json(ref('PersonRequest')) },
    responses: {
      200: ok,
      400: responseRef('BadRequest'),
      401: responseRef('Unauthorized'),
      403: errorResponse(
        "`forbidden`: not a secret key (a publishable key never reads or deletes a person's data); `site_mismatch`",
      ),
      404: errorResponse('`not_found`: no such lead on this site (a lead of another site answers the same)'),
      413: responseRef('PayloadTooLarge'),
      415: responseRef('UnsupportedMediaType'),
      429: responseRef('TooManyRequests'),
      500: responseRef('Internal'),
    },
  });
  return {
    [`${LEADS_PATH}/export`]: {
      post: operation(
        'leads_export',
        "Export a person's data",
        'Everything the collector holds about one lead, found by lead_id or email: the lead as the API answers it, ' +
          'its devices (visitors), every page view, every form submission as sent, its history and its touches.',
        { description: 'The export', content: json(ref('ExportResponse')) },
      ),
    },
    [`${LEADS_PATH}/erase`]: {
      post: operation(
        'leads_erase',
        'Erase a person',
        'Deletes one lead, found by lead_id or email, with everything about it, in one transaction: its devices ' +
          'and their pages, submissions, history, touches, search-index entries and notification events (unsent ' +
          'deliveries included). The receipts of its events keep their keys with an answer that holds nothing of ' +
          'the person, so a browser retrying one of those submissions (the same event_id) brings nothing back; a ' +
          'submission with a new event_id is new and may create a new lead. A second erasure answers 404.',
        { description: 'Erased: the counts of what was deleted', content: json(ref('EraseResponse')) },
      ),
    },
  };
}

function otherPaths(): Record<string, Json> {
  const jsonRpcError = (description: string) => ({ description, content: json(ref('JsonRpcError')) });
  return {
    '/mcp': {
      post: {
        operationId: 'mcp',
        tags: ['mcp'],
        summary: 'MCP over stateless Streamable HTTP (the `leads` tool)',
        description:
          'The Model Context Protocol: one tool, `leads`, whose calls run the same actions as the REST routes. ' +
          'Stateless: no session, JSON responses; GET and DELETE answer 405. Needs a secret key; a request ' +
          "carrying an Origin header other than the collector's own is refused (DNS rebinding). Send " +
          '`Accept: application/json, text/event-stream`.',
        security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
        requestBody: { required: true, content: json(ref('JsonRpcMessage')) },
        responses: {
          200: { description: 'The JSON-RPC response(s)', content: json(ref('JsonRpcMessage')) },
          202: { description: 'A notification or response was accepted; no body' },
          400: jsonRpcError('The body is not a valid JSON-RPC message'),
          401: responseRef('Unauthorized'),
          403: errorResponse('`forbidden` (a publishable key) or `origin_not_allowed` (another origin)'),
          406: jsonRpcError('The Accept header must allow application/json and text/event-stream'),
          413: jsonRpcError('The body is too large'),
          415: jsonRpcError('Content-Type must be application/json'),
          500: responseRef('Internal'),
        },
      },
    },
    '/healthz': {
      get: {
        operationId: 'health',
        tags: ['collector'],
        summary: 'Health: the store answers',
        security: [],
        responses: {
          200: { description: 'Up', content: json(ref('Health')) },
          500: responseRef('Internal'),
        },
      },
    },
    '/readyz': {
      get: {
        operationId: 'readiness',
        tags: ['collector'],
        summary: 'Readiness: the store answers and its schema is this collector’s',
        description:
          'For load balancers and orchestrators: 503 while the store is unreachable or its schema is not up to date.',
        security: [],
        responses: {
          200: { description: 'Ready', content: json(ref('Readiness')) },
          503: { description: 'Not ready: `reason` says why', content: json(ref('Readiness')) },
        },
      },
    },
    '/leadtrail.js': {
      get: {
        operationId: 'tracker_script',
        tags: ['collector'],
        summary: 'The tracker script to embed in pages',
        description: 'Cached with an ETag; `?v=<etag>` URLs are immutable for a year.',
        security: [],
        parameters: [
          {
            name: 'v',
            in: 'query',
            required: false,
            description: 'The ETag, for an immutable URL',
            schema: { type: 'string' },
          },
        ],
        responses: {
          200: { description: 'The script', content: { 'text/javascript': { schema: { type: 'string' } } } },
          304: { description: 'Not modified (If-None-Match)' },
          404: errorResponse('`not_found`: the tracker has not been built'),
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'openapi',
        tags: ['collector'],
        summary: 'This document',
        security: [],
        responses: { 200: { description: 'OpenAPI 3.1', content: json({ type: 'object' }) } },
      },
    },
  };
}

/** The whole document; pure, so it can be built once and served as it is. */
export function buildOpenApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'leadtrail collector',
      version: SERVER_VERSION,
      summary: 'Leads from your own site: the Makinari-compatible leads tool over REST and MCP.',
      description:
        'Every leads route answers JSON; every error is `{success:false, error:{code, message, issues?}}`. ' +
        'Server code authenticates with a secret key (`Authorization: Bearer lt_sk_...` or `x-api-key`); the key ' +
        'decides the site, so `site_id` may be left out (a different one is a 403). Pages use a publishable key ' +
        `(lt_pk_...) in the body field \`${BROWSER_KEY_FIELD}\`, for ${[...BROWSER_ACTIONS].join(' and ')} only, ` +
        "from the site's allowed origins: it writes and never reads (`x-access-policy` lists what each kind of " +
        'key may do).',
    },
    'x-access-policy': ACCESS,
    tags: [
      { name: 'leads', description: 'The leads tool: create, list (get), update, qualify, identify' },
      { name: 'privacy', description: "A person's data: a copy of it (export), its erasure" },
      { name: 'mcp', description: 'The same tool for AI agents, over the Model Context Protocol' },
      { name: 'collector', description: 'Health, the tracker script, this document' },
    ],
    security: [{ bearerAuth: [] }, { apiKeyHeader: [] }],
    paths: { ...leadsPaths(), ...privacyPaths(), ...otherPaths() },
    components: {
      schemas: componentSchemas(),
      responses: RESPONSES,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'A secret key, lt_sk_... (create one with `leadtrail keys create --site ID`)',
        },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'The same secret key' },
      },
    },
  };
}
