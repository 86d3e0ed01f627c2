/**
 * Browser submissions (publishable keys): each kept as sent, and per lead which fields a browser filled, so a
 * browser fills empty fields (or its own earlier ones) but never overwrites the owner's. Dashboard sessions live in
 * the database (only a hash of each cookie's token), so signing out ends a session on every collector sharing it.
 */
import type { DialectMigration } from './index.ts';
import { sqlMigration } from './run-statements.ts';

export const submissionsAndSessions: DialectMigration = {
  sqlite: sqlMigration(`
ALTER TABLE leads ADD COLUMN browser_fields TEXT;
CREATE TABLE lead_submissions (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  site_id TEXT NOT NULL,
  lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  visitor_id TEXT,
  event_id TEXT,
  page TEXT,
  fields TEXT NOT NULL,
  applied TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX lead_submissions_lead ON lead_submissions (lead_id, seq);
CREATE TABLE dashboard_sessions (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  method TEXT NOT NULL CHECK (method IN ('key', 'password')),
  ref TEXT NOT NULL,
  nonce TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX dashboard_sessions_site ON dashboard_sessions (site_id);
CREATE INDEX dashboard_sessions_expires ON dashboard_sessions (expires_at)
`),
  postgres: sqlMigration(`
ALTER TABLE leads ADD COLUMN browser_fields json;
CREATE TABLE lead_submissions (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id uuid NOT NULL UNIQUE,
  site_id uuid NOT NULL,
  lead_id uuid NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  visitor_id uuid,
  event_id uuid,
  page text,
  fields json NOT NULL,
  applied json NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX lead_submissions_lead ON lead_submissions (lead_id, seq);
CREATE TABLE dashboard_sessions (
  id text PRIMARY KEY,
  site_id uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  method text NOT NULL CHECK (method IN ('key', 'password')),
  ref text NOT NULL,
  nonce text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX dashboard_sessions_site ON dashboard_sessions (site_id);
CREATE INDEX dashboard_sessions_expires ON dashboard_sessions (expires_at)
`),
};
