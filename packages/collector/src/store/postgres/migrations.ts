/**
 * PostgreSQL's migration history. Append only: a shipped migration is never edited.
 *
 * Run by Kysely's Migrator at start-up and by `leadtrail migrate`, inside one transaction that holds a
 * Postgres advisory lock, so collectors starting at once against one database migrate it once.
 *
 * Choices that keep results identical to SQLite (see sql/rows.ts and docs/postgres.md):
 * - JSON columns are `json`, not `jsonb`: `json` gives back the text it was given, so key order and numbers come
 *   back exactly as stored (jsonb reorders keys, which would make unchanged JSON compare as changed).
 * - Counters are bigint: sums over many visitors must not overflow where SQLite's 64-bit integers would not.
 * - The trigram GIN indexes keep a small pending list (128 kB, not 4 MB): every search scans that list linearly, so
 *   a large one costs searches several ms after a burst of inserts; flushing small lists also keeps inserts cheap.
 * - Text sorts use `lower(col COLLATE "C")`: ASCII case folding and byte order, exactly SQLite's lower() and
 *   BINARY collation, whatever the database's locale.
 */
import { type Kysely, type Migration, sql } from 'kysely';

const run = async (db: Kysely<unknown>, statements: string) => {
  for (const statement of statements.split(/;\s*\n(?=CREATE|ALTER|DROP|INSERT|UPDATE)/).filter((s) => s.trim())) {
    await sql.raw(statement).execute(db);
  }
};

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Makes sure pg_trgm is installed and returns the qualified name of its GIN operator class. The extension may live
 * in any schema (often `public`, or `extensions` on managed services), not necessarily one on our search path.
 */
async function trigramOpclass(db: Kysely<unknown>): Promise<string> {
  const find = () =>
    sql<{ schema: string }>`
      SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
      WHERE e.extname = 'pg_trgm'`.execute(db);
  let { rows } = await find();
  if (!rows.length) {
    // Needs the CREATE privilege on the database (pg_trgm is a trusted extension since PostgreSQL 13).
    await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);
    ({ rows } = await find());
  }
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('The pg_trgm extension is required (CREATE EXTENSION pg_trgm)');
  return `${quoteIdent(schema)}.gin_trgm_ops`;
}

export const postgresMigrations: Record<string, Migration> = {
  '001_initial': {
    async up(db) {
      const trgm = await trigramOpclass(db);
      await run(
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
  // The dashboard: the secret that signs its sessions (one row, shared by every collector on the database) and the
  // owner passwords (scrypt hashes), kept out of `sites` so that no listing of sites ever carries a hash.
  '010_dashboard': {
    async up(db) {
      await run(
        db,
        `
CREATE TABLE settings (
  key text PRIMARY KEY,
  value text NOT NULL
);
CREATE TABLE owner_passwords (
  site_id uuid PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
  hash text NOT NULL,
  updated_at timestamptz NOT NULL
)
`,
      );
    },
  },
  // Browser submissions and dashboard sessions: see the SQLite migration of the same name.
  '030_submissions_and_sessions': {
    async up(db) {
      await run(
        db,
        `
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
`,
      );
    },
  },
};
