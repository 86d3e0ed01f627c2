/** The embedded default: one SQLite file in WAL mode, searched through an FTS5 trigram index. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { positiveIntFromEnv } from '../env-setting.ts';
import { migrationsFor } from '../migrations/index.ts';
import { likeContains, type SqlDialect } from '../sql/dialect.ts';
import type { Database as Schema } from '../sql/schema.ts';
import { type Checkpointer, startCheckpointer } from './checkpointer.ts';
import { groupCommitDialect } from './group-commit.ts';
import { installSearchQueue } from './search-queue.ts';

/** WAL pages after which a commit checkpoints by itself: only reached when the checkpoint worker falls behind. */
const AUTOCHECKPOINT_PAGES = 10_000;
/** A WAL that grew past this is truncated back when it is next reset. */
const WAL_SIZE_LIMIT = 64 * 1024 * 1024;
/**
 * The page cache (SQLite's default is 16 MB). The FTS5 search index merges its segments as leads are added; once
 * the index outgrows the cache, every merge reads it back from the file and a collector's write rate collapsed
 * (from about 1,300 to 200 creates/s after 100,000 leads, docs/reliability.md). It only grows as pages are used.
 * LEADTRAIL_SQLITE_CACHE_MB sets another size.
 */
const CACHE_MB = 256;
/** Short-lived commands (the CLI's sites and keys) exit before this and never start a checkpoint worker. */
const CHECKPOINTER_DELAY_MS = 1000;

/** FTS5 phrase query: the text as one quoted phrase, so its characters are never query syntax. */
const ftsPhrase = (text: string) => `"${text.replace(/"/g, '""')}"`;

export function openSqliteDialect(path: string): SqlDialect & { raw: Database.Database; configVersion: () => string } {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const raw = new Database(path);
  const wal = raw.pragma('journal_mode = WAL', { simple: true }) === 'wal';
  // NORMAL in WAL: a commit survives a process crash (SIGKILL); only an OS crash may lose the last commits.
  raw.pragma('synchronous = NORMAL');
  // Checkpoints run in a worker (checkpointer.ts); the request connection only checkpoints as a safety net.
  let checkpointer: Checkpointer | undefined;
  let checkpointerTimer: NodeJS.Timeout | undefined;
  if (wal && path !== ':memory:' && path !== '') {
    raw.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    raw.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
    checkpointerTimer = setTimeout(() => {
      checkpointer = startCheckpointer(path);
    }, CHECKPOINTER_DELAY_MS);
    checkpointerTimer.unref();
  }
  // Temporary files (the journal a SAVEPOINT keeps for rolling back to it) in memory rather than on disk.
  raw.pragma('temp_store = MEMORY');
  raw.pragma(`cache_size = ${-1024 * positiveIntFromEnv('LEADTRAIL_SQLITE_CACHE_MB', CACHE_MB)}`);
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  // Planner statistics, as SQLite advises for long-lived connections: without them a search on a large site is
  // planned as a walk of the site's index instead of a look-up of the trigram index's matches.
  raw.pragma('optimize = 0x10002');
  const maintenance = setInterval(() => raw.pragma('optimize'), 3_600_000);
  maintenance.unref();
  // Transactions are committed in groups, once per turn of the event loop (group-commit.ts).
  const { dialect, driver } = groupCommitDialect({ prepare: (text) => raw.prepare(text), raw });
  const db = new Kysely<Schema>({ dialect });
  return {
    name: 'sqlite',
    db,
    raw,
    migrations: migrationsFor('sqlite'),
    rowLocks: false,
    readsInTransaction: true,
    writableCtes: false,
    configVersion: () => driver.configVersion(),
    jsonTextArray: (column) => sql`json_group_array(${sql.ref(column)} ORDER BY ${sql.ref(column)})`,
    afterMigrate() {
      driver.beforeCommit = installSearchQueue(raw);
    },
    searchPlan(search) {
      // No stored text holds NUL (every front door refuses it), and FTS5 would stop reading the phrase there.
      if (search.includes('\u0000')) return { shape: 'nothing' };
      // Trigrams need three characters; shorter text falls back to LIKE (a scan of the site's leads).
      if ([...search].length < 3) return { shape: 'like', value: likeContains(search) };
      return { shape: 'fts', value: ftsPhrase(search) };
    },
    searchPredicate(shape, value) {
      if (shape === 'nothing') return sql<boolean>`false`;
      if (shape === 'like') {
        return sql<boolean>`(name LIKE ${value} ESCAPE '\\' OR email LIKE ${value} ESCAPE '\\' OR notes LIKE ${value} ESCAPE '\\' OR company LIKE ${value} ESCAPE '\\')`;
      }
      return sql<boolean>`seq IN (SELECT rowid FROM leads_fts WHERE leads_fts MATCH ${value})`;
    },
    isUniqueViolation: (error) =>
      typeof error === 'object' &&
      error !== null &&
      'code' in error &&
      (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'),
    close: async () => {
      clearInterval(maintenance);
      clearTimeout(checkpointerTimer);
      // The worker's connection closes first, so the last one to close (this) checkpoints and removes the WAL.
      await checkpointer?.stop();
      if (raw.open) raw.pragma('optimize');
      await db.destroy();
    },
  };
}
