/**
 * WAL checkpoints off the request path. SQLite checkpoints on commit by default (every 1000 WAL pages): the
 * committing request then copies pages into the database file and fsyncs it, which on a busy disk makes a commit
 * take milliseconds instead of microseconds. Here a worker thread with its own connection runs
 * `PRAGMA wal_checkpoint(PASSIVE)` every few hundred milliseconds (PASSIVE never blocks readers or writers, and
 * never waits on a lock), so the fsyncs happen beside the requests. The request connection keeps a raised
 * `wal_autocheckpoint` as a safety net should the worker fall behind or stop.
 *
 * The worker's code is inline (an eval worker) so it is found the same way from the TypeScript sources and from the
 * bundled CLI (dist/cli.mjs); the SQLite driver it loads is resolved here and handed to it by path.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
let stopped = false;
const checkpoint = () => {
  if (stopped) return;
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    // SQLITE_BUSY and the like: another checkpoint is running; the next tick tries again.
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  stopped = true;
  clearInterval(timer);
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
  db.close();
  parentPort.postMessage('stopped');
  parentPort.close();
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/** Starts checkpointing the WAL of the database file at `path` from a worker thread. */
export function startCheckpointer(path: string, intervalMs = 250): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path, intervalMs } });
  worker.unref();
  let failed = false;
  // A worker that cannot run (say, the file vanished) leaves checkpoints to SQLite's own autocheckpoint.
  worker.on('error', () => {
    failed = true;
  });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      if (failed) return;
      // Held until the worker has closed its connection: an unreferenced worker would let the event loop run dry
      // meanwhile, and a caller awaiting the store's close would never resume (a script's top-level await exits 13).
      worker.ref();
      const stopped = new Promise<void>((resolve) => worker.once('message', () => resolve()));
      worker.postMessage('stop');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(resolve, 5000);
      });
      await Promise.race([Promise.all([stopped, exited]), timeout]);
      clearTimeout(timer);
      await worker.terminate();
    },
  };
}
