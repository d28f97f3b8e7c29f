// `dslkit backup <file>` or `dslkit backup --dir <folder> [--keep <n>]`: an online copy of the database (safe while the server runs), integrity-checked, with row counts; --dir names it by time, copies the secret beside it and rotates.
import path from 'node:path';
import { UsageError, flag, numberOption, stringOption, type CliCommand } from '../command';
import { backupDatabase } from '../../storage/backup';
import { copySecretBeside, ensureBackupFolder, pruneRotatedBackups, rotatedBackupName } from '../../storage/backup-rotation';
import { secretFileFor } from '../../storage/secret-file';
import { appendAudit } from '../../storage/audit-repo';

export const command: CliCommand = {
  name: 'backup',
  summary: 'copy the database to a file while the server runs, then check the copy (--dir --keep: scheduled, rotated)',
  usage: 'backup <file> [--force] [--db <path>]\n       dslkit backup --dir <folder> [--keep <n>] [--db <path>]',
  description: `
Copies the database with SQLite's online backup API, so the server can keep taking survey answers
during the copy. The copy is then opened read-only, checked with PRAGMA integrity_check, and the
number of rows in each table is printed. The copy is written beside its final name and renamed into
place only when it checks 'ok', with mode 0600. An existing <file> is never replaced unless you pass --force.

--dir <folder> names the copy by the time in UTC (dslkit-20261201T020000Z.db), creates the folder (0700)
if needed, and copies the server secret (DSLKIT_SECRET_FILE, default secret.key beside the database) to
<folder>/secret.key (0600): invitation links are derived from it, so a backup is only whole with it.
--keep <n> then removes the oldest dslkit-*.db files in the folder beyond the newest n (never any other
file, and nothing when the backup failed). This is what the systemd timer runs:
  dslkit backup --dir /var/backups/dslkit --keep 14

To restore: dslkit restore <backup file> (see dslkit restore --help).`,
  options: [
    { name: 'force', type: 'boolean', description: 'replace <file> if it already exists' },
    { name: 'dir', type: 'string', valueName: '<folder>', description: 'write a timestamped copy (and the secret) into this folder' },
    { name: 'keep', type: 'string', valueName: '<n>', description: 'with --dir: keep the newest n backups in the folder, remove older ones' },
  ],
  usesDb: true,
  async run(ctx) {
    const dir = stringOption(ctx, 'dir');
    const keep = numberOption(ctx, 'keep', { integer: true, min: 1, max: 100_000 });
    if (dir !== undefined && ctx.positionals.length) throw new UsageError('give either a file name or --dir <folder>, not both');
    if (dir === undefined && keep !== undefined) throw new UsageError('--keep goes with --dir <folder>');
    if (dir === undefined && ctx.positionals.length !== 1) throw new UsageError('give exactly one backup file name, e.g. dslkit backup backup.db, or --dir <folder>');
    if (dir !== undefined) ensureBackupFolder(dir);
    const destination = dir !== undefined ? path.join(dir, rotatedBackupName(ctx.clock())) : ctx.positionals[0];
    const result = await backupDatabase(ctx.dbPath, destination, { force: flag(ctx, 'force') });
    const width = Math.max(...Object.keys(result.counts).map((t) => t.length));
    const lines = [
      `backed up ${ctx.dbPath}`,
      `       to ${result.file} (${result.bytes} bytes, schema version ${result.schemaVersion})`,
      `integrity_check: ${result.integrity}`,
      'rows:',
      ...Object.entries(result.counts).map(([table, n]) => `  ${table.padEnd(width)}  ${n}`),
    ];
    let removed: string[] = [];
    if (dir !== undefined) {
      const secret = copySecretBeside(secretFileFor(ctx.dbPath), dir);
      lines.push(secret ? `secret copied to ${secret}` : `no secret file at ${secretFileFor(ctx.dbPath)}: none copied (invitation links cannot be re-derived from this backup alone)`);
      if (keep !== undefined) {
        removed = pruneRotatedBackups(dir, keep);
        lines.push(removed.length ? `removed ${removed.length} older backup${removed.length === 1 ? '' : 's'} (keeping ${keep}): ${removed.join(', ')}` : `nothing to remove (keeping ${keep})`);
      }
    }
    ctx.io.stdout(lines.join('\n') + '\n');
    appendAudit(ctx.openDb(), { at: ctx.clock().toISOString(), actor: ctx.actor, action: 'backup', detail: { bytes: result.bytes, schemaVersion: result.schemaVersion, ...(dir !== undefined ? { rotated: true, removed: removed.length } : {}) } });
    return 0;
  },
};
