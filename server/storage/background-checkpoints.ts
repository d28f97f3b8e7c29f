// Moves SQLite's WAL checkpoints off the event loop: a worker thread with its own connection copies the WAL into the database file every second, so no survey answer waits behind a checkpoint and its fsync.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import type { Db } from './db';

/**
 * The worker's code (CommonJS, run with eval so the server can stay one bundled file). PASSIVE never waits
 * for readers or writers; it copies what it can, and the main connection's next write starts the WAL
 * again from the beginning once everything was copied.
 */
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
}, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  try { db.pragma('wal_checkpoint(PASSIVE)'); } finally { db.close(); parentPort.close(); }
});
`;

export interface BackgroundCheckpoints { stop: () => Promise<void> }

/**
 * Turns off the automatic checkpoint on `db` (which runs inside a commit, on the event loop) and starts the
 * worker. A checkpoint error is logged, and the connection falls back to automatic checkpoints so the WAL
 * cannot grow without bound. stop() runs a last checkpoint and ends the worker.
 */
export function startBackgroundCheckpoints(db: Db, log: (line: string) => void, intervalMs = 1000): BackgroundCheckpoints {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(workerSource, { eval: true, workerData: { driver, file: db.name, intervalMs } });
  db.pragma('wal_autocheckpoint = 0');
  const fallBack = (why: string) => {
    db.pragma('wal_autocheckpoint = 1000');
    log(`background checkpoints stopped (${why}); SQLite checkpoints automatically again`);
  };
  worker.on('message', (m: { error?: string }) => { if (m.error) log(`background checkpoint failed: ${m.error}`); });
  let stopping = false;
  worker.on('error', (err) => fallBack(err.message));
  const exited = new Promise<void>((resolve) => worker.once('exit', (code) => {
    if (!stopping && db.open) fallBack(`the worker exited with code ${code}`);
    resolve();
  }));
  worker.unref();
  return {
    stop: async () => {
      stopping = true;
      worker.postMessage('stop');
      await exited;
      if (db.open) db.pragma('wal_autocheckpoint = 1000');
    },
  };
}
