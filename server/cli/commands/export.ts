// `dslkit export --trial <id> --out <dir>`: writes long.csv, wide.csv, codebook.csv, load.R and load.do (pseudonymous ids only); audited.
import fs from 'node:fs';
import path from 'node:path';
import type { CliCommand } from '../command';
import { requiredString } from '../command';
import { buildExport } from '../../domain/exports/bundle';
import { scoreRowsForExport } from '../../storage/export-repo';
import { requireTrial } from '../../storage/trial-repo';
import { appendAudit } from '../../storage/audit-repo';
import { getRegistry } from '../../../instruments/registry';
import { writePrivateFile } from '../../storage/private-files';

export const command: CliCommand = {
  name: 'export',
  summary: 'write tidy CSV exports (long, wide), a codebook and R/Stata loader scripts',
  usage: 'export --trial <id> --out <dir>',
  options: [
    { name: 'trial', type: 'string', valueName: '<id>', description: 'trial id' },
    { name: 'out', type: 'string', valueName: '<dir>', description: 'folder to write the five files into' },
  ],
  usesDb: true,
  run(ctx) {
    const db = ctx.openDb();
    const trial = requireTrial(db, requiredString(ctx, 'trial'));
    const out = path.resolve(requiredString(ctx, 'out'));
    const titles = Object.fromEntries(getRegistry().list().map((d) => [d.key, d.title]));
    const files = buildExport(trial.id, scoreRowsForExport(db, trial.id), titles);
    fs.mkdirSync(out, { recursive: true });
    for (const [name, text] of Object.entries(files)) writePrivateFile(path.join(out, name), text);
    appendAudit(db, { at: ctx.clock().toISOString(), actor: ctx.actor, action: 'export', trialId: trial.id, detail: { files: Object.keys(files) } });
    ctx.io.stdout(`wrote ${Object.keys(files).join(', ')} to ${out}\n`);
    return 0;
  },
};
