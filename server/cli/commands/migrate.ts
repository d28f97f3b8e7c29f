// `dslkit migrate`: creates or upgrades the database file and prints its schema version.
import type { CliCommand } from '../command';
import { schemaVersion } from '../../storage/db';

export const command: CliCommand = {
  name: 'migrate',
  summary: 'create or upgrade the database and print its schema version',
  usage: 'migrate [--db <path>]',
  options: [],
  usesDb: true,
  run(ctx) {
    const db = ctx.openDb();
    ctx.io.stdout(`${ctx.dbPath}: schema version ${schemaVersion(db)}\n`);
    return 0;
  },
};
