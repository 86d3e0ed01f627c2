/** Leads' histories in SQL: events and browser submissions. */
import type { LeadEvent, Submission } from '@leadtrail/protocol';
import type { Insertable } from 'kysely';
import type { HistoryRows, NewLeadEvent, NewSubmission } from '../history.ts';
import type { SqlDialect } from './dialect.ts';
import { prepare } from './prepared.ts';
import type { Queryable } from './queryable.ts';
import { encodeJson, rowToEvent, rowToSubmission } from './rows.ts';
import type { LeadEventsTable, LeadSubmissionsTable } from './schema.ts';

const EVENT_COLUMNS = ['site_id', 'lead_id', 'type', 'from_value', 'to_value', 'at', 'changes'] as const;
/** An action's events in one statement (one form per number of rows, told by the values' keys: one or two). */
const INSERT_EVENTS = prepare<Record<string, unknown>, never>((db, $) => {
  const rows = Array.from({ length: Object.keys($).length / EVENT_COLUMNS.length }, (_, i) =>
    Object.fromEntries(EVENT_COLUMNS.map((column) => [column, $[`${column}.${i}`]])),
  );
  return db.insertInto('lead_events').values(rows as Insertable<LeadEventsTable>[]);
});
const INSERT_SUBMISSION = prepare<Insertable<LeadSubmissionsTable>, never>((db, $) =>
  db.insertInto('lead_submissions').values($),
);

export class SqlHistory implements HistoryRows {
  constructor(
    private readonly db: Queryable,
    private readonly dialect: SqlDialect,
  ) {}

  async addEvent(...events: NewLeadEvent[]) {
    if (!events.length) return;
    const values: Record<string, unknown> = {};
    for (const [i, event] of events.entries()) {
      const row: Insertable<LeadEventsTable> = {
        site_id: event.site_id,
        lead_id: event.lead_id,
        type: event.type,
        from_value: event.from ?? null,
        to_value: event.to ?? null,
        at: event.at,
        changes: event.changes ? JSON.stringify(event.changes) : null,
      };
      for (const column of EVENT_COLUMNS) values[`${column}.${i}`] = row[column];
    }
    await INSERT_EVENTS.run(this.db, this.dialect, values);
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
