/**
 * The migration history of both dialects, one file per migration with its SQLite and PostgreSQL text side by side.
 * Append only: a shipped migration is never edited. Names sort in the order they run.
 *
 * Run by Kysely's Migrator at start-up and by `leadtrail migrate`, the pending ones and their records in one
 * transaction on both stores (a migration that fails leaves the database as it was); on Postgres that transaction
 * holds an advisory lock, so collectors starting at once against one database migrate it once. The dialects end
 * with the same tables and columns; where their indexes differ, the migration says why
 * (test/postgres/schema-parity.test.ts).
 */
import type { Migration } from 'kysely';
import { initial } from './001-initial.ts';
import { dashboard } from './010-dashboard.ts';
import { searchIndexPerCommit } from './020-search-index-per-commit.ts';
import { submissionsAndSessions } from './030-submissions-and-sessions.ts';
import { attribution } from './040-attribution.ts';
import { outbox } from './050-outbox.ts';
import { webhooks } from './060-webhooks.ts';
import { emailAndFailing } from './070-email-and-failing.ts';
import { publishableKeyTokens } from './080-publishable-key-tokens.ts';
import { eventChanges } from './095-event-changes.ts';
import { searchCompany } from './097-search-company.ts';
import { leadsCreatedId } from './099-leads-created-id.ts';
import { configNotify } from './100-config-notify.ts';

/** One migration for each dialect; a dialect with nothing to do for it has none. */
export interface DialectMigration {
  sqlite?: Migration;
  postgres?: Migration;
}

export const MIGRATIONS: Record<string, DialectMigration> = {
  '001_initial': initial,
  '010_dashboard': dashboard,
  '020_search_index_per_commit': searchIndexPerCommit,
  '030_submissions_and_sessions': submissionsAndSessions,
  '040_attribution': attribution,
  '050_outbox': outbox,
  '060_webhooks': webhooks,
  '070_email_and_failing': emailAndFailing,
  '080_publishable_key_tokens': publishableKeyTokens,
  '095_event_changes': eventChanges,
  '097_search_company': searchCompany,
  '099_leads_created_id': leadsCreatedId,
  '100_config_notify': configNotify,
};

/** The history of one dialect, as Kysely's Migrator takes it. */
export function migrationsFor(dialect: keyof DialectMigration): Record<string, Migration> {
  return Object.fromEntries(
    Object.entries(MIGRATIONS).flatMap(([name, migration]) => (migration[dialect] ? [[name, migration[dialect]]] : [])),
  );
}
