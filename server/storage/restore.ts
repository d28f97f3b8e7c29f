// Restores a backup file as the database: checks the backup, refuses while another process has the database open, removes a stale -wal/-shm (which would otherwise be replayed into the restored file), sets the old file aside, and checks the result.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ValidationError } from '../../shared/errors';
import { latestSchemaVersion, migrationStatus, openDatabase } from './db';
import { integrityOf, tableCounts } from './backup';
import { makePrivate, preparePrivateDatabaseFile, writePrivateFile } from './private-files';
import { appendAudit } from './audit-repo';

export interface RestoreResult {
  file: string;
  /** Where the database that was replaced now is (undefined when there was none). */
  replacedAside?: string;
  /** The -wal, -shm and -journal files found beside the old database and removed. */
  removedStale: string[];
  integrity: string;
  backupSchemaVersion: number;
  schemaVersion: number;
  pendingMigrations: number;
  counts: Record<string, number>;
  /** What happened to the secret file found beside the backup, if any. */
  secret?: { copiedTo?: string; differsFrom?: string };
}

const sideFiles = (db: string) => [`${db}-wal`, `${db}-shm`, `${db}-journal`];

function isSqliteCode(err: unknown, ...codes: string[]): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && codes.some((c) => code.startsWith(c));
}

/** Opens the backup read-only and checks it is a sound dslkit database this code can run; returns its schema version. */
export function checkBackupFile(file: string): number {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new ValidationError(`There is no backup file at ${file}; nothing was changed.`);
  let db: Database.Database;
  try { db = new Database(file, { readonly: true, fileMustExist: true }); } catch (err) {
    throw new ValidationError(`${file} could not be opened as a database (${(err as Error).message}); nothing was changed.`);
  }
  try {
    let integrity: string;
    let isDslkit: boolean;
    try {
      isDslkit = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name IN ('trials', 'schema_migrations')").all().length === 2;
      integrity = isDslkit ? integrityOf(db) : '';
    } catch (err) {
      if (isSqliteCode(err, 'SQLITE_NOTADB')) throw new ValidationError(`${file} is not a dslkit database (not an SQLite file); nothing was changed.`);
      if (isSqliteCode(err, 'SQLITE_CORRUPT')) throw new ValidationError(`${file} is damaged (SQLite: ${(err as Error).message}): its integrity check failed; nothing was changed.`);
      throw err;
    }
    if (!isDslkit) throw new ValidationError(`${file} is not a dslkit database (it has no trials and schema_migrations tables); nothing was changed.`);
    if (integrity !== 'ok') throw new ValidationError(`${file} is damaged: its integrity check failed (${integrity.slice(0, 300)}); nothing was changed.`);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > latestSchemaVersion()) throw new ValidationError(`${file} was made by newer dslkit code (schema version ${version}; this code knows up to ${latestSchemaVersion()}): upgrade dslkit first; nothing was changed.`);
    return version;
  } finally { db.close(); }
}

/**
 * Throws when another process has the database open. Every connection to a WAL database holds a shared lock
 * on it, so leaving WAL mode (which needs the only connection) fails with SQLITE_BUSY while the server runs.
 * When it succeeds SQLite has also checkpointed and deleted a WAL left by a crash. A file too damaged to open
 * is not in use by a working server, so it may be replaced.
 */
function refuseIfInUse(dbFile: string): void {
  if (!fs.existsSync(dbFile)) return;
  let db: Database.Database | undefined;
  try {
    db = new Database(dbFile, { fileMustExist: true, timeout: 0 });
    db.pragma('journal_mode = DELETE');
  } catch (err) {
    if (isSqliteCode(err, 'SQLITE_BUSY', 'SQLITE_LOCKED')) {
      throw new ValidationError(`${dbFile} is in use by another process (the dslkit server, or a running dslkit command): stop the server first, then run dslkit restore again. Nothing was changed.`);
    }
    if (!isSqliteCode(err, 'SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_IOERR')) throw err;
  } finally { db?.close(); }
}

/**
 * Run as root (an operator restoring for the service), the copy would belong to root and the server, running
 * as its own user, could not open it: give it the owner of the file it replaces (or of the folder).
 */
function keepOwner(file: string, like: string): void {
  if (process.getuid?.() !== 0) return;
  const st = fs.statSync(like);
  fs.chownSync(file, st.uid, st.gid);
}

function stamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** Restores `backup` as `dbFile` (see the file header); the old database is renamed to <db>.replaced-<time>. */
export function restoreDatabase(backup: string, dbFile: string, opts: { at: Date; actor: string; secretFile: string }): RestoreResult {
  const from = path.resolve(backup);
  const to = path.resolve(dbFile);
  if (from === to) throw new ValidationError('The backup file must differ from the database file.');
  const backupSchemaVersion = checkBackupFile(from);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  const staleBefore = sideFiles(to).filter((f) => fs.existsSync(f));
  refuseIfInUse(to);

  const partial = `${to}.restoring-${process.pid}`;
  preparePrivateDatabaseFile(partial);
  fs.copyFileSync(from, partial);
  makePrivate(partial);
  keepOwner(partial, fs.existsSync(to) ? to : path.dirname(to));
  let replacedAside: string | undefined;
  if (fs.existsSync(to)) {
    replacedAside = `${to}.replaced-${stamp(opts.at)}`;
    fs.renameSync(to, replacedAside);
    makePrivate(replacedAside);
  }
  for (const f of sideFiles(to)) fs.rmSync(f, { force: true }); // a stale WAL must never meet the restored file
  fs.renameSync(partial, to);

  let result: Omit<RestoreResult, 'secret'>;
  try {
    const db = openDatabase(to); // migrates an older backup to this code's schema
    try {
      const status = migrationStatus(db);
      result = {
        file: to, replacedAside, removedStale: staleBefore, integrity: integrityOf(db), backupSchemaVersion,
        schemaVersion: status.schemaVersion, pendingMigrations: status.pending.length, counts: tableCounts(db),
      };
      if (result.integrity !== 'ok' || result.pendingMigrations > 0) throw new ValidationError(`The restored database failed its check (integrity ${result.integrity}, ${result.pendingMigrations} migrations pending).`);
      appendAudit(db, { at: opts.at.toISOString(), actor: opts.actor, action: 'restore', detail: { from: path.basename(from), backupSchemaVersion, schemaVersion: result.schemaVersion } });
    } finally { db.close(); }
  } catch (err) {
    // Put the old database back: a restore either completes and checks out, or leaves things as they were.
    for (const f of [to, ...sideFiles(to)]) fs.rmSync(f, { force: true });
    if (replacedAside) fs.renameSync(replacedAside, to);
    throw err;
  }
  return { ...result, secret: restoreSecret(path.join(path.dirname(from), 'secret.key'), opts.secretFile) };
}

/** The secret beside a backup (dslkit backup --dir copies it there) is copied into place when the server has none; a different one is reported, never overwritten. */
function restoreSecret(besideBackup: string, secretFile: string): RestoreResult['secret'] {
  if (!fs.existsSync(besideBackup)) return undefined;
  if (!fs.existsSync(secretFile)) {
    fs.mkdirSync(path.dirname(secretFile), { recursive: true });
    writePrivateFile(secretFile, fs.readFileSync(besideBackup));
    keepOwner(secretFile, path.dirname(secretFile));
    return { copiedTo: secretFile };
  }
  return fs.readFileSync(besideBackup).equals(fs.readFileSync(secretFile)) ? {} : { differsFrom: secretFile };
}
