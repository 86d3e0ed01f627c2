/** The outbox, webhook endpoints and their deliveries in SQL. */
import type { Kysely, Selectable } from 'kysely';
import type { DeliveryOutcome, DueDelivery, OutboxEvent, OutboxRows, WebhookEndpoint, WebhookRows } from '../outbox.ts';
import type { SqlDialect } from './dialect.ts';
import { prepare } from './prepared.ts';
import type { Queryable } from './queryable.ts';
import { toIso, toIsoOrNull } from './rows.ts';
import type { Database, WebhookEndpointsTable } from './schema.ts';

type FanOut = { event_id: string; site_id: string; created_at: string; type_pattern: string };

/** One pending delivery per enabled endpoint of the site that takes this type, in the event's transaction. */
const deliveriesFor = (db: Kysely<Database>, $: FanOut) =>
  db
    .insertInto('webhook_deliveries')
    .columns(['event_id', 'endpoint_id', 'site_id', 'status', 'attempts', 'next_attempt_at', 'updated_at'])
    .expression((eb) =>
      eb
        .selectFrom('webhook_endpoints')
        .select((s) => [
          s.val($.event_id).as('event_id'),
          'id',
          'site_id',
          s.val('pending').as('status'),
          s.val(0).as('attempts'),
          s.val($.created_at).as('next_attempt_at'),
          s.val($.created_at).as('updated_at'),
        ])
        .where('site_id', '=', $.site_id)
        .where('disabled_at', 'is', null)
        .where((w) => w.or([w('events', 'is', null), w('events', 'like', $.type_pattern)])),
    );

const INSERT_EVENT = prepare<OutboxEvent, never>((db, $) => db.insertInto('outbox').values($));
const FAN_OUT = prepare<FanOut, never>((db, $) => deliveriesFor(db, $));
/**
 * Both in one statement, where a WITH may write (Postgres): one round trip instead of two. Postgres runs the WITH's
 * insert whether or not the rest of the statement reads it.
 */
const INSERT_EVENT_AND_FAN_OUT = prepare<OutboxEvent & { type_pattern: string }, never>((db, $) => {
  const { type_pattern, ...event } = $;
  const fanOut = { event_id: event.id, site_id: event.site_id, created_at: event.created_at, type_pattern };
  // The WITH-builder has insertInto like the database; the cast only forgets the extra table `event` it offers.
  return deliveriesFor(
    db.with('event', (w) => w.insertInto('outbox').values(event).returning('id')) as unknown as Kysely<Database>,
    fanOut,
  );
});

const rowToEndpoint = (row: Selectable<WebhookEndpointsTable>): WebhookEndpoint => ({
  id: row.id,
  site_id: row.site_id,
  url: row.url,
  format: row.format,
  events: row.events ? row.events.split(',').filter(Boolean) : null,
  secret: row.secret,
  created_at: toIso(row.created_at),
  disabled_at: toIsoOrNull(row.disabled_at),
  disabled_reason: row.disabled_reason,
  failing_since: toIsoOrNull(row.failing_since),
});

const OUTBOX_COLUMNS = ['id', 'site_id', 'type', 'lead_id', 'payload', 'created_at'] as const;

export class SqlOutbox implements OutboxRows, WebhookRows {
  constructor(
    private readonly db: Queryable,
    private readonly dialect: SqlDialect,
  ) {}

  async addOutboxEvents(...events: OutboxEvent[]) {
    for (const event of events) {
      const type_pattern = `%,${event.type},%`;
      if (this.dialect.writableCtes) {
        await INSERT_EVENT_AND_FAN_OUT.run(this.db, this.dialect, { ...event, type_pattern });
        continue;
      }
      await INSERT_EVENT.run(this.db, this.dialect, event);
      const { id, site_id, created_at } = event;
      await FAN_OUT.run(this.db, this.dialect, { event_id: id, site_id, created_at, type_pattern });
    }
  }

  async listOutboxEvents(siteId: string, opts: { limit: number }): Promise<OutboxEvent[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .select(OUTBOX_COLUMNS)
      .where('site_id', '=', siteId)
      .orderBy('seq')
      .limit(opts.limit)
      .execute();
    return rows.map((row) => ({ ...row, created_at: toIso(row.created_at) }));
  }

  async addOutboxEventFor(endpointIds: readonly string[], event: OutboxEvent) {
    await this.db.insertInto('outbox').values(event).execute();
    if (!endpointIds.length) return;
    await this.db
      .insertInto('webhook_deliveries')
      .values(
        endpointIds.map((endpointId) => ({
          event_id: event.id,
          endpoint_id: endpointId,
          site_id: event.site_id,
          status: 'pending' as const,
          attempts: 0,
          next_attempt_at: event.created_at,
          updated_at: event.created_at,
        })),
      )
      .execute();
  }

