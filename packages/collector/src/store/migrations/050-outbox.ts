/**
 * The outbox of notification events. The payload is text on both dialects (not json/jsonb), so the bytes signed
 * and delivered are the bytes written. Indexed by site (the log, in order) and by time (pruning).
 */
import type { DialectMigration } from './index.ts';
import { sqlMigration } from './run-statements.ts';

const indexes = `
CREATE INDEX outbox_site ON outbox (site_id, seq);
CREATE INDEX outbox_created ON outbox (created_at)`;

export const outbox: DialectMigration = {
  sqlite: sqlMigration(`
CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  site_id TEXT NOT NULL,
  type TEXT NOT NULL,
  lead_id TEXT,
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL
);${indexes}
`),
  postgres: sqlMigration(`
CREATE TABLE outbox (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  site_id uuid NOT NULL,
  type text NOT NULL,
  lead_id uuid,
  payload text NOT NULL,
  created_at timestamptz NOT NULL
);${indexes}
`),
};
