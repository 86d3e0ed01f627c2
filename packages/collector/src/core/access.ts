/**
 * The access policy: what each kind of key may do, decided here and nowhere else. Every front door (REST, MCP, the
 * dashboard, the CLI) asks it, `runLeadsAction` applies it, and the OpenAPI document is generated from it.
 *
 * A secret key belongs to the site owner's servers: it reads and writes everything of its site. A publishable key is
 * public by design (it sits in every page's HTML), so anyone holding it is treated as a stranger: it may add a
 * submission to any lead of its site, and that is all. It reads nothing back (the answer is an acknowledgement of
 * what the caller sent, the same for an existing email and a new one), and its contact fields fill a lead's empty
 * fields rather than overwrite the owner's (see submissions.ts).
 */
import {
  ACTIONS,
  type Acknowledgement,
  BROWSER_BODY_LIMIT,
  BrowserCreateInput,
  BrowserIdentifyInput,
  createEntries,
  type ErrorIssue,
  identifyEntries,
  type LeadsAction,
  listEntries,
  qualifyEntries,
  updateEntries,
} from '@leadtrail/protocol';
import { DuplicateEmailError, type KeyKind } from '../store/lead-store.ts';
import type { ActionResult } from './context.ts';
import { LeadsError } from './errors.ts';

/** The ways into the collector. */
export type Door = 'rest' | 'mcp' | 'dashboard' | 'cli';
/** Request body types over HTTP: JSON, or JSON sent as text/plain (a browser sends that without a CORS preflight). */
export type ContentKind = 'json' | 'text';

export interface KeyPolicy {
  /** The front doors that take this kind of key. */
  doors: readonly Door[];
  /** The actions it may run, each with the fields it may send (`'all'`: every field of the action). */
  actions: Partial<Record<LeadsAction, readonly string[] | 'all'>>;
  /** Body types it may send over HTTP. */
  contentTypes: readonly ContentKind[];
  /** The largest body it may send, in bytes; null: the collector's configured limit. */
  bodyLimit: number | null;
  /**
   * Where its requests may come from. `site-origins`: a page of one of the site's allowed origins (the Origin header
   * is required; a non-browser client can forge it, which is why the key can do so little). `no-other-pages`: never
   * a web page of another origin (a secret key there would be readable by anyone viewing the page).
   */
  origin: 'site-origins' | 'no-other-pages';
  /** Where the key may travel: a header, or (for beacons, which cannot set headers) the body's `key` field. */
  keyIn: readonly ('header' | 'body')[];
  /**
   * How its requests are rate-limited: per client address and per site (a public key: the address is checked before
   * the key is even looked up), or per key.
   */
  rateLimits: 'address-and-site' | 'key';
  /** What it gets back: the action's whole answer, or an acknowledgement of what it sent. */
  answer: 'full' | 'acknowledgement';
  /** How its contact fields reach a lead: written as given, or filling only empty fields (and its own earlier ones). */
  writes: 'overwrite' | 'fill-empty';
  /** Whether it may export a person's data or erase it (privacy requests, erasure.ts): it reads and deletes all. */
  personData: boolean;
}

const ACTION_ENTRIES: Record<LeadsAction, Record<string, unknown>> = {
  create: createEntries,
  list: listEntries,
  update: updateEntries,
  qualify: qualifyEntries,
  identify: identifyEntries,
};

const fieldsOf = (schema: { entries: Record<string, unknown> }) => Object.keys(schema.entries);

export const ACCESS: Record<KeyKind, KeyPolicy> = {
  secret: {
    doors: ['rest', 'mcp', 'dashboard', 'cli'],
    actions: Object.fromEntries(ACTIONS.map((action) => [action, 'all'])),
    contentTypes: ['json'],
    bodyLimit: null,
    origin: 'no-other-pages',
    keyIn: ['header'],
    rateLimits: 'key',
    answer: 'full',
    writes: 'overwrite',
    personData: true,
  },
  publishable: {
    doors: ['rest'],
    actions: { identify: fieldsOf(BrowserIdentifyInput), create: fieldsOf(BrowserCreateInput) },
    contentTypes: ['json', 'text'],
    bodyLimit: BROWSER_BODY_LIMIT,
    origin: 'site-origins',
    keyIn: ['header', 'body'],
    rateLimits: 'address-and-site',
    answer: 'acknowledgement',
    writes: 'fill-empty',
    personData: false,
  },
};

export const KEY_KINDS = Object.keys(ACCESS) as KeyKind[];

/** The status of every acknowledgement: accepted, with nothing to read. */
export const ACKNOWLEDGED = 202;

const DOOR_REFUSALS: Record<Door, string> = {
  rest: 'This key cannot be used with the REST API',
  mcp: 'MCP needs a secret key (lt_sk_...); publishable keys are only for browsers',
  dashboard: 'The dashboard opens only with a secret key or the owner password',
  cli: 'This command needs a secret key (lt_sk_...); publishable keys are only for browsers',
};

export const mayUseDoor = (kind: KeyKind, door: Door) => ACCESS[kind].doors.includes(door);

export function assertDoor(kind: KeyKind, door: Door) {
  if (!mayUseDoor(kind, door)) throw new LeadsError('forbidden', DOOR_REFUSALS[door]);
}

/** Refuses a key that may not export or erase a person's data (403 `forbidden`), before anything is read. */
export function assertPersonData(kind: KeyKind) {
  if (!ACCESS[kind].personData) {
    throw new LeadsError('forbidden', "Exporting or erasing a person's data needs a secret key (lt_sk_...)");
  }
}

