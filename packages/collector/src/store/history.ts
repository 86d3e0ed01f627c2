/** A lead's history: its events (created, status changes, edits, devices linked) and its browser submissions. */
import type { LeadEvent, Submission } from '@leadtrail/protocol';

export interface NewLeadEvent extends LeadEvent {
  site_id: string;
  lead_id: string;
}

export interface NewSubmission extends Submission {
  site_id: string;
  lead_id: string;
}

/** Reads and writes of leads' histories. */
export interface HistoryRows {
  /** Adds events to leads' histories, in order (several in one statement). */
  addEvent(...events: NewLeadEvent[]): Promise<void>;
  listEvents(siteId: string, leadId: string): Promise<LeadEvent[]>;
  addSubmission(submission: NewSubmission): Promise<void>;
  /** The lead's browser submissions, newest first. */
  listSubmissions(siteId: string, leadId: string, limit: number): Promise<Submission[]>;
}
