// `dslkit migrate [--status]`: creates or upgrades the database file and prints its schema version, or lists applied and pending migrations without changing anything.
import fs from 'node:fs';
import { flag, ValidationError, type CliCommand } from '../command';
import { migrationStatus, schemaVersion } from '../../storage/db';
import { openCopyReadOnly } from '../../storage/backup';

export const command: CliCommand = {
  name: 'migrate',
  summary: 'create or upgrade the database and print its schema version; --status lists applied and pending migrations',
  usage: 'migrate [--status] [--db <path>]',
  description: `
Without --status: applies every migration in server/storage/migrations/ the file has not had, each in its
own transaction, in version order, and prints the schema version. Take a backup first (dslkit backup).
--status: opens the file read-only and lists each migration as "applied" (with when) or "pending"; nothing
is changed.`,
  options: [{ name: 'status', type: 'boolean', description: 'list applied and pending migrations; change nothing' }],
  usesDb: true,
  run(ctx) {
    if (flag(ctx, 'status')) {
      if (!fs.existsSync(ctx.dbPath)) throw new ValidationError(`There is no database at ${ctx.dbPath}; dslkit migrate (without --status) creates it.`);
      const db = openCopyReadOnly(ctx.dbPath); // read-only, journal mode untouched
      try {
        const s = migrationStatus(db);
        ctx.io.stdout([
          `${ctx.dbPath}: schema version ${s.schemaVersion}; ${s.pending.length} pending`,
          ...s.applied.map((m) => `applied  ${m.name}  ${m.appliedAt}`),
          ...s.pending.map((m) => `pending  ${m.name}`),
        ].join('\n') + '\n');
      } finally { db.close(); }
      return 0;
    }
    const db = ctx.openDb();
    ctx.io.stdout(`${ctx.dbPath}: schema version ${schemaVersion(db)}\n`);
    return 0;
  },
};
