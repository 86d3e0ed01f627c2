/** Visitors (browsers) and the reads and writes of them. */
import type { Behaviour, Visitor } from '@leadtrail/protocol';

export interface NewVisitor extends Behaviour {
  id: string;
  site_id: string;
  lead_id: string | null;
  first_seen: string;
  last_seen: string;
}

export type VisitorPatch = Partial<Behaviour> & { lead_id?: string | null; last_seen: string };

/** Reads and writes of visitors. */
export interface VisitorRows {
  getVisitor(siteId: string, id: string, opts?: { lock?: boolean }): Promise<Visitor | null>;
  /** Inserts, or returns null when the visitor already exists. */
  insertVisitor(visitor: NewVisitor): Promise<Visitor | null>;
  updateVisitor(siteId: string, id: string, patch: VisitorPatch): Promise<Visitor>;
  listLeadVisitors(siteId: string, leadId: string): Promise<Visitor[]>;
}
