// Online backup of the live SQLite file (SQLite's backup API, safe while the server writes in WAL mode), then a read-only integrity check and row counts of the copy.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ValidationError } from '../../shared/errors';
import { preparePrivateDatabaseFile } from './private-files';

export interface BackupResult {
  /** Absolute path of the finished copy. */
  file: string;
  bytes: number;
  /** 'ok' or SQLite's first integrity problem. */
  integrity: string;
  /** Rows in every table of the copy, by table name (sorted). */
  counts: Record<string, number>;
  /** The copy's schema version (PRAGMA user_version). */
  schemaVersion: number;
}

export interface BackupOptions {
  /** Replace an existing destination file. */
  force?: boolean;
  /**
   * Pages copied per step. Default: all in one step, which holds one read transaction for the whole copy so a
   * busy server (whose writes do not wait for readers in WAL mode) cannot force SQLite to restart the copy.
   */
  pagesPerStep?: number;
}

/** Row counts of every ordinary table (sqlite_* internals excluded), sorted by name. */
export function tableCounts(db: Database.Database): Record<string, number> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
  return Object.fromEntries(tables.map(({ name }) => [name, (db.prepare(`SELECT count(*) AS n FROM "${name.replace(/"/g, '""')}"`).get() as { n: number }).n]));
}

/** Opens a backup copy (or any database file) read-only without touching its journal mode, for checks. */
export function openCopyReadOnly(file: string): Database.Database {
  return new Database(file, { readonly: true, fileMustExist: true });
}

/** PRAGMA integrity_check: 'ok', or the problems it lists joined by '; '. */
export function integrityOf(db: Database.Database): string {
  const rows = db.pragma('integrity_check') as { integrity_check: string }[];
  return rows.map((r) => r.integrity_check).join('; ');
}

/**
 * Copies `source` to `destination` with SQLite's online backup API while other connections keep writing,
 * writes to a temporary file beside the destination and renames it into place only when the copy checks 'ok',
 * so a failed backup never leaves a half-written file under the destination's name.
 */
export async function backupDatabase(source: string, destination: string, opts: BackupOptions = {}): Promise<BackupResult> {
  const from = path.resolve(source);
  const to = path.resolve(destination);
  if (!fs.existsSync(from)) throw new ValidationError(`There is no database at ${from} to back up.`);
  if (from === to) throw new ValidationError('The backup file must differ from the database file.');
  if (fs.existsSync(to) && !opts.force) throw new ValidationError(`${to} already exists; choose another name or pass --force to replace it.`);
  if (!fs.existsSync(path.dirname(to))) throw new ValidationError(`The folder ${path.dirname(to)} does not exist.`);

  const partial = `${to}.partial-${process.pid}`;
  fs.rmSync(partial, { force: true });
  preparePrivateDatabaseFile(partial); // the copy is created 0600 and keeps that mode when renamed into place
  const live = new Database(from, { fileMustExist: true });
  try {
    live.pragma('busy_timeout = 5000');
    const pages = opts.pagesPerStep ?? 0x7fffffff;
    await live.backup(partial, { progress: () => pages });
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw err;
  } finally {
    live.close();
  }

  try {
    // The copy carries the WAL flag of its source; make it one self-contained file (no -wal/-shm) before checking it read-only.
    const writable = new Database(partial, { fileMustExist: true });
    writable.pragma('journal_mode = DELETE');
    writable.close();
    const copy = openCopyReadOnly(partial);
    let result: Omit<BackupResult, 'file' | 'bytes'>;
    try {
      result = { integrity: integrityOf(copy), counts: tableCounts(copy), schemaVersion: copy.pragma('user_version', { simple: true }) as number };
    } finally {
      copy.close();
    }
    if (result.integrity !== 'ok') throw new ValidationError(`The backup copy failed its integrity check (${result.integrity}); nothing was written to ${to}.`);
    fs.renameSync(partial, to);
    return { file: to, bytes: fs.statSync(to).size, ...result };
  } finally {
    fs.rmSync(partial, { force: true });
    fs.rmSync(`${partial}-wal`, { force: true });
    fs.rmSync(`${partial}-shm`, { force: true });
    fs.rmSync(`${partial}-journal`, { force: true });
  }
}
