// `dslkit backup <file>`: an online copy of the database (safe while the server runs), integrity-checked, with row counts.
import { UsageError, flag, type CliCommand } from '../command';
import { backupDatabase } from '../../storage/backup';
import { appendAudit } from '../../storage/audit-repo';

export const command: CliCommand = {
  name: 'backup',
  summary: 'copy the database to a file while the server runs, then check the copy',
  usage: 'backup <file> [--force] [--db <path>]',
  description: `
Copies the database with SQLite's online backup API, so the server can keep taking survey answers
during the copy. The copy is then opened read-only, checked with PRAGMA integrity_check, and the
number of rows in each table is printed. The copy is written beside <file> and renamed into place only
when it checks 'ok'. An existing <file> is never replaced unless you pass --force.

To restore: stop the server, copy the backup file to the path in DSLKIT_DB (delete any old
<db>-wal and <db>-shm files beside it), and start the server again.

Example: dslkit backup /backups/dslkit-$(date +%F).db --db /srv/dslkit/dslkit.db`,
  options: [{ name: 'force', type: 'boolean', description: 'replace <file> if it already exists' }],
  usesDb: true,
  async run(ctx) {
    if (ctx.positionals.length !== 1) throw new UsageError('give exactly one backup file name, e.g. dslkit backup backup.db');
    const result = await backupDatabase(ctx.dbPath, ctx.positionals[0], { force: flag(ctx, 'force') });
    const width = Math.max(...Object.keys(result.counts).map((t) => t.length));
    ctx.io.stdout([
      `backed up ${ctx.dbPath}`,
      `       to ${result.file} (${result.bytes} bytes, schema version ${result.schemaVersion})`,
      `integrity_check: ${result.integrity}`,
      'rows:',
      ...Object.entries(result.counts).map(([table, n]) => `  ${table.padEnd(width)}  ${n}`),
    ].join('\n') + '\n');
    appendAudit(ctx.openDb(), { at: ctx.clock().toISOString(), actor: ctx.actor, action: 'backup', detail: { bytes: result.bytes, schemaVersion: result.schemaVersion } });
    return 0;
  },
};
