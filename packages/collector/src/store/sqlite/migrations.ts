/** SQLite's migration history. Append only: a shipped migration is never edited. */
import { type Kysely, type Migration, sql } from 'kysely';

const run = (statements: string) => async (db: Kysely<unknown>) => {
  // Statements end with ";" at the end of a line followed by one starting in column 0 (END of a trigger is not a new statement).
  for (const statement of statements.split(/;\s*\n(?=CREATE|ALTER|DROP|INSERT|UPDATE)/).filter((s) => s.trim())) {
    await sql.raw(statement).execute(db);
  }
};

export const sqliteMigrations: Record<string, Migration> = {
  '001_initial': {
    up: run(`
CREATE TABLE sites (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  owner_user_id TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE site_origins (
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  origin TEXT NOT NULL,
  PRIMARY KEY (site_id, origin)
);
CREATE INDEX site_origins_origin ON site_origins (origin);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('secret', 'publishable')),
  prefix TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX api_keys_site ON api_keys (site_id);
CREATE TABLE leads (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  user_id TEXT,
  name TEXT NOT NULL,
  email TEXT,
  email_norm TEXT,
  phone TEXT,
  phone_norm TEXT,
  position TEXT,
  company TEXT,
  notes TEXT,
  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'contacted', 'qualified', 'converted', 'lost')),
  origin TEXT,
  source TEXT,
  segment_id TEXT,
  campaign_id TEXT,
  assignee_id TEXT,
  lead_score INTEGER CHECK (lead_score BETWEEN 1 AND 100),
  contact_info TEXT,
  company_info TEXT,
  interest_level TEXT,
  product_interest TEXT,
  pages_visited TEXT NOT NULL DEFAULT '[]',
  time_spent INTEGER NOT NULL DEFAULT 0,
  visit_count INTEGER NOT NULL DEFAULT 0,
  own_behaviour TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  status_changed_at TEXT
);
CREATE UNIQUE INDEX leads_site_email ON leads (site_id, email_norm);
CREATE INDEX leads_site_phone ON leads (site_id, phone_norm) WHERE phone_norm IS NOT NULL;
CREATE INDEX leads_site_created ON leads (site_id, created_at, seq);
CREATE INDEX leads_site_updated ON leads (site_id, updated_at, seq);
CREATE INDEX leads_site_status_created ON leads (site_id, status, created_at, seq);
CREATE INDEX leads_site_origin_created ON leads (site_id, origin, created_at, seq);
CREATE INDEX leads_site_assignee ON leads (site_id, assignee_id) WHERE assignee_id IS NOT NULL;
CREATE INDEX leads_site_segment ON leads (site_id, segment_id) WHERE segment_id IS NOT NULL;
CREATE INDEX leads_site_campaign ON leads (site_id, campaign_id) WHERE campaign_id IS NOT NULL;
CREATE INDEX leads_site_user ON leads (site_id, user_id);
CREATE VIRTUAL TABLE leads_fts USING fts5(
  name, email, notes, content='leads', content_rowid='seq', tokenize='trigram'
);
CREATE TRIGGER leads_fts_insert AFTER INSERT ON leads BEGIN
  INSERT INTO leads_fts (rowid, name, email, notes) VALUES (new.seq, new.name, new.email, new.notes);
END;
CREATE TRIGGER leads_fts_delete AFTER DELETE ON leads BEGIN
  INSERT INTO leads_fts (leads_fts, rowid, name, email, notes) VALUES ('delete', old.seq, old.name, old.email, old.notes);
END;
CREATE TRIGGER leads_fts_update AFTER UPDATE OF name, email, notes ON leads BEGIN
  INSERT INTO leads_fts (leads_fts, rowid, name, email, notes) VALUES ('delete', old.seq, old.name, old.email, old.notes);
  INSERT INTO leads_fts (rowid, name, email, notes) VALUES (new.seq, new.name, new.email, new.notes);
END;
CREATE TABLE visitors (
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  lead_id TEXT REFERENCES leads(id) ON DELETE SET NULL,
  pages_visited TEXT NOT NULL DEFAULT '[]',
  time_spent INTEGER NOT NULL DEFAULT 0,
  visit_count INTEGER NOT NULL DEFAULT 0,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  PRIMARY KEY (site_id, id)
);
CREATE INDEX visitors_lead ON visitors (lead_id) WHERE lead_id IS NOT NULL;
CREATE TABLE lead_events (
  seq INTEGER PRIMARY KEY,
  site_id TEXT NOT NULL,
  lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  from_value TEXT,
  to_value TEXT,
  at TEXT NOT NULL
);
CREATE INDEX lead_events_lead ON lead_events (lead_id, seq);
CREATE TABLE ingest_receipts (
  site_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (site_id, event_id)
);
CREATE INDEX ingest_receipts_created ON ingest_receipts (created_at)
`),
  },
  // The dashboard: the secret that signs its sessions (one row, shared by every collector on the database) and the
  // owner passwords (scrypt hashes), kept out of `sites` so that no listing of sites ever carries a hash.
  '010_dashboard': {
    up: run(`
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE owner_passwords (
  site_id TEXT PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
  hash TEXT NOT NULL,
  updated_at TEXT NOT NULL
)
`),
  },
  // The search index is kept up to date once per commit by each connection (sqlite/search-queue.ts), not by these.
  '020_search_index_per_commit': {
    up: run(`
DROP TRIGGER leads_fts_insert;
DROP TRIGGER leads_fts_update;
DROP TRIGGER leads_fts_delete
`),
  },
  // Browser submissions (publishable keys): each kept as sent, and per lead which fields a browser filled, so a
  // browser fills empty fields (or its own earlier ones) but never overwrites the owner's. Dashboard sessions live
  // in the database, so signing out ends a session on every collector sharing it.
  '030_submissions_and_sessions': {
    up: run(`
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
  },
};