/** Whether any kind of key may send this body type to this action (unknown action: to any action). */
export function contentAccepted(content: ContentKind, action?: LeadsAction): boolean {
  return KEY_KINDS.some(
    (kind) => ACCESS[kind].contentTypes.includes(content) && (!action || ACCESS[kind].actions[action] !== undefined),
  );
}

const MEDIA_TYPES: Record<ContentKind, string> = { json: 'application/json', text: 'text/plain' };

/** The 415 for a body type no key may send to this action, saying what is accepted. */
export function unsupportedContent(content: ContentKind | null, action?: LeadsAction): LeadsError {
  if (content) {
    const kinds = KEY_KINDS.filter((kind) => ACCESS[kind].contentTypes.includes(content));
    const where = kinds.map((kind) => `${kind} keys on ${Object.keys(ACCESS[kind].actions).join(' and ')}`);
    if (kinds.length && action) {
      return new LeadsError(
        'unsupported_media_type',
        `${MEDIA_TYPES[content]} is accepted only from ${where.join('; ')}; send Content-Type: application/json`,
      );
    }
  }
  return new LeadsError('unsupported_media_type', 'Send Content-Type: application/json');
}

/** The most a body of this type may hold for any kind of key: what a front door reads before it knows the key. */
export function readLimit(content: ContentKind, serverLimit: number): number {
  const limits = KEY_KINDS.filter((kind) => ACCESS[kind].contentTypes.includes(content)).map(
    (kind) => ACCESS[kind].bodyLimit ?? serverLimit,
  );
  return Math.max(0, ...limits);
}

/** What a front door knows of an HTTP request once the key is known. */
export interface HttpRequestFacts {
  content: ContentKind;
  bytes: number;
  /** The Origin header, if any. */
  origin: string | undefined;
  /** Sec-Fetch-Site, if any (set by browsers; no script can forge it). */
  fetchSite: string | undefined;
  /** The collector's own origin as the request reached it. */
  selfOrigin: string;
  /** The site's allowed origins. */
  allowedOrigins: readonly string[];
  serverLimit: number;
}

/** Refuses a request whose body type, size or origin this kind of key may not use. */
export function checkHttpRequest(kind: KeyKind, facts: HttpRequestFacts) {
  const policy = ACCESS[kind];
  if (policy.origin === 'no-other-pages') {
    const { origin, fetchSite } = facts;
    if ((origin && origin !== facts.selfOrigin) || fetchSite === 'cross-site' || fetchSite === 'same-site') {
      throw new LeadsError('forbidden', 'Secret keys are not accepted from browsers; use a publishable key');
    }
  } else if (!facts.origin || !facts.allowedOrigins.includes(facts.origin)) {
    throw new LeadsError('origin_not_allowed', 'This origin is not allowed for the site of this key');
  }
  if (!policy.contentTypes.includes(facts.content)) {
    throw new LeadsError('unsupported_media_type', 'Send Content-Type: application/json');
  }
  const limit = policy.bodyLimit ?? facts.serverLimit;
  if (facts.bytes > limit) {
    throw new LeadsError('payload_too_large', `A request body with this key must be at most ${limit / 1024} KB`);
  }
}

/** Refuses an action this kind of key may not run, or fields it may not send (403, naming each one). */
export function checkAction(kind: KeyKind, action: LeadsAction, input: Record<string, unknown>) {
  const allowed = ACCESS[kind].actions[action];
  if (allowed === undefined) {
    const names = Object.keys(ACCESS[kind].actions).join(' and ');
    throw new LeadsError('forbidden', `A ${kind} key can only run ${names}`);
  }
  if (allowed === 'all') return;
  const known = Object.keys(ACTION_ENTRIES[action]);
  // Fields of the action this key may not send are refused by name; fields of no action fail validation (400).
  const refused: ErrorIssue[] = Object.keys(input)
    .filter((field) => known.includes(field) && !allowed.includes(field))
    .map((path) => ({ path, message: `cannot be sent with a ${kind} key` }));
  if (refused.length) {
    throw new LeadsError('forbidden', `A ${kind} key cannot send ${refused.map((i) => i.path).join(', ')}`, {
      issues: refused,
    });
  }
}

/** The answer this kind of key gets: the action's own, or an acknowledgement of what the caller sent. */
export function answerFor(kind: KeyKind, result: ActionResult, input: { visitor_id?: string; event_id?: string }) {
  if (ACCESS[kind].answer === 'full') return result;
  const body: Acknowledgement = { success: true };
  if (input.visitor_id) body.visitor_id = input.visitor_id;
  if (input.event_id) body.event_id = input.event_id;
  return { status: ACKNOWLEDGED, body } as ActionResult;
}

/**
 * An error as this kind of key may see it. Nothing on a browser's path names a lead, but should anything ever
 * (a conflict carries the existing lead's id), the id is dropped here rather than shown to a public key.
 */
export function errorFor(kind: KeyKind, error: unknown): unknown {
  if (ACCESS[kind].answer === 'full') return error;
  if (error instanceof DuplicateEmailError) return new LeadsError('duplicate_lead', 'Conflict; retry the request');
  if (error instanceof LeadsError && (error.extra.lead_id || error.extra.lead_ids)) {
    const { lead_id: _, lead_ids: __, ...extra } = error.extra;
    return new LeadsError(error.code, error.message, extra);
  }
  return error;
}
