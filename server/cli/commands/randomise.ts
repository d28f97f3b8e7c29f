// `dslkit randomise`: randomise a schools CSV or a trial's enrolled schools (seeded, R-reproducible), or --verify an allocation file.
import fs from 'node:fs';
import path from 'node:path';
import { UsageError, flag, listOption, numberOption, stringOption, type CliCommand, type CliContext } from '../command';
import { parseCsv } from '../../domain/csv';
import { METHODS, isMethod, randomiseTable, sha256Hex, type RandomisationMethod, type RandomisationResult } from '../../domain/randomisation/randomise';
import { allocationCsv, verifyAllocation } from '../../domain/randomisation/allocation-csv';
import { randomisationBalance, formatBalance, type BalanceRow } from '../../domain/randomisation/balance';
import { randomiseTrial } from '../../storage/allocation-repo';

function countsText(r: RandomisationResult): string {
  const unit = r.cluster ? `clusters (${r.cluster})` : 'schools';
  const width = Math.max(7, ...r.unitCounts.map((c) => c.stratum.length));
  const lines = [`${unit} allocated per stratum:`, `  ${'stratum'.padEnd(width)}  control  intervention`];
  for (const c of r.unitCounts) lines.push(`  ${c.stratum.padEnd(width)}  ${String(c.control).padStart(7)}  ${String(c.intervention).padStart(12)}`);
  const tc = r.unitCounts.reduce((s, c) => s + c.control, 0);
  const ti = r.unitCounts.reduce((s, c) => s + c.intervention, 0);
  lines.push(`  ${'total'.padEnd(width)}  ${String(tc).padStart(7)}  ${String(ti).padStart(12)}`);
  return lines.join('\n');
}

function summaryText(r: RandomisationResult, balance: BalanceRow[], where: string): string {
  return [
    `randomised ${r.schools.length} schools from ${where}: ${r.method} (${r.algorithmVersion}), seed ${r.seed}${r.strata.length ? `, strata ${r.strata.join(' / ')}` : ''}${r.cluster ? `, clusters ${r.cluster}` : ''}`,
    `input SHA-256 ${r.inputSha256}${r.fsmMedian !== undefined ? `; median % FSM ${r.fsmMedian} (${r.fsmColumn})` : ''}`,
    countsText(r),
    formatBalance(balance),
  ].join('\n') + '\n';
}

function jsonOf(r: RandomisationResult, balance: BalanceRow[], extra: Record<string, unknown> = {}): string {
  const { schools, ...meta } = r;
  return `${JSON.stringify({ ...meta, ...extra, balance, allocation: schools.map(({ line: _line, ...s }) => s) }, null, 2)}\n`;
}

function options(ctx: CliContext): { seed: number; method: RandomisationMethod; strata: string[]; cluster?: string; fsmColumn?: string } {
  const seed = numberOption(ctx, 'seed', { integer: true, min: -2147483647, max: 2147483647 });
  if (seed === undefined) throw new UsageError('--seed <n> is required (a whole number; write it in the trial protocol before randomising)');
  const method = stringOption(ctx, 'method') ?? 'stratified';
  if (!isMethod(method)) throw new UsageError(`--method "${method}" must be ${METHODS.join(' or ')}`);
  const fsmColumn = stringOption(ctx, 'fsm-column');
  if (fsmColumn !== undefined && method !== 'niesr-fsm-median') throw new UsageError('--fsm-column chooses the FSM variable of --method niesr-fsm-median\'s blocks; add --method niesr-fsm-median or drop it');
  return { seed, method, strata: listOption(ctx, 'strata'), cluster: stringOption(ctx, 'cluster'), ...(fsmColumn !== undefined ? { fsmColumn } : {}) };
}

