/**
 * The one storage interface. The core runs every action through it; SQLite and PostgreSQL implement it
 * (one Kysely codebase, two dialects) and pass the same conformance suite.
 */
import type { Lead, LeadEvent, LeadStatus, SortColumn, Submission, Visitor } from '@leadtrail/protocol';
import type { Behaviour } from '../core/behaviour.ts';

export type LeadFields = Omit<Lead, 'id' | 'site_id' | 'created_at' | 'updated_at'>;

/** Which fields a browser wrote last: field name -> the visitor id that wrote it (null: a browser without one). */
export type BrowserFields = Record<string, string | null>;

/**
 * A lead as stored: the public record plus the behaviour given directly through create/update, and which of its
 * fields a browser filled (any other field's value was set by the owner or a secret-key caller).
 */
export interface StoredLead extends Lead {
  own_behaviour: Behaviour | null;
  browser_fields: BrowserFields | null;
}

/** The public record: the stored lead without storage-only fields. */
export function publicLead(lead: StoredLead): Lead {
  const { own_behaviour: _, browser_fields: __, ...rest } = lead;
  return rest;
}

export interface NewLead extends LeadFields {
  id: string;
  site_id: string;
  own_behaviour: Behaviour | null;
  browser_fields?: BrowserFields | null;
  created_at: string;
}

export type LeadPatch = Partial<LeadFields> & {
  own_behaviour?: Behaviour | null;
  browser_fields?: BrowserFields | null;
  updated_at: string;
};

/** What leads are read: list's filters, and (for aggregates) a creation period. */
export interface LeadFilter {
  status?: Lead['status'];
  origin?: string;
  segment_id?: string;
  campaign_id?: string;
  assignee_id?: string;
  user_id?: string;
  search?: string;
  /** Created at or after this instant (ISO 8601). */
  created_from?: string;
  /** Created before this instant (ISO 8601). */
  created_before?: string;
}

export interface LeadQuery extends LeadFilter {
  sort_by: SortColumn;
  sort_order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export interface NewVisitor extends Behaviour {
  id: string;
  site_id: string;
  lead_id: string | null;
  first_seen: string;
  last_seen: string;
}

export type VisitorPatch = Partial<Behaviour> & { lead_id?: string | null; last_seen: string };

export interface NewLeadEvent extends LeadEvent {
  site_id: string;
  lead_id: string;
}

export interface NewSubmission extends Submission {
  site_id: string;
  lead_id: string;
}

export interface Receipt {
  status: number;
  body: unknown;
}

export interface Site {
  id: string;
  name: string;
  owner_user_id: string;
  allowed_origins: string[];
  created_at: string;
}

export type KeyKind = 'secret' | 'publishable';

export interface ApiKey {
  id: string;
  site_id: string;
  kind: KeyKind;
  prefix: string;
  created_at: string;
  revoked_at: string | null;
}

/** Reads and writes of one unit of work; inside `transaction` they commit or roll back together. */
export interface LeadOps {
  getLead(siteId: string, id: string, opts?: { lock?: boolean }): Promise<StoredLead | null>;
  findLeadByEmail(siteId: string, email: string, opts?: { lock?: boolean }): Promise<StoredLead | null>;
  findLeadsByPhone(siteId: string, phone: string): Promise<StoredLead[]>;
  /** Inserts, or returns null when the site already has a lead with this email (no error, no abort). */
  insertLead(lead: NewLead): Promise<StoredLead | null>;
  /** Throws DuplicateEmailError when the new email belongs to another lead of the site. */
  updateLead(siteId: string, id: string, patch: LeadPatch): Promise<StoredLead>;
  listLeads(siteId: string, query: LeadQuery): Promise<{ leads: Lead[]; total: number }>;
  /** How many leads match, per status (one GROUP BY). */
  countLeadsByStatus(siteId: string, filter: LeadFilter): Promise<{ status: LeadStatus; count: number }[]>;
  /** How many leads match, per UTC day of creation (YYYY-MM-DD) and status (one GROUP BY). */
  countLeadsByDay(siteId: string, filter: LeadFilter): Promise<{ day: string; status: LeadStatus; count: number }[]>;

