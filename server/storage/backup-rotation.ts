// Scheduled backups into one folder: timestamped names (dslkit-YYYYMMDDTHHMMSSZ.db), the server secret copied beside them, and rotation that removes only its own oldest files beyond the number to keep.
import fs from 'node:fs';
import path from 'node:path';
import { ValidationError } from '../../shared/errors';
import { writePrivateFile } from './private-files';

const rotatedName = /^dslkit-(\d{8}T\d{6}Z)\.db$/;

/** The file name a backup taken at `at` gets: dslkit-20261201T020000Z.db (UTC, sorts by time). */
export function rotatedBackupName(at: Date): string {
  return `dslkit-${at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '')}.db`;
}

/** Creates the backup folder (0700) if it is missing; refuses a path that is not a folder. */
export function ensureBackupFolder(dir: string): void {
  if (fs.existsSync(dir)) {
    if (!fs.statSync(dir).isDirectory()) throw new ValidationError(`${dir} is not a folder.`);
    return;
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

/** The rotated backups in `dir` (only files named by rotatedBackupName), oldest first. */
export function listRotatedBackups(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => rotatedName.test(f)).sort();
}

/** Removes the oldest rotated backups so that `keep` remain; returns the names removed. Other files are never touched. */
export function pruneRotatedBackups(dir: string, keep: number): string[] {
  const all = listRotatedBackups(dir);
  const removed = all.slice(0, Math.max(0, all.length - keep));
  for (const f of removed) fs.rmSync(path.join(dir, f), { force: true });
  return removed;
}

/**
 * Copies the server secret to <dir>/secret.key (0600), written under a temporary name and renamed so a reader
 * never sees half a file. Returns the path, or undefined when there is no secret file to copy.
 */
export function copySecretBeside(secretFile: string, dir: string): string | undefined {
  if (!fs.existsSync(secretFile)) return undefined;
  const to = path.join(dir, 'secret.key');
  const partial = `${to}.partial-${process.pid}`;
  writePrivateFile(partial, fs.readFileSync(secretFile));
  fs.renameSync(partial, to);
  return to;
}