function verify(ctx: CliContext, allocationFile: string): number {
  const [schoolsFile, ...extra] = ctx.positionals;
  if (!schoolsFile) throw new UsageError('name the schools CSV the allocation was made from: dslkit randomise --verify allocation.csv <schools.csv>');
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const report = verifyAllocation(fs.readFileSync(allocationFile, 'utf8'), fs.readFileSync(schoolsFile), { allocation: path.basename(allocationFile), schools: path.basename(schoolsFile) });
  if (flag(ctx, 'json')) ctx.io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  if (report.ok) {
    if (!flag(ctx, 'json')) ctx.io.stdout(`match: ${path.basename(allocationFile)} re-derived exactly from ${path.basename(schoolsFile)} (${report.schools} schools, ${report.header.method}, seed ${report.header.seed}, input SHA-256 ${report.header.inputSha256})\n`);
    return 0;
  }
  const shown = report.differences.slice(0, 50);
  ctx.io.stderr(`MISMATCH: ${path.basename(allocationFile)} does not re-derive from ${path.basename(schoolsFile)}:\n${shown.map((d) => `  ${d}`).join('\n')}\n${report.differences.length > shown.length ? `  ... and ${report.differences.length - shown.length} more\n` : ''}`);
  return 1;
}

function fromCsv(ctx: CliContext): number {
  const [file, ...extra] = ctx.positionals;
  if (!file) throw new UsageError('name the schools CSV to randomise (or use --trial <id>)');
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const bytes = fs.readFileSync(file);
  const source = path.basename(file);
  const table = parseCsv(bytes.toString('utf8'), source);
  const r = randomiseTable(table, { ...options(ctx), idColumn: stringOption(ctx, 'id-column') ?? 'URN' }, { sha256: sha256Hex(bytes), source });
  const balance = randomisationBalance(table, r);
  return emit(ctx, r, balance, source);
}

function emit(ctx: CliContext, r: RandomisationResult, balance: BalanceRow[], where: string, extra: Record<string, unknown> = {}): number {
  const out = stringOption(ctx, 'out');
  if (out) fs.writeFileSync(out, allocationCsv(r));
  if (flag(ctx, 'json')) ctx.io.stdout(jsonOf(r, balance, { ...extra, ...(out ? { out } : {}) }));
  else if (!out && !stringOption(ctx, 'trial')) ctx.io.stdout(allocationCsv(r));
  ctx.io.stderr(summaryText(r, balance, where) + (out ? `allocation written to ${out}\n` : ''));
  return 0;
}

function fromTrial(ctx: CliContext, trialId: string): number {
  if (ctx.positionals.length) throw new UsageError('with --trial the schools come from the database: drop the CSV file argument');
  if (stringOption(ctx, 'id-column')) throw new UsageError('with --trial schools are identified by URN: drop --id-column');
  const db = ctx.openDb();
  const { result, inputCsv } = randomiseTrial(db, trialId, options(ctx), { actor: ctx.actor, at: ctx.clock().toISOString() });
  const out = stringOption(ctx, 'out');
  // Keep the exact input next to the allocation so `--verify` can re-derive it later.
  if (out) fs.writeFileSync(`${out.replace(/\.csv$/i, '')}.input.csv`, inputCsv);
  const balance = randomisationBalance(parseCsv(inputCsv, 'input'), result);
  return emit(ctx, result, balance, `trial ${trialId}`, { trial: trialId, stored: true });
}

