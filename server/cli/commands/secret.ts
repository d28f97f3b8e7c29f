// `dslkit secret init`: creates the server secret file once (mode 0600), as a production install must before its first start.
import type { CliCommand } from '../command';
import { UsageError, stringOption } from '../command';
import { loadConfig } from '../../config';
import { createSecretFile } from '../../storage/secret-file';

export const command: CliCommand = {
  name: 'secret',
  summary: 'create the server secret invitation links are derived from (once, before the first production start)',
  usage: 'secret init [--file <path>] [--db <path>]',
  description: `Writes 32 random bytes (hex) to the secret file, readable only by its owner (mode 0600): --file, else
DSLKIT_SECRET_FILE, else secret.key beside the database. Run it as the user the server runs as. It never
replaces an existing secret: every invitation link printed so far is derived from it. Back the file up with
the database (dslkit backup does not hold it).`,
  options: [
    { name: 'file', type: 'string', valueName: '<path>', description: 'where to write the secret (default: $DSLKIT_SECRET_FILE, then secret.key beside the database)' },
  ],
  usesDb: true,
  run(ctx) {
    const [sub, extra] = ctx.positionals;
    if (sub !== 'init') throw new UsageError('say init');
    if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
    const file = stringOption(ctx, 'file') ?? loadConfig({ ...process.env, DSLKIT_DB: ctx.dbPath }).secretFile;
    createSecretFile(file);
    ctx.io.stdout(`wrote a new secret to ${file} (mode 0600); back it up with the database\n`);
    return 0;
  },
};
