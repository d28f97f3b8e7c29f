// `dslkit restore <backup>`: puts a backup back as the database, safely: refuses while the server runs, removes a stale -wal/-shm, checks the backup before and the database after.
import { UsageError, type CliCommand } from '../command';
import { restoreDatabase } from '../../storage/restore';
import { secretFileFor } from '../../storage/secret-file';

export const command: CliCommand = {
  name: 'restore',
  summary: 'restore a backup as the database (stop the server first); checks the backup and the result',
  usage: 'restore <backup.db> [--db <path>]',
  description: `
1. Checks the backup: an SQLite file with dslkit's tables, PRAGMA integrity_check 'ok', and a schema
   version this code knows (a backup made by newer code is refused).
2. Refuses while another process (the server, another dslkit command) has the database open: stop the
   server first. Nothing is changed when it refuses.
3. Copies the backup beside the database (0600), renames the old database to <db>.replaced-<time>, removes
   any <db>-wal, <db>-shm or <db>-journal left by the old one (SQLite would otherwise replay a stale WAL
   into the restored file), and renames the copy into place.
4. Opens the result, applies any migrations the backup predates, checks integrity_check, the schema version
   and that no migration is pending, prints the row count of every table and records the restore in the
   audit log. If that check fails the old database is put back.
If a secret.key lies beside the backup (dslkit backup --dir puts it there) and the server has no secret file,
it is copied into place (0600); if the server's secret differs, you are told, and it is left alone.

Delete <db>.replaced-<time> once you have checked the restored site: it holds personal data.
Answers and erasures made after the backup was taken are not in the restored database: check the audit
log of the replaced file for erasures to carry out again.

Example: systemctl stop dslkit && dslkit restore /var/backups/dslkit/dslkit-20261201T020000Z.db --db /srv/dslkit/dslkit.db && systemctl start dslkit`,
  options: [],
  usesDb: true,
  run(ctx) {
    if (ctx.positionals.length !== 1) throw new UsageError('give exactly one backup file, e.g. dslkit restore /var/backups/dslkit/dslkit-20261201T020000Z.db');
    const r = restoreDatabase(ctx.positionals[0], ctx.dbPath, { at: ctx.clock(), actor: ctx.actor, secretFile: secretFileFor(ctx.dbPath) });
    const width = Math.max(...Object.keys(r.counts).map((t) => t.length));
    ctx.io.stdout([
      `restored ${ctx.positionals[0]}`,
      `      as ${r.file}`,
      ...(r.removedStale.length ? [`removed the old ${r.removedStale.join(', ')} (left by the database it replaced)`] : []),
      r.replacedAside ? `the database it replaced is now ${r.replacedAside}: delete it once the restored site checks out (it holds personal data)` : 'there was no database there before',
      `integrity_check: ${r.integrity}`,
      `schema version ${r.schemaVersion}, no migration pending${r.backupSchemaVersion !== r.schemaVersion ? ` (the backup had ${r.backupSchemaVersion}; migrated)` : ''}`,
      ...(r.secret?.copiedTo ? [`secret copied from beside the backup to ${r.secret.copiedTo}`] : []),
      ...(r.secret?.differsFrom ? [`note: the secret.key beside the backup differs from ${r.secret.differsFrom}, which was left alone; invitation links follow the secret the server reads`] : []),
      'rows:',
      ...Object.entries(r.counts).map(([table, n]) => `  ${table.padEnd(width)}  ${n}`),
      'start the server again now',
    ].join('\n') + '\n');
    return 0;
  },
};
