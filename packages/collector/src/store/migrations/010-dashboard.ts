/**
 * The dashboard: the HMAC secret of its CSRF tokens (one row, shared by every collector on the database) and the
 * owner passwords (scrypt hashes), kept out of `sites` so that no listing of sites ever carries a hash.
 */
import type { DialectMigration } from './index.ts';
import { sqlMigration } from './run-statements.ts';

export const dashboard: DialectMigration = {
  sqlite: sqlMigration(`
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
  postgres: sqlMigration(`
CREATE TABLE settings (
  key text PRIMARY KEY,
  value text NOT NULL
);
CREATE TABLE owner_passwords (
  site_id uuid PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
  hash text NOT NULL,
  updated_at timestamptz NOT NULL
)
`),
};
