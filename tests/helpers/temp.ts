// Test helpers: a throwaway folder and SQLite file per test, removed afterwards.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from '../../server/storage/db';

/** Makes a fresh temporary folder; call the returned cleanup in afterEach/afterAll. */
export function tempDir(prefix = 'dslkit-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Opens a migrated database in a new temporary folder (a real file, WAL and all). */
export function tempDb(): { db: Db; file: string; dir: string; cleanup: () => void } {
  const t = tempDir();
  const file = path.join(t.dir, 'test.db');
  const db = openDatabase(file);
  return { db, file, dir: t.dir, cleanup: () => { try { db.close(); } catch { /* already closed */ } t.cleanup(); } };
}

/** Captures what a CLI run prints. */
export function captureIo(): { io: { stdout: (t: string) => void; stderr: (t: string) => void; isTTY: boolean }; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { io: { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, isTTY: false }, out: () => out, err: () => err };
}