  async addWebhookEndpoint(endpoint: Omit<WebhookEndpoint, 'disabled_at' | 'disabled_reason' | 'failing_since'>) {
    const events = endpoint.events ? `,${endpoint.events.join(',')},` : null;
    await this.db
      .insertInto('webhook_endpoints')
      .values({ ...endpoint, events, disabled_at: null, disabled_reason: null, failing_since: null })
      .execute();
  }

  async listWebhookEndpoints(siteId: string) {
    const rows = await this.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('site_id', '=', siteId)
      .orderBy('created_at')
      .execute();
    return rows.map(rowToEndpoint);
  }

  async getWebhookEndpoint(id: string) {
    const row = await this.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? rowToEndpoint(row) : null;
  }

  async removeWebhookEndpoint(siteId: string, id: string) {
    const result = await this.db
      .deleteFrom('webhook_endpoints')
      .where('site_id', '=', siteId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async disableWebhookEndpoint(id: string, reason: string, at: string) {
    await this.db
      .updateTable('webhook_endpoints')
      .set({ disabled_at: at, disabled_reason: reason })
      .where('id', '=', id)
      .execute();
    await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'failed', last_error: reason, updated_at: at })
      .where('endpoint_id', '=', id)
      .where('status', '=', 'pending')
      .execute();
  }

  async enableWebhookEndpoint(siteId: string, id: string) {
    const result = await this.db
      .updateTable('webhook_endpoints')
      .set({ disabled_at: null, disabled_reason: null, failing_since: null })
      .where('site_id', '=', siteId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async claimDueDeliveries(now: string, leaseUntil: string, limit: number): Promise<DueDelivery[]> {
    let due = this.db
      .selectFrom('webhook_deliveries')
      .select(['event_id', 'endpoint_id'])
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .limit(limit);
    if (this.dialect.name === 'postgres') due = due.forUpdate().skipLocked();
    const claimed = await this.db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: leaseUntil })
      .where((eb) => eb(eb.refTuple('event_id', 'endpoint_id'), 'in', due.$asTuple('event_id', 'endpoint_id')))
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .returning(['event_id', 'endpoint_id', 'attempts'])
      .execute();
    if (!claimed.length) return [];
    const [events, endpoints] = await Promise.all([
      this.db
        .selectFrom('outbox')
        .select(OUTBOX_COLUMNS)
        .where(
          'id',
          'in',
          claimed.map((c) => c.event_id),
        )
        .execute(),
      this.db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where(
          'id',
          'in',
          claimed.map((c) => c.endpoint_id),
        )
        .execute(),
    ]);
    return claimed.flatMap((c) => {
      const event = events.find((e) => e.id === c.event_id);
      const endpoint = endpoints.find((e) => e.id === c.endpoint_id);
      return event && endpoint
        ? [
            {
              event: { ...event, created_at: toIso(event.created_at) },
              endpoint: rowToEndpoint(endpoint),
              attempts: Number(c.attempts),
            },
          ]
        : [];
    });
  }

  async recordDelivery(eventId: string, endpointId: string, outcome: DeliveryOutcome) {
    await this.db
      .updateTable('webhook_deliveries')
      .set(outcome)
      .where('event_id', '=', eventId)
      .where('endpoint_id', '=', endpointId)
      .execute();
    // A failure starts the run (when none is running); a success ends it.
    const failed = outcome.status !== 'delivered';
    await this.db
      .updateTable('webhook_endpoints')
      .set({ failing_since: failed ? outcome.updated_at : null })
      .where('id', '=', endpointId)
      .where('failing_since', failed ? 'is' : 'is not', null)
      .execute();
  }

  async retryDelivery(eventId: string, endpointId: string, at: string) {
    const result = await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', attempts: 0, next_attempt_at: at, updated_at: at })
      .where('event_id', '=', eventId)
      .where('endpoint_id', '=', endpointId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async pruneOutbox(before: string) {
    const old = this.db.selectFrom('outbox').select('id').where('created_at', '<', before);
    await this.db
      .deleteFrom('webhook_deliveries')
      .where('status', '<>', 'pending')
      .where('event_id', 'in', old)
      .execute();
    const result = await this.db
      .deleteFrom('outbox')
      .where('created_at', '<', before)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(selectFrom('webhook_deliveries as d').select('d.event_id').whereRef('d.event_id', '=', 'outbox.id')),
        ),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async listDeliveries(endpointId: string, limit: number) {
    const rows = await this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('outbox as o', 'o.id', 'd.event_id')
      .select([
        'd.event_id',
        'o.type',
        'd.status',
        'd.attempts',
        'd.next_attempt_at',
        'd.last_status',
        'd.last_error',
        'd.updated_at',
      ])
      .where('d.endpoint_id', '=', endpointId)
      .orderBy('d.updated_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      ...row,
      attempts: Number(row.attempts),
      next_attempt_at: toIso(row.next_attempt_at),
      updated_at: toIso(row.updated_at),
    }));
  }
}
