/**
 * A site moved between databases as JSON Lines: one line per row, `{"table", "row"}`, every table that holds the
 * site's data (its keys and settings, leads, devices, history, submissions, touches, receipts, outbox and webhooks),
 * parents before children and each table in the order it was written. Rows keep their ids; the databases' own row
 * numbers (`seq`) are left behind and made again in order. Values are written in one neutral form (times as ISO
 * text, JSON as text), which both dialects read back: so an export from SQLite imports into Postgres and back.
 * Dashboard sessions are not moved (they end). The import is one transaction; a site that exists is refused.
 */
import type { Kysely } from 'kysely';
import type { SqlDialect } from '../sql/dialect.ts';

/** Tables in the order they are written on import (parents first), with the column that names the site. */
const TABLES = [
  ['sites', 'id'],
  ['site_origins', 'site_id'],
  ['api_keys', 'site_id'],
  ['owner_passwords', 'site_id'],
  ['leads', 'site_id'],
  ['visitors', 'site_id'],
  ['lead_events', 'site_id'],
  ['lead_submissions', 'site_id'],
  ['lead_touches', 'site_id'],
  ['ingest_receipts', 'site_id'],
  ['outbox', 'site_id'],
  ['webhook_endpoints', 'site_id'],
  ['webhook_deliveries', 'site_id'],
] as const;
const TABLE_NAMES = new Set<string>(TABLES.map(([table]) => table));
/** Settings kept per site: their keys end with `:<site id>`. */
const SITE_SETTINGS = ['time_zone'];

export class TransferError extends Error {}

export interface TransferLine {
  table: string;
  row: Record<string, unknown>;
}

/** One value in the neutral form both dialects take back. */
function neutral(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return value;
}

// biome-ignore lint/suspicious/noExplicitAny: the tables are walked by name; their rows are copied as they are.
const anyDb = (db: Kysely<any>) => db;

/** The site's rows, table by table, as transfer lines. */
export async function* exportSite(dialect: SqlDialect, siteId: string): AsyncGenerator<TransferLine> {
  const db = anyDb(dialect.db);
  const site = await db.selectFrom('sites').select('id').where('id', '=', siteId).executeTakeFirst();
  if (!site) throw new TransferError(`There is no site ${siteId} in this database`);
  for (const [table, column] of TABLES) {
    let query = db.selectFrom(table).selectAll().where(column, '=', siteId);
    if (['leads', 'lead_events', 'lead_submissions', 'outbox'].includes(table)) query = query.orderBy('seq');
    for (const row of await query.execute()) {
      const { seq: _, ...rest } = row as Record<string, unknown>;
      yield { table, row: Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, neutral(v)])) };
    }
  }
  for (const name of SITE_SETTINGS) {
    const row = await db.selectFrom('settings').selectAll().where('key', '=', `${name}:${siteId}`).executeTakeFirst();
    if (row) yield { table: 'settings', row };
  }
}

/** Writes transfer lines into the database in one transaction; answers rows written per table. */
export async function importSite(dialect: SqlDialect, lines: AsyncIterable<TransferLine> | Iterable<TransferLine>) {
  const counts: Record<string, number> = {};
  const rows: TransferLine[] = [];
  for await (const line of lines) {
    if (!line || typeof line !== 'object' || (!TABLE_NAMES.has(line.table) && line.table !== 'settings')) {
      throw new TransferError(`Line ${rows.length + 1} is not a leadtrail export line (unknown table)`);
    }
    if (!line.row || typeof line.row !== 'object') throw new TransferError(`Line ${rows.length + 1} has no row`);
    rows.push(line);
  }
  const site = rows.find((line) => line.table === 'sites');
  if (!site || rows[0] !== site) throw new TransferError('An export starts with its site: this one does not');
  const siteId = String(site.row.id);
  const foreign = rows.find(
    (line) => line.table !== 'sites' && line.table !== 'settings' && line.row.site_id !== siteId,
  );
  if (foreign)
    throw new TransferError(`A row of ${foreign.table} belongs to another site: the export is not one site's`);
  await anyDb(dialect.db)
    .transaction()
    .execute(async (trx) => {
      if (await trx.selectFrom('sites').select('id').where('id', '=', siteId).executeTakeFirst()) {
        throw new TransferError(`The site ${siteId} exists in this database already: nothing was imported`);
      }
      for (const { table, row } of rows) {
        if (table === 'settings' && !String(row.key).endsWith(`:${siteId}`)) {
          throw new TransferError('A setting of the export belongs to another site');
        }
        await trx.insertInto(table).values(row).execute();
        counts[table] = (counts[table] ?? 0) + 1;
      }
    });
  return counts;
}
