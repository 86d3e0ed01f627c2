/**
 * Attribution: each visitor's first and latest touch, and the lead's roll-up of them (JSON, as the API returns
 * them). A lead's touches are also kept as rows of lead_touches, one per kind, with the values a list filters by
 * (channel, and utm_source, utm_medium, utm_campaign and the referrer's host in lower case), each indexed with the
 * site and kind ahead of it: a filter reads index entries, and leads, the hot table, gains no index.
 */
import type { DialectMigration } from './index.ts';
import { sqlMigration } from './run-statements.ts';

const indexes = `
CREATE INDEX lead_touches_channel ON lead_touches (site_id, kind, channel, lead_id);
CREATE INDEX lead_touches_utm_source ON lead_touches (site_id, kind, utm_source, lead_id);
CREATE INDEX lead_touches_utm_medium ON lead_touches (site_id, kind, utm_medium, lead_id);
CREATE INDEX lead_touches_utm_campaign ON lead_touches (site_id, kind, utm_campaign, lead_id);
CREATE INDEX lead_touches_referrer_host ON lead_touches (site_id, kind, referrer_host, lead_id)`;

export const attribution: DialectMigration = {
  sqlite: sqlMigration(`
ALTER TABLE visitors ADD COLUMN first_touch TEXT;
ALTER TABLE visitors ADD COLUMN latest_touch TEXT;
ALTER TABLE leads ADD COLUMN first_touch TEXT;
ALTER TABLE leads ADD COLUMN latest_touch TEXT;
CREATE TABLE lead_touches (
  lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('first', 'latest')),
  site_id TEXT NOT NULL,
  channel TEXT NOT NULL,
  utm_source TEXT,
  utm_medium TEXT,
  utm_campaign TEXT,
  referrer_host TEXT,
  PRIMARY KEY (lead_id, kind)
);${indexes}
`),
  postgres: sqlMigration(`
ALTER TABLE visitors ADD COLUMN first_touch json;
ALTER TABLE visitors ADD COLUMN latest_touch json;
ALTER TABLE leads ADD COLUMN first_touch json;
ALTER TABLE leads ADD COLUMN latest_touch json;
CREATE TABLE lead_touches (
  lead_id uuid NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('first', 'latest')),
  site_id uuid NOT NULL,
  channel text NOT NULL,
  utm_source text,
  utm_medium text,
  utm_campaign text,
  referrer_host text,
  PRIMARY KEY (lead_id, kind)
);${indexes}
`),
};
