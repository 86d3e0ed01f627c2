/** One person's data as a whole: erasing a lead with everything about it, and reading all of it for an export. */
import type { Submission } from '@leadtrail/protocol';
import type { Receipt } from './receipts.ts';

/** The kinds of row an erasure counts, named as its answer names them. */
export const ERASED_KINDS = [
  'visitors',
  'submissions',
  'events',
  /** lead_touches rows (the attribution index). */
  'touches',
  /** Outbox events about the lead (their webhook deliveries go with them). */
  'notifications',
  /** Receipts of the lead's events whose stored answer was replaced (their keys are kept). */
  'receipts',
] as const;

/** What an erasure removed, counted per kind of row. */
export type ErasedRows = Record<(typeof ERASED_KINDS)[number], number>;

export interface ErasureRows {
  /**
   * Deletes the lead and every row about it, in this unit of work: its visitors (with their pages and behaviour), its
   * submissions, events and touches, its outbox events and their deliveries, and its search-index entries. Each
   * receipt of an event about it (named by one of its submissions, or whose answer holds the lead's id or one of its
   * visitors' ids) keeps its key but has its answer replaced by `receipt`, dated `at`, so a retry of that event is
   * answered without being applied again. Null when the site has no such lead.
   */
  eraseLead(siteId: string, leadId: string, receipt: Receipt, at: string): Promise<ErasedRows | null>;
  /** Every browser submission of the lead, oldest first (listSubmissions shows the newest few). */
  listAllSubmissions(siteId: string, leadId: string): Promise<Submission[]>;
}
