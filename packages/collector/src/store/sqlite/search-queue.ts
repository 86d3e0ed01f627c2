/**
 * The FTS5 search index, brought up to date once per commit rather than once per statement.
 *
 * FTS5 writes its pending changes out as a new index segment whenever a SAVEPOINT starts or is released. Every
 * request's transaction is a savepoint inside its group's transaction (group-commit.ts), so triggers on `leads`
 * (migration 001) made one segment per request, and the merging of those segments grew to be most of a request's cost
 * as a site's leads grew (docs/reliability.md). Instead, temporary triggers (this connection's own) note which
 * leads changed, with the text the index holds for them, in a temporary table; just before the group commits, the
 * index gets the changes of the whole group in two statements, in the same transaction (so a crash loses both or
 * neither). A savepoint rolled back takes its notes with it.
 *
 * A search in the same group as a write, before its commit, does not see that write: it is answered as if it ran
 * just before it (its writer has not been answered yet either).
 */
import type Database from 'better-sqlite3';

const INSTALL = `
CREATE TEMP TABLE IF NOT EXISTS leads_fts_queue (
  seq INTEGER PRIMARY KEY,
  -- 1: the index holds this lead with the text below (remove it first); 0: a lead new since the last flush.
  indexed INTEGER NOT NULL,
  name TEXT,
  email TEXT,
  notes TEXT,
  company TEXT
);
CREATE TEMP TRIGGER IF NOT EXISTS leads_fts_queue_insert AFTER INSERT ON main.leads BEGIN
  INSERT OR IGNORE INTO leads_fts_queue (seq, indexed) VALUES (new.seq, 0);
END;
CREATE TEMP TRIGGER IF NOT EXISTS leads_fts_queue_update AFTER UPDATE OF name, email, notes, company ON main.leads BEGIN
  INSERT OR IGNORE INTO leads_fts_queue (seq, indexed, name, email, notes, company)
  VALUES (old.seq, 1, old.name, old.email, old.notes, old.company);
END;
CREATE TEMP TRIGGER IF NOT EXISTS leads_fts_queue_delete AFTER DELETE ON main.leads BEGIN
  INSERT OR IGNORE INTO leads_fts_queue (seq, indexed, name, email, notes, company)
  VALUES (old.seq, 1, old.name, old.email, old.notes, old.company);
END;
`;

/** The flush's statements (exported for the plan test). */
export const FLUSH_SQL = {
  remove: `
    INSERT INTO leads_fts (leads_fts, rowid, name, email, notes, company)
    SELECT 'delete', seq, name, email, notes, company FROM leads_fts_queue WHERE indexed = 1`,
  // CROSS JOIN keeps the queue (a few rows) as the outer loop: with a plain JOIN the planner, which has statistics for
  // leads and none for the temporary table, scanned all the leads (0.5 s a commit at 1M leads).
  add: `
    INSERT INTO leads_fts (rowid, name, email, notes, company)
    SELECT l.seq, l.name, l.email, l.notes, l.company FROM leads_fts_queue q CROSS JOIN leads l ON l.seq = q.seq`,
};

/** Installs the queue on this connection (after the migrations); returns the flush to run before each commit. */
export function installSearchQueue(raw: Database.Database): () => void {
  raw.exec(INSTALL);
  const pending = raw.prepare('SELECT 1 FROM leads_fts_queue LIMIT 1').pluck();
  const remove = raw.prepare(FLUSH_SQL.remove);
  const add = raw.prepare(FLUSH_SQL.add);
  const clear = raw.prepare('DELETE FROM leads_fts_queue');
  return () => {
    if (!pending.get()) return;
    remove.run();
    add.run();
    clear.run();
  };
}
