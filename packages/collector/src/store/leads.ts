/** Leads as the store keeps them, and the reads and writes of them. */
import type { Attribution, Behaviour, Channel, Lead, LeadStatus, SortColumn, TouchKind } from '@leadtrail/protocol';

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

export interface NewLead extends Omit<LeadFields, 'attribution'> {
  /** None given: no touch yet. */
  attribution?: Attribution;
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

/** A touch attribute leads are counted by. */
export type TouchColumn = 'channel' | 'utm_source' | 'utm_medium' | 'utm_campaign' | 'referrer_host';

/** How many leads have this value of a touch attribute (null: none). */
export interface TouchCount {
  value: string | null;
  count: number;
}

/** What leads are read: list's filters, a creation period among them. */
export interface LeadFilter {
  status?: Lead['status'];
  origin?: string;
  segment_id?: string;
  campaign_id?: string;
  assignee_id?: string;
  user_id?: string;
  search?: string;
  /** Attribution: matched against the lead's first touch, or its latest with `touch: 'latest'` (case-insensitive). */
  channel?: Channel;
  utm_source?: string;
  utm_medium?: string;
  utm_campaign?: string;
  referrer_host?: string;
  touch?: TouchKind;
  /** Created at or after this instant (UTC ISO 8601, as stored: `2026-03-01T00:00:00.000Z`). */
  created_from?: string;
  /** Created before this instant (the same form). */
  created_to?: string;
}

export interface LeadQuery extends LeadFilter {
  sort_by: SortColumn;
  sort_order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** Reads and writes of leads. */
export interface LeadRows {
  getLead(siteId: string, id: string, opts?: { lock?: boolean }): Promise<StoredLead | null>;
  findLeadByEmail(siteId: string, email: string, opts?: { lock?: boolean }): Promise<StoredLead | null>;
  findLeadsByPhone(siteId: string, phone: string): Promise<StoredLead[]>;
  /** Inserts, or returns null when the site already has a lead with this email (no error, no abort). */
  insertLead(lead: NewLead): Promise<StoredLead | null>;
  /** Throws DuplicateEmailError when the new email belongs to another lead of the site. */
  updateLead(siteId: string, id: string, patch: LeadPatch): Promise<StoredLead>;
  listLeads(siteId: string, query: LeadQuery): Promise<{ leads: StoredLead[]; total: number }>;
  /** How many leads match, per status (one GROUP BY). */
  countLeadsByStatus(siteId: string, filter: LeadFilter): Promise<{ status: LeadStatus; count: number }[]>;
  /**
   * How many leads match, per value of each of some attributes of their first (or latest) touch (one GROUP BY); leads
   * with no such touch, or no value, count under null.
   */
  countLeadsByTouch<C extends TouchColumn>(
    siteId: string,
    filter: LeadFilter,
    by: { columns: readonly C[]; kind: TouchKind },
  ): Promise<Record<C, TouchCount[]>>;
  /**
   * How many leads match, per period of creation and status (one query, counting index entries): period i runs from
   * bounds[i] (inclusive) to bounds[i + 1] (exclusive); bounds are instants in the form stored, ascending. Leads
   * outside them are not counted; a period with none has no row.
   */
  countLeadsByPeriod(
    siteId: string,
    filter: LeadFilter,
    bounds: readonly string[],
  ): Promise<{ period: number; status: LeadStatus; count: number }[]>;
  /** When the earliest lead that matches was created (UTC ISO 8601), or null when none does. */
  firstCreatedAt(siteId: string, filter: LeadFilter): Promise<string | null>;
}

export class DuplicateEmailError extends Error {
  constructor(readonly existingLeadId: string | null) {
    super('A lead with this email already exists');
  }
}
