// `dslkit allocation`: print or write a trial's stored allocation (the file `randomise --verify` reads, its input beside it), or import an allocation made elsewhere with its provenance.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError, requiredString, stringOption, type CliCommand, type CliContext } from '../command';
import { allocationFiles } from '../../storage/allocation-export-repo';
import { importAllocation } from '../../storage/allocation-import-repo';
import { appendAudit } from '../../storage/audit-repo';

function show(ctx: CliContext): number {
  const db = ctx.openDb();
  const trialId = requiredString(ctx, 'trial');
  const files = allocationFiles(db, trialId);
  const out = stringOption(ctx, 'out');
  const inputFile = out ? `${out.replace(/\.csv$/i, '')}.input.csv` : null;
  if (out) {
    fs.writeFileSync(out, files.allocation, { mode: 0o600 });
    if (files.input !== null) fs.writeFileSync(inputFile!, files.input, { mode: 0o600 });
  } else ctx.io.stdout(files.allocation);
  appendAudit(db, { at: ctx.clock().toISOString(), actor: ctx.actor, action: 'allocation.export', trialId, detail: { schools: files.schools.length, imported: files.imported, out: out ? path.basename(out) : 'stdout', inputMatches: files.inputMatches } });
  const arms = (arm: string) => files.schools.filter((s) => s.arm === arm).length;
  const lines = [`${out ? `wrote ${out}` : 'allocation above'}: ${files.schools.length} schools (${arms('intervention')} intervention, ${arms('control')} control)${files.imported ? ', imported' : ''}`];
  if (files.input !== null && out) {
    lines.push(files.inputMatches
      ? `wrote ${inputFile}: the input rebuilt from the registry has the SHA-256 recorded at randomisation; check with dslkit randomise --verify ${out} ${inputFile}`
      : `wrote ${inputFile}: WARNING the schools' details have changed since randomisation, so this input does not have the recorded SHA-256 (${files.randomisation.inputSha256}); --verify will say so`);
  }
  ctx.io.stderr(`${lines.join('\n')}\n`);
  return 0;
}

function importFile(ctx: CliContext): number {
  const db = ctx.openDb();
  const trialId = requiredString(ctx, 'trial');
  const file = requiredString(ctx, 'file');
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch { throw new UsageError(`cannot read --file ${file}`); }
  const r = importAllocation(db, trialId, text, path.basename(file), { method: stringOption(ctx, 'method'), seed: stringOption(ctx, 'seed'), software: stringOption(ctx, 'software'), date: stringOption(ctx, 'date') }, { actor: ctx.actor, at: ctx.clock().toISOString() });
  ctx.io.stdout(r.changed
    ? `imported the allocation of ${trialId} from ${path.basename(file)}: ${r.schools} schools (${r.intervention} intervention, ${r.control} control), file SHA-256 ${r.sha256}; the trial is now randomised\n`
    : `${trialId} already has this allocation (same file and provenance): nothing changed\n`);
  return 0;
}

export const command: CliCommand = {
  name: 'allocation',
  summary: "write a trial's allocation (the file randomise --verify reads) or import one made elsewhere with its provenance",
  usage: 'allocation --trial <id> [--out allocation.csv]\n       dslkit allocation import --trial <id> --file <allocation.csv> --method <text> --seed <n> --software <text> --date <YYYY-MM-DD>',
  description: `
Without "import": the stored allocation as the file dslkit randomise writes (first line # dslkit-allocation {...},
then URN,stratum,draw,arm), to --out or stdout. With --out the input it was made from is written beside it as
<out>.input.csv, rebuilt from the registry, so dslkit randomise --verify <out> <out>.input.csv re-derives it; if
the schools' details have changed since, the command says so. Files are written readable only by you. Audited.

"import" brings in an allocation made elsewhere (NIESR's Stata do-file, R's randomizr): a CSV with a URN column,
an arm column (arm, T, treat, treatment, allocation or group: 1/intervention/treated or 0/control) and optionally
a stratum or block column. Every enrolled school must be in it once (record the others as excluded first). It is
stored as the trial's one randomisation, marked imported with its method, seed, software, date and the file's
SHA-256, which the report's design table shows. All or nothing; every error names the file, line and column; the
same file and provenance again changes nothing.`,
  options: [
    { name: 'trial', type: 'string', valueName: '<id>', description: 'the trial' },
    { name: 'out', type: 'string', valueName: '<file.csv>', description: 'write the allocation here (and the input beside it)' },
    { name: 'file', type: 'string', valueName: '<allocation.csv>', description: 'import: the allocation made elsewhere' },
    { name: 'method', type: 'string', valueName: '<text>', description: 'import: how it was made' },
    { name: 'seed', type: 'string', valueName: '<n>', description: 'import: the seed it was made with' },
    { name: 'software', type: 'string', valueName: '<text>', description: 'import: software and version, e.g. "Stata 16.1"' },
    { name: 'date', type: 'string', valueName: '<YYYY-MM-DD>', description: 'import: the day it was made' },
  ],
  usesDb: true,
  run(ctx) {
    const [sub, ...rest] = ctx.positionals;
    if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
    if (sub === undefined) return show(ctx);
    if (sub === 'import') return importFile(ctx);
    throw new UsageError(`unknown allocation command "${sub}" (use import, or no sub-command to write the allocation)`);
  },
};
