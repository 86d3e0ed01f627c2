/** Leads' histories in SQL: events and browser submissions. */
import type { LeadEvent, Submission } from '@leadtrail/protocol';
import type { HistoryRows, NewLeadEvent, NewSubmission } from '../history.ts';
import type { Queryable } from './queryable.ts';
import { encodeJson, rowToEvent, rowToSubmission } from './rows.ts';

export class SqlHistory implements HistoryRows {
  constructor(private readonly db: Queryable) {}

  async addEvent(...events: NewLeadEvent[]) {
    if (!events.length) return;
    await this.db
      .insertInto('lead_events')
      .values(
        events.map((event) => ({
          site_id: event.site_id,
          lead_id: event.lead_id,
          type: event.type,
          from_value: event.from,
          to_value: event.to,
          at: event.at,
          changes: event.changes ? JSON.stringify(event.changes) : null,
        })),
      )
      .execute();
  }

  async listEvents(siteId: string, leadId: string): Promise<LeadEvent[]> {
    const rows = await this.db
      .selectFrom('lead_events')
      .selectAll()
      .where('site_id', '=', siteId)
      .where('lead_id', '=', leadId)
      .orderBy('seq')
      .execute();
    return rows.map(rowToEvent);
  }

  async addSubmission(submission: NewSubmission) {
    await this.db
      .insertInto('lead_submissions')
      .values({
        id: submission.id,
        site_id: submission.site_id,
        lead_id: submission.lead_id,
        visitor_id: submission.visitor_id,
        event_id: submission.event_id,
        page: submission.page,
        fields: encodeJson(submission.fields),
        applied: encodeJson(submission.applied),
        at: submission.at,
      })
      .execute();
  }

  async listSubmissions(siteId: string, leadId: string, limit: number): Promise<Submission[]> {
    const rows = await this.db
      .selectFrom('lead_submissions')
      .selectAll()
      .where('site_id', '=', siteId)
      .where('lead_id', '=', leadId)
      .orderBy('seq', 'desc')
      .limit(limit)
      .execute();
    return rows.map(rowToSubmission);
  }
}
