/**
 * Publishable keys are kept whole (`token`), so the setup page can always show a working script tag: they are public
 * by design (every page of the site carries one), so hashing them protects nothing. Secret keys stay hashed only;
 * the CHECK makes a secret key's token impossible. Publishable keys made before stay hashed (their token is null).
 */
import type { DialectMigration } from './index.ts';
import { sqlMigration } from './run-statements.ts';

const column = `ALTER TABLE api_keys ADD COLUMN token TEXT CHECK (token IS NULL OR kind = 'publishable')`;

export const publishableKeyTokens: DialectMigration = {
  sqlite: sqlMigration(column),
  postgres: sqlMigration(column),
};
