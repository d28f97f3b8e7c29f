// `dslkit export --trial <id> --out <dir|file.zip>`: writes the export bundle (CSVs, codebook, load.R, load.do, analysis.R, .dta files; pseudonymous ids only), audited.
import fs from 'node:fs';
import path from 'node:path';
import type { CliCommand } from '../command';
import { requiredString } from '../command';
import { buildExportBundle, bundleFolderName, zipBundle } from '../../domain/exports/bundle';
import { exportInputFor } from '../../storage/export-repo';
import { requireTrial } from '../../storage/trial-repo';
import { appendAudit } from '../../storage/audit-repo';
import { loadOrCreateSecret, secretFileFor } from '../../storage/secret-file';
import { writePrivateFile } from '../../storage/private-files';

export const command: CliCommand = {
  name: 'export',
  summary: 'write the export bundle: CSVs, codebook, R and Stata loaders, .dta files and analysis.R that re-runs the report',
  usage: 'export --trial <id> --out <dir|file.zip>',
  description: `
Writes, into a folder (created if needed) or one zip file:
  schools.csv        one row per school: pseudonymous id, LA, arm, stratum, allocation source, status, pupils,
                     covariates, each LA outcome summed over the report's outcome and baseline windows with its
                     month coverage and the value the report analysed, sessions, dosage and supervision modes
  dsls_wide.csv      one row per DSL: school, arm, status, each scale at each wave side by side, why a score is blank
  items_long.csv     every item answer of every completed survey and session form
  sessions.csv       supervision sessions by school;  outcomes_monthly.csv  LA outcomes as imported
  codebook.csv/.md   every variable: label, type, unit, values with labels, range, direction, scoring and
                     missing-item rules, source; the export date, dslkit version and schema version
  load.R, load.do    load every CSV with labels (R: from the script's own folder; Stata 14+: cd there first)
  schools.dta, dsls_wide.dta   Stata format 118 with variable and value labels
  analysis.R         the arm-comparison report's primary and secondary models in estimatr/clubSandwich,
                     printing the same estimates as dslkit report arm-comparison --json
Identifiers are pseudonymous (no names, emails, roles or URNs). Files are written readable by you only.

Example: dslkit export --trial bolton2025 --out bolton-export.zip`,
  options: [
    { name: 'trial', type: 'string', valueName: '<id>', description: 'trial id' },
    { name: 'out', type: 'string', valueName: '<dir|file.zip>', description: 'a folder to write the files into, or a .zip file' },
  ],
  usesDb: true,
  run(ctx) {
    const db = ctx.openDb();
    const trial = requireTrial(db, requiredString(ctx, 'trial'));
    const out = path.resolve(requiredString(ctx, 'out'));
    const input = exportInputFor(db, trial.id, loadOrCreateSecret(secretFileFor(ctx.dbPath)), ctx.clock());
    const files = buildExportBundle(input);
    if (out.toLowerCase().endsWith('.zip')) {
      fs.mkdirSync(path.dirname(out), { recursive: true });
      writePrivateFile(out, zipBundle(files, bundleFolderName(trial.id, input.provenance.exportedAt)));
    } else {
      fs.mkdirSync(out, { recursive: true, mode: 0o700 });
      for (const [name, body] of Object.entries(files)) writePrivateFile(path.join(out, name), body);
    }
    appendAudit(db, { at: ctx.clock().toISOString(), actor: ctx.actor, action: 'export', trialId: trial.id, detail: { files: Object.keys(files), to: out.endsWith('.zip') ? 'zip' : 'folder' } });
    ctx.io.stdout(`wrote ${Object.keys(files).length} files (${Object.keys(files).join(', ')}) to ${out}\n`);
    return 0;
  },
};
