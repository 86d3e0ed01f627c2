/**
 * SQLite backups through SQLite's online backup API (better-sqlite3's `backup`): a consistent copy of the database as
 * of one moment, taken page by page while collectors keep writing (WAL mode lets readers and the one writer go on).
 * Every write a collector acknowledged before the backup began is in it. A restore checks the copy first and puts it
 * in place of a database no collector is using.
 */
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';

export class BackupError extends Error {}

/** The tables every leadtrail database has: a file without them is not a leadtrail backup. */
const REQUIRED_TABLES = ['sites', 'leads', 'kysely_migration'];

/** Copies the database at `db` (in use or not) to `out`, which must not exist; answers the pages copied. */
export async function backupSqlite(db: string, out: string): Promise<{ pages: number }> {
  if (!existsSync(db)) throw new BackupError(`There is no database at ${db}`);
  if (existsSync(out)) throw new BackupError(`${out} exists already: back up to a new file`);
  const source = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const { totalPages } = await source.backup(out);
    return { pages: totalPages };
  } catch (error) {
    rmSync(out, { force: true });
    throw error;
  } finally {
    source.close();
  }
}

/** Opens a backup read-only and checks it: SQLite's integrity check, foreign keys, and leadtrail's tables. */
export function checkSqliteBackup(file: string): { migrations: string[] } {
  if (!existsSync(file)) throw new BackupError(`There is no backup at ${file}`);
  let copy: Database.Database;
  try {
    copy = new Database(file, { readonly: true, fileMustExist: true });
  } catch {
    throw new BackupError(`${file} is not an SQLite database`);
  }
  try {
    let integrity: unknown;
    try {
      integrity = copy.pragma('integrity_check', { simple: true });
    } catch {
      throw new BackupError(`${file} is not an SQLite database`);
    }
    if (integrity !== 'ok') throw new BackupError(`${file} fails SQLite's integrity check: ${String(integrity)}`);
    const tables = new Set(
      (copy.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]).map(String),
    );
    const missing = REQUIRED_TABLES.filter((t) => !tables.has(t));
    if (missing.length) throw new BackupError(`${file} is not a leadtrail database (no ${missing.join(', ')} table)`);
    if ((copy.pragma('foreign_key_check') as unknown[]).length) {
      throw new BackupError(`${file} has rows whose foreign keys point nowhere`);
    }
    const migrations = copy.prepare('SELECT name FROM kysely_migration ORDER BY name').pluck().all() as string[];
    return { migrations };
  } finally {
    copy.close();
  }
}

/**
 * Puts a checked backup in place of the database at `db`. The database must not be in use (stop its collectors
 * first); one that exists is kept beside it as `<db>.before-restore` unless `replace` is false, when it is refused.
 */
export function restoreSqlite(from: string, db: string, { replace = false } = {}) {
  const checked = checkSqliteBackup(from);
  if (existsSync(db) && !replace) {
    throw new BackupError(
      `${db} exists: stop its collectors and add --replace to restore over it (it is kept as ${db}.before-restore)`,
    );
  }
  const staged = `${db}.restoring`;
  copyFileSync(from, staged);
  // The old database keeps its WAL (committed writes may wait there for a checkpoint) under its new name.
  for (const suffix of ['', '-wal', '-shm']) {
    rmSync(`${db}.before-restore${suffix}`, { force: true });
    if (existsSync(`${db}${suffix}`)) renameSync(`${db}${suffix}`, `${db}.before-restore${suffix}`);
  }
  renameSync(staged, db);
  return checked;
}
