/**
 * The site's leads of a period with their ids, from an index alone: the dashboard's breakdowns by channel and
 * campaign join a period's leads to their touches by id, and a campaign or channel filter matches leads by id. With
 * (site_id, created_at, seq) only, each lead of the period cost a read of its row for its id.
 */
import type { DialectMigration } from './index.ts';
import { sqlMigration } from './run-statements.ts';

const index = 'CREATE INDEX leads_site_created_id ON leads (site_id, created_at, id)';

export const leadsCreatedId: DialectMigration = {
  sqlite: sqlMigration(index),
  postgres: sqlMigration(index),
};
