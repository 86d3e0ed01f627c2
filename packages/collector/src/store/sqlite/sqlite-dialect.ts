/** The embedded default: one SQLite file in WAL mode, searched through an FTS5 trigram index. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { likeContains, type SqlDialect } from '../sql/dialect.ts';
import type { Database as Schema } from '../sql/schema.ts';
import { sqliteMigrations } from './migrations.ts';

/** better-sqlite3 with prepared statements reused by SQL text (Kysely prepares on every call otherwise). */
function withStatementCache(db: Database.Database) {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => db.close(),
    prepare(text: string) {
      let statement = cache.get(text);
      if (!statement) {
        statement = db.prepare(text);
        if (cache.size > 500) cache.clear();
        cache.set(text, statement);
      }
      return statement;
    },
  };
}

/** FTS5 phrase query: the text as one quoted phrase, so its characters are never query syntax. */
const ftsPhrase = (text: string) => `"${text.replace(/"/g, '""')}"`;

export function openSqliteDialect(path: string): SqlDialect & { raw: Database.Database } {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const raw = new Database(path);
  raw.pragma('journal_mode = WAL');
  // NORMAL in WAL: a commit survives a process crash (SIGKILL); only an OS crash may lose the last commits.
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  // Planner statistics, as SQLite advises for long-lived connections: without them a search on a large site is
  // planned as a walk of the site's index instead of a look-up of the trigram index's matches.
  raw.pragma('optimize = 0x10002');
  const maintenance = setInterval(() => raw.pragma('optimize'), 3_600_000);
  maintenance.unref();
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(raw) }) });
  return {
    name: 'sqlite',
    db,
    raw,
    migrations: sqliteMigrations,
    rowLocks: false,
    searchLeads(search) {
      // Trigrams need three characters; shorter text falls back to LIKE (a scan of the site's leads).
      if ([...search].length < 3) {
        const pattern = likeContains(search);
        return sql<boolean>`(name LIKE ${pattern} ESCAPE '\\' OR email LIKE ${pattern} ESCAPE '\\' OR notes LIKE ${pattern} ESCAPE '\\')`;
      }
      return sql<boolean>`seq IN (SELECT rowid FROM leads_fts WHERE leads_fts MATCH ${ftsPhrase(search)})`;
    },
    isUniqueViolation: (error) =>
      typeof error === 'object' &&
      error !== null &&
      'code' in error &&
      (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'),
    close: async () => {
      clearInterval(maintenance);
      if (raw.open) raw.pragma('optimize');
      await db.destroy();
    },
  };
}
