/**
 * Search covers the company too (beyond the seed's name, email and notes). SQLite rebuilds its FTS5 trigram table
 * with the column and re-indexes every lead from its rows; Postgres adds a trigram GIN index on company, like the
 * other three.
 */
import type { Kysely } from 'kysely';
import type { DialectMigration } from './index.ts';
import { runStatements, sqlMigration } from './run-statements.ts';
import { trigramOpclass } from './trigram.ts';

export const searchCompany: DialectMigration = {
  sqlite: sqlMigration(`
DROP TABLE leads_fts;
CREATE VIRTUAL TABLE leads_fts USING fts5(
  name, email, notes, company, content='leads', content_rowid='seq', tokenize='trigram'
);
INSERT INTO leads_fts (leads_fts) VALUES ('rebuild')
`),
  postgres: {
    async up(db: Kysely<unknown>) {
      const trgm = await trigramOpclass(db);
      await runStatements(
        db,
        `CREATE INDEX leads_search_company ON leads USING gin (company ${trgm}) WITH (gin_pending_list_limit = 128)`,
      );
    },
  },
};
