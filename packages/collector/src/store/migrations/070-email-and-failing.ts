/**
 * Email recipients become a third endpoint format (`mailto:` URLs, sent through the collector's SMTP server), and an
 * endpoint remembers since when every attempt to it has failed (`failing_since`), so one failing for days is turned
 * off and its owner told. SQLite cannot change a CHECK constraint, so it rebuilds both tables: the deliveries first
 * (nothing refers to them), so dropping the old endpoints cascades to no row.
 */
import type { DialectMigration } from './index.ts';
import { sqlMigration } from './run-statements.ts';

export const emailAndFailing: DialectMigration = {
  sqlite: sqlMigration(`
CREATE TABLE webhook_endpoints_new (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('standard', 'slack', 'email')),
  events TEXT,
  secret TEXT NOT NULL,
  created_at TEXT NOT NULL,
  disabled_at TEXT,
  disabled_reason TEXT,
  failing_since TEXT
);
INSERT INTO webhook_endpoints_new (id, site_id, url, format, events, secret, created_at, disabled_at, disabled_reason)
  SELECT id, site_id, url, format, events, secret, created_at, disabled_at, disabled_reason FROM webhook_endpoints;
CREATE TABLE webhook_deliveries_new (
  event_id TEXT NOT NULL,
  endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints_new(id) ON DELETE CASCADE,
  site_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL,
  next_attempt_at TEXT NOT NULL,
  last_status INTEGER,
  last_error TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (event_id, endpoint_id)
);
INSERT INTO webhook_deliveries_new SELECT * FROM webhook_deliveries;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
ALTER TABLE webhook_endpoints_new RENAME TO webhook_endpoints;
ALTER TABLE webhook_deliveries_new RENAME TO webhook_deliveries;
CREATE INDEX webhook_endpoints_site ON webhook_endpoints (site_id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, updated_at)
`),
  postgres: sqlMigration(`
ALTER TABLE webhook_endpoints DROP CONSTRAINT webhook_endpoints_format_check;
ALTER TABLE webhook_endpoints ADD CONSTRAINT webhook_endpoints_format_check
  CHECK (format IN ('standard', 'slack', 'email'));
ALTER TABLE webhook_endpoints ADD COLUMN failing_since timestamptz
`),
};
