/** Visitors (browsers) and the reads and writes of them. */
import type { Behaviour, TouchDetails, Visitor } from '@leadtrail/protocol';

/** A visitor's first touch and its latest with a source (or the first). */
export interface VisitorTouches {
  first_touch: TouchDetails | null;
  latest_touch: TouchDetails | null;
}

export interface NewVisitor extends Behaviour, Partial<VisitorTouches> {
  id: string;
  site_id: string;
  lead_id: string | null;
  first_seen: string;
  last_seen: string;
}

export type VisitorPatch = Partial<Behaviour> &
  Partial<VisitorTouches> & { lead_id?: string | null; last_seen: string };

/** Reads and writes of visitors. */
export interface VisitorRows {
  getVisitor(siteId: string, id: string, opts?: { lock?: boolean }): Promise<Visitor | null>;
  /** Inserts, or returns null when the visitor already exists. */
  insertVisitor(visitor: NewVisitor): Promise<Visitor | null>;
  updateVisitor(siteId: string, id: string, patch: VisitorPatch): Promise<Visitor>;
  listLeadVisitors(siteId: string, leadId: string): Promise<Visitor[]>;
}
