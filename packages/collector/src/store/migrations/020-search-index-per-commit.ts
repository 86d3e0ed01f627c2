/**
 * SQLite's search index is kept up to date once per commit by each connection (sqlite/search-queue.ts), not by
 * triggers: FTS5 wrote an index segment per savepoint. Postgres has no such triggers (its trigram indexes follow the
 * rows), so this migration is SQLite's only.
 */
import type { DialectMigration } from './index.ts';
import { sqlMigration } from './run-statements.ts';

export const searchIndexPerCommit: DialectMigration = {
  sqlite: sqlMigration(`
DROP TRIGGER leads_fts_insert;
DROP TRIGGER leads_fts_update;
DROP TRIGGER leads_fts_delete
`),
};