  getVisitor(siteId: string, id: string, opts?: { lock?: boolean }): Promise<Visitor | null>;
  /** Inserts, or returns null when the visitor already exists. */
  insertVisitor(visitor: NewVisitor): Promise<Visitor | null>;
  updateVisitor(siteId: string, id: string, patch: VisitorPatch): Promise<Visitor>;
  listLeadVisitors(siteId: string, leadId: string): Promise<Visitor[]>;

  /** Adds events to leads' histories, in order (several in one statement). */
  addEvent(...events: NewLeadEvent[]): Promise<void>;
  listEvents(siteId: string, leadId: string): Promise<LeadEvent[]>;

  addSubmission(submission: NewSubmission): Promise<void>;
  /** The lead's browser submissions, newest first. */
  listSubmissions(siteId: string, leadId: string, limit: number): Promise<Submission[]>;

  getReceipt(siteId: string, eventId: string): Promise<Receipt | null>;
  /** Records that an event was applied; false when it already was (a concurrent replay). */
  putReceipt(siteId: string, eventId: string, receipt: Receipt, at: string): Promise<boolean>;
}

export interface SiteOps {
  createSite(site: Site): Promise<Site>;
  getSite(id: string): Promise<Site | null>;
  listSites(): Promise<Site[]>;
  setSiteOrigins(siteId: string, origins: string[]): Promise<void>;
  /** Whether any site allows this origin (answers CORS preflights, which carry no key). */
  isOriginAllowedAnywhere(origin: string): Promise<boolean>;
  createApiKey(key: ApiKey & { hash: string }): Promise<ApiKey>;
  /** The live (not revoked) key with this hash, with its site. */
  findApiKeyByHash(hash: string): Promise<{ key: ApiKey; hash: string; site: Site } | null>;
  listApiKeys(siteId: string): Promise<ApiKey[]>;
  revokeApiKey(id: string, at: string): Promise<boolean>;
  /** The setting's value, storing `value` first if it has none: concurrent callers all get the one stored. */
  putSettingIfAbsent(key: string, value: string): Promise<string>;
  /** The site's dashboard owner password (a scrypt hash, see dashboard/password.ts), or null. */
  getOwnerPassword(siteId: string): Promise<string | null>;
  /** Sets the site's owner password hash; null removes it. */
  setOwnerPassword(siteId: string, hash: string | null, at: string): Promise<void>;
}

/** A signed-in dashboard session. The cookie holds a random token; the store keeps only its SHA-256 (`id`). */
export interface DashboardSession {
  id: string;
  site_id: string;
  /** How the owner signed in: with a secret key (`ref` is its id) or the owner password (`ref` tags its hash). */
  method: 'key' | 'password';
  ref: string;
  /** Random per session; the CSRF token is derived from it. */
  nonce: string;
  created_at: string;
  expires_at: string;
}

export interface SessionOps {
  createSession(session: DashboardSession): Promise<void>;
  /** The session with this id, if it exists and has not expired at `now`. */
  findSession(id: string, now: string): Promise<DashboardSession | null>;
  deleteSession(id: string): Promise<void>;
  /** Ends every session of a site signed in by `method` (all methods when omitted); returns how many. */
  deleteSiteSessions(siteId: string, method?: DashboardSession['method']): Promise<number>;
  pruneSessions(now: string): Promise<number>;
}

export interface LeadStore extends LeadOps, SiteOps, SessionOps {
  readonly kind: 'sqlite' | 'postgres';
  /** Runs `fn` in a transaction; reruns it (a few times) when it throws TransactionConflict or loses a race. */
  transaction<T>(fn: (tx: LeadOps) => Promise<T>): Promise<T>;
  pruneReceipts(before: string): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Thrown inside a transaction that found its premise changed by a concurrent one (a row it saw missing now exists):
 * the transaction is rolled back and run again, then seeing that row.
 */
export class TransactionConflict extends Error {}

export class DuplicateEmailError extends Error {
  constructor(readonly existingLeadId: string | null) {
    super('A lead with this email already exists');
  }
}
