// Files that hold personal data (the database and its -wal/-shm, backups, reports, exports, score files) are created readable by their owner only (0600), whatever the umask.
import fs from 'node:fs';

export const privateFileMode = 0o600;

/** Writes `data` to `file` with mode 0600 (also when the file existed with a wider mode). */
export function writePrivateFile(file: string, data: string | Uint8Array): void {
  fs.writeFileSync(file, data, { mode: privateFileMode });
  fs.chmodSync(file, privateFileMode);
}

/** Narrows an existing file to 0600: no-op when it does not exist, or belongs to another user (whose own process narrows it). */
export function makePrivate(file: string): void {
  try { fs.chmodSync(file, privateFileMode); } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EPERM') throw err;
  }
}

/**
 * Creates the database file empty with mode 0600 before SQLite opens it (SQLite would create it 0644 less
 * the umask), and narrows an existing one and its -wal/-shm. SQLite gives a new -wal and -shm the database
 * file's own mode, so they are 0600 too.
 */
export function preparePrivateDatabaseFile(file: string): void {
  fs.closeSync(fs.openSync(file, fs.constants.O_CREAT | fs.constants.O_RDWR, privateFileMode));
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) makePrivate(f);
}
