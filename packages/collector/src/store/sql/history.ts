/** Leads' histories in SQL: events and browser submissions. */
import type { LeadEvent, Submission } from '@leadtrail/protocol';
import type { Insertable } from 'kysely';
import type { HistoryRows, NewLeadEvent, NewSubmission } from '../history.ts';
import type { SqlDialect } from './dialect.ts';
import { prepare } from './prepared.ts';
import type { Queryable } from './queryable.ts';
import { encodeJson, rowToEvent, rowToSubmission } from './rows.ts';
import type { LeadEventsTable, LeadSubmissionsTable } from './schema.ts';

const INSERT_EVENT = prepare<Insertable<LeadEventsTable>, never>((db, $) => db.insertInto('lead_events').values($));
const INSERT_SUBMISSION = prepare<Insertable<LeadSubmissionsTable>, never>((db, $) =>
  db.insertInto('lead_submissions').values($),
);

export class SqlHistory implements HistoryRows {
  constructor(
    private readonly db: Queryable,
    private readonly dialect: SqlDialect,
  ) {}

  async addEvent(...events: NewLeadEvent[]) {
    // One prepared single-row insert each, in order (seq follows): an action adds one or two.
    for (const event of events) {
      await INSERT_EVENT.run(this.db, this.dialect, {
        site_id: event.site_id,
        lead_id: event.lead_id,
        type: event.type,
        from_value: event.from,
        to_value: event.to,
        at: event.at,
        changes: event.changes ? JSON.stringify(event.changes) : null,
      });
    }
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
    await INSERT_SUBMISSION.run(this.db, this.dialect, {
      id: submission.id,
      site_id: submission.site_id,
      lead_id: submission.lead_id,
      visitor_id: submission.visitor_id,
      event_id: submission.event_id,
      page: submission.page,
      fields: encodeJson(submission.fields),
      applied: encodeJson(submission.applied),
      at: submission.at,
    });
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