export const command: CliCommand = {
  name: 'randomise',
  summary: 'allocate schools (or whole LAs) to control/intervention, reproducibly; verify an allocation',
  usage: 'randomise <schools.csv> --seed <n> [--method stratified|niesr-fsm-median [--fsm-column COL]] [--strata COL ...] [--cluster COL] [--out allocation.csv] [--json]\n       dslkit randomise --trial <id> --seed <n> [same options]\n       dslkit randomise --verify allocation.csv <schools.csv>',
  description: `
Methods (algorithm dslkit-randomise/1; draws are R's set.seed(n) + runif(), Mersenne-Twister/Inversion,
so R re-derives every allocation: see tests/fixtures/randomisation/expected-allocations.R):
  stratified        (default) complete randomisation within each stratum (the combination of --strata
                    columns): each unit gets a uniform draw, units are sorted by draw, the first half go to
                    intervention; an odd stratum's extra unit goes to a random arm, alternating across the
                    odd strata, so arms are within one in every stratum and overall.
  niesr-fsm-median  the Bolton trial's Appendix D: two blocks split at the median % FSM (PercentageFSM),
                    sorted by block and draw, arms alternating down the list. Fixed traps: schools AT the
                    median are split between the blocks by URN so the blocks are equal; ties use a stable
                    sort on URN. --fsm-column COL blocks on another column of the file (Appendix D used
                    pnumfsmever); with --trial it is PercentageFSM (GIAS, the default) or PNUMFSMEVER, the
                    ever-FSM covariate imported with dslkit import covariates (any case), which then joins
                    the randomisation input (and its SHA-256) as a column of that name. The column used is
                    stored with the allocation, in the audit log and, when not PercentageFSM, on the
                    allocation file's first line, so --verify re-derives it.
--cluster COL randomises the distinct values of COL (e.g. "LA (code)") and every school inherits its
cluster's arm (stratified only; strata must be constant within a cluster).

Output: CSV with a first line "# dslkit-allocation {json}" (method, seed, strata, cluster, algorithm and the
input file's SHA-256), then <id column>,[cluster,]stratum,draw,arm. It goes to --out, or stdout when there
is no --out. Per-stratum counts and a baseline balance table (means, SDs and standardised differences of
pupils on roll and % FSM by arm) go to stderr, or into --json.

--trial randomises the trial's enrolled schools in the database, once: a second attempt is refused (and
the refusal audited). The seed, method, input SHA-256 and algorithm are stored with the allocation and the
trial's status becomes "randomised". With --out, the exact input is also written to <out>.input.csv so
the allocation can be verified with --verify.

--verify re-derives an allocation file from the seed and method on its first line and the schools CSV,
and prints "match" or each difference (exit code 1 on any mismatch, including a changed schools file).`,
  options: [
    { name: 'seed', type: 'string', valueName: '<n>', description: 'whole number seed (R integer range)' },
    { name: 'method', type: 'string', valueName: '<method>', description: 'stratified or niesr-fsm-median', default: 'stratified' },
    { name: 'strata', type: 'string', multiple: true, valueName: '<column>', description: 'stratify on this column' },
    { name: 'fsm-column', type: 'string', valueName: '<column>', description: 'niesr-fsm-median: the % FSM column to block on (default PercentageFSM; with --trial, PNUMFSMEVER for the imported ever-FSM)' },
    { name: 'cluster', type: 'string', valueName: '<column>', description: 'randomise whole clusters named by this column, e.g. "LA (code)"' },
    { name: 'id-column', type: 'string', valueName: '<column>', description: 'column identifying each school', default: 'URN' },
    { name: 'out', type: 'string', valueName: '<file>', description: 'write the allocation CSV here' },
    { name: 'json', type: 'boolean', description: 'print the result (counts, balance, allocation) as JSON on stdout' },
    { name: 'trial', type: 'string', valueName: '<id>', description: 'randomise this trial\'s enrolled schools in the database (once)' },
    { name: 'verify', type: 'string', valueName: '<allocation.csv>', description: 're-derive this allocation file and compare' },
  ],
  usesDb: true,
  run(ctx) {
    const verifyFile = stringOption(ctx, 'verify');
    const trial = stringOption(ctx, 'trial');
    if (verifyFile) {
      if (trial || stringOption(ctx, 'seed') !== undefined) throw new UsageError('--verify reads the seed and method from the allocation file; drop --seed/--trial');
      return verify(ctx, verifyFile);
    }
    if (trial) return fromTrial(ctx, trial);
    return fromCsv(ctx);
  },
};
