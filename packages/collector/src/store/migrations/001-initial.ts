/**
 * The schema as first shipped: sites, their origins and keys, leads, visitors, the history and ingest receipts.
 *
 * Where the dialects differ, and why:
 * - Search: SQLite has an FTS5 trigram table (`leads_fts`, external content, kept by triggers here and by the
 *   per-commit queue since 020); Postgres has pg_trgm GIN indexes on name, email and notes (`leads_search_*`), with a
 *   small pending list (128 kB, not 4 MB): every search scans that list linearly, so a large one costs searches
 *   several ms after a burst of inserts.
 * - Sorts: Postgres has `leads_site_status_updated` and `leads_site_name` (`lower(name COLLATE "C")`) for the list's
 *   sorts by update within a status and by name, which its planner otherwise answers with a sort of the site's rows;
 *   SQLite plans those sorts well from the indexes both have.
 * - Types: JSON is TEXT in SQLite and `json` in Postgres (not `jsonb`: `json` gives back the text it was given, so
 *   key order and numbers come back exactly as stored); counters are bigint in Postgres (sums over many visitors
 *   must not overflow where SQLite's 64-bit integers would not); ids are uuid and times timestamptz in Postgres.
 * - `leads.seq` is the rowid in SQLite (its primary key) and an identity column in Postgres (the primary key is id).
 */
import type { Kysely } from 'kysely';
import type { DialectMigration } from './index.ts';
import { runStatements, sqlMigration } from './run-statements.ts';
import { trigramOpclass } from './trigram.ts';

export const initial: DialectMigration = {
  sqlite: sqlMigration(`
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
  postgres: {
    async up(db: Kysely<unknown>) {
      const trgm = await trigramOpclass(db);
      await runStatements(
        db,
        `
CREATE TABLE sites (
  id uuid PRIMARY KEY,
  name text NOT NULL,
  owner_user_id uuid NOT NULL,
  created_at timestamptz NOT NULL
);
CREATE TABLE site_origins (
  site_id uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  origin text NOT NULL,
  PRIMARY KEY (site_id, origin)
);
CREATE INDEX site_origins_origin ON site_origins (origin);
CREATE TABLE api_keys (
  id uuid PRIMARY KEY,
  site_id uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('secret', 'publishable')),
  prefix text NOT NULL,
  hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX api_keys_site ON api_keys (site_id);
CREATE TABLE leads (
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  id uuid PRIMARY KEY,
  site_id uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  user_id uuid,
  name text NOT NULL,
  email text,
  email_norm text,
  phone text,
  phone_norm text,
  position text,
  company text,
  notes text,
  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'contacted', 'qualified', 'converted', 'lost')),
  origin text,
  source text,
  segment_id uuid,
  campaign_id uuid,
  assignee_id uuid,
  lead_score integer CHECK (lead_score BETWEEN 1 AND 100),
  contact_info json,
  company_info json,
  interest_level text,
  product_interest text,
  pages_visited json NOT NULL DEFAULT '[]',
  time_spent bigint NOT NULL DEFAULT 0,
  visit_count bigint NOT NULL DEFAULT 0,
  own_behaviour json,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  status_changed_at timestamptz
);
CREATE UNIQUE INDEX leads_site_email ON leads (site_id, email_norm);
CREATE INDEX leads_site_phone ON leads (site_id, phone_norm) WHERE phone_norm IS NOT NULL;
CREATE INDEX leads_site_created ON leads (site_id, created_at, seq);
CREATE INDEX leads_site_updated ON leads (site_id, updated_at, seq);
CREATE INDEX leads_site_status_created ON leads (site_id, status, created_at, seq);
CREATE INDEX leads_site_status_updated ON leads (site_id, status, updated_at, seq);
CREATE INDEX leads_site_origin_created ON leads (site_id, origin, created_at, seq);
CREATE INDEX leads_site_name ON leads (site_id, lower(name COLLATE "C"), seq);
CREATE INDEX leads_site_assignee ON leads (site_id, assignee_id) WHERE assignee_id IS NOT NULL;
CREATE INDEX leads_site_segment ON leads (site_id, segment_id) WHERE segment_id IS NOT NULL;
CREATE INDEX leads_site_campaign ON leads (site_id, campaign_id) WHERE campaign_id IS NOT NULL;
CREATE INDEX leads_site_user ON leads (site_id, user_id);
CREATE INDEX leads_search_name ON leads USING gin (name ${trgm}) WITH (gin_pending_list_limit = 128);
CREATE INDEX leads_search_email ON leads USING gin (email ${trgm}) WITH (gin_pending_list_limit = 128);
CREATE INDEX leads_search_notes ON leads USING gin (notes ${trgm}) WITH (gin_pending_list_limit = 128);
CREATE TABLE visitors (
  site_id uuid NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  id uuid NOT NULL,
  lead_id uuid REFERENCES leads(id) ON DELETE SET NULL,
  pages_visited json NOT NULL DEFAULT '[]',
  time_spent bigint NOT NULL DEFAULT 0,
  visit_count bigint NOT NULL DEFAULT 0,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  PRIMARY KEY (site_id, id)
);
CREATE INDEX visitors_lead ON visitors (lead_id) WHERE lead_id IS NOT NULL;
CREATE TABLE lead_events (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  site_id uuid NOT NULL,
  lead_id uuid NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  type text NOT NULL,
  from_value text,
  to_value text,
  at timestamptz NOT NULL
);
CREATE INDEX lead_events_lead ON lead_events (lead_id, seq);
CREATE TABLE ingest_receipts (
  site_id uuid NOT NULL,
  event_id uuid NOT NULL,
  status integer NOT NULL,
  body json NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (site_id, event_id)
);
CREATE INDEX ingest_receipts_created ON ingest_receipts (created_at)
`,
      );
    },
  },
};
