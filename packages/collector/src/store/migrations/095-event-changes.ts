/** An edit's event keeps the contact fields' values before and after (`changes`, JSON text), for the history. */
import type { DialectMigration } from './index.ts';
import { sqlMigration } from './run-statements.ts';

const column = 'ALTER TABLE lead_events ADD COLUMN changes TEXT';

export const eventChanges: DialectMigration = {
  sqlite: sqlMigration(column),
  postgres: sqlMigration(column),
};
