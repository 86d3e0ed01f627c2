/**
 * Webhook endpoints per site, and one delivery row per (event, endpoint), made in the transaction that writes the
 * event. A delivery is due when pending and its next attempt time has come; a collector claims it by moving that
 * time ahead (a lease), so collectors sharing a database never send one delivery at once.
 */
import type { DialectMigration } from './index.ts';
import { sqlMigration } from './run-statements.ts';

const indexes = `
CREATE INDEX webhook_endpoints_site ON webhook_endpoints (site_id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, updated_at)`;

export const webhooks: DialectMigration = {
  sqlite: sqlMigration(`
CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('standard', 'slack')),
  events TEXT,
  secret TEXT NOT NULL,
  created_at TEXT NOT NULL,
  disabled_at TEXT,
  disabled_reason TEXT
);
CREATE TABLE webhook_deliveries (
  event_id TEXT NOT NULL,
  endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  site_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL,
  next_attempt_at TEXT NOT NULL,
  last_status INTEGER,
  last_error TEXT,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (event_id, endpoint_id)
);${indexes}
`),
  postgres: sqlMigration(`
CREATE TABLE webhook_endpoints (
  id uuid PRIMARY KEY,
  site_id uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  url text NOT NULL,
  format text NOT NULL CHECK (format IN ('standard', 'slack')),
  events text,
  secret text NOT NULL,
  created_at timestamptz NOT NULL,
  disabled_at timestamptz,
  disabled_reason text
);
CREATE TABLE webhook_deliveries (
  event_id text NOT NULL,
  endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  site_id uuid NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts integer NOT NULL,
  next_attempt_at timestamptz NOT NULL,
  last_status integer,
  last_error text,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (event_id, endpoint_id)
);${indexes}
`),
};
