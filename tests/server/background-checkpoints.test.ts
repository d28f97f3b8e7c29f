// Background checkpoints on a real file: the automatic checkpoint is off on the serving connection, yet the worker copies committed rows from the WAL into the database file, and stop() leaves nothing behind in the WAL.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/storage/db';
import { startBackgroundCheckpoints } from '../../server/storage/background-checkpoints';
import { tempDir } from '../helpers/temp';

const temp = tempDir('dslkit-checkpoints-');
afterAll(() => temp.cleanup());

/** Rows of the audit table as the database file alone holds them (a copy without its -wal file). */
function rowsInMainFile(file: string, name: string): number {
  const copy = path.join(temp.dir, name);
  fs.copyFileSync(file, copy);
  const db = new Database(copy, { readonly: true });
  try { return (db.prepare("SELECT count(*) AS n FROM audit_log WHERE actor = 'checkpoint-test'").get() as { n: number }).n; } finally { db.close(); }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('background checkpoints', () => {
  it('copies committed writes into the database file from a worker while the serving connection never checkpoints', async () => {
    const file = path.join(temp.dir, 'serve.db');
    const db = openDatabase(file);
    db.pragma('wal_checkpoint(TRUNCATE)'); // the schema into the database file, so a copy without the WAL opens
    const logged: string[] = [];
    const checkpoints = startBackgroundCheckpoints(db, (l) => logged.push(l), 50);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const insert = db.prepare("INSERT INTO audit_log (at, actor, action, detail) VALUES ('2025-01-01T00:00:00Z', 'checkpoint-test', 'test', '{}')");
    for (let batch = 0; batch < 20; batch++) db.transaction(() => { for (let i = 0; i < 50; i++) insert.run(); })();
    expect(rowsInMainFile(file, 'before.db')).toBe(0); // only in the WAL so far
    let copied = 0;
    for (let tries = 0; tries < 40 && copied < 1000; tries++) { await sleep(50); copied = rowsInMainFile(file, `try-${tries}.db`); }
    expect(copied).toBe(1000);
    for (let i = 0; i < 10; i++) insert.run();
    await checkpoints.stop(); // a last checkpoint
    expect(rowsInMainFile(file, 'after-stop.db')).toBe(1010);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000); // back to SQLite's default
    expect(logged).toEqual([]);
    db.close();
  });
});
