// Randomises a schools table (a CSV or the trial's enrolled schools): validates options and rows, runs the chosen method, and returns one row per school plus counts.
import crypto from 'node:crypto';
import { ValidationError, type FieldProblem } from '../../../shared/errors';
import { lineProblemsError, type CsvTable } from '../csv';
import { allocateFsmMedian, allocateStratified, type Arm } from './methods';
import { buildUnits } from './units';

export const ALGORITHM_VERSION = 'dslkit-randomise/1';
export const METHODS = ['stratified', 'niesr-fsm-median'] as const;
export type RandomisationMethod = (typeof METHODS)[number];

export interface RandomiseOptions {
  seed: number;
  method: RandomisationMethod;
  /** Column naming each school (default URN). */
  idColumn?: string;
  strata?: string[];
  /** Column whose values are randomised as whole clusters (e.g. "LA (code)"). */
  cluster?: string;
  /** The % FSM column for niesr-fsm-median (default PercentageFSM). */
  fsmColumn?: string;
}

export interface SchoolAllocation {
  /** The school's id (the id column's value). */
  id: string;
  /** The cluster value when randomising clusters. */
  cluster?: string;
  stratum: string;
  /** The unit's uniform draw (shared by every school of a cluster). */
  draw: number;
  arm: Arm;
  line: number;
}

export interface StratumCount { stratum: string; control: number; intervention: number }

export interface RandomisationResult {
  algorithmVersion: string;
  method: RandomisationMethod;
  seed: number;
  idColumn: string;
  strata: string[];
  cluster?: string;
  /** SHA-256 of the input (the file's bytes, or the canonical table for a trial). */
  inputSha256: string;
  /** Schools in input order. */
  schools: SchoolAllocation[];
  /** Units allocated (schools, or clusters), per stratum and arm. */
  unitCounts: StratumCount[];
  /** niesr-fsm-median only: the median % FSM that splits the blocks. */
  fsmMedian?: number;
  /** niesr-fsm-median only: the column the blocks were made on (PercentageFSM unless --fsm-column chose another). */
  fsmColumn?: string;
}

/** The FSM column niesr-fsm-median uses when none is named (GIAS's PercentageFSM). */
export const DEFAULT_FSM_COLUMN = 'PercentageFSM';

export function sha256Hex(data: string | Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

export function isMethod(m: string): m is RandomisationMethod { return (METHODS as readonly string[]).includes(m); }

/**
 * Randomises the rows of `table`. Throws ValidationError naming every bad line (blank/duplicate ids,
 * unusable % FSM, strata that vary within a cluster) or a misnamed column; nothing is allocated then.
 */
export function randomiseTable(table: CsvTable, opts: RandomiseOptions, input: { sha256: string; source: string }): RandomisationResult {
  const idColumn = opts.idColumn ?? 'URN';
  const strata = opts.strata ?? [];
  const fsmColumn = opts.fsmColumn ?? DEFAULT_FSM_COLUMN;
  const source = input.source;
  if (!Number.isInteger(opts.seed) || Math.abs(opts.seed) > 2147483647) throw new ValidationError(`seed ${opts.seed} must be a whole number between -2147483647 and 2147483647`);
  if (!isMethod(opts.method)) throw new ValidationError(`unknown method "${opts.method}" (use ${METHODS.join(' or ')})`);
  if (opts.method === 'niesr-fsm-median' && opts.cluster) throw new ValidationError('niesr-fsm-median blocks individual schools on % FSM; to randomise clusters use --method stratified with --cluster');
  if (opts.method !== 'niesr-fsm-median' && opts.fsmColumn) throw new ValidationError(`--fsm-column chooses the FSM variable of niesr-fsm-median's blocks; it has no use with --method ${opts.method}`);
  if (opts.method === 'niesr-fsm-median' && strata.length) throw new ValidationError('niesr-fsm-median makes its own two FSM blocks; --strata is only for --method stratified');
  const needed = [idColumn, ...strata, ...(opts.cluster ? [opts.cluster] : []), ...(opts.method === 'niesr-fsm-median' ? [fsmColumn] : [])];
  const missing = [...new Set(needed)].filter((c) => !table.header.includes(c));
  if (missing.length) throw new ValidationError(`${source}: line 1: no column ${missing.map((m) => `"${m}"`).join(', ')} (columns are: ${table.header.join(', ')})`);
  if (table.rows.length < 2) throw new ValidationError(`${source}: at least two schools are needed to randomise`);

  const { units, problems } = buildUnits(table.rows, { idColumn, strata, cluster: opts.cluster });
  const fsmProblems: FieldProblem[] = [];
  if (opts.method === 'niesr-fsm-median') {
    for (const row of table.rows) {
      const raw = row.values[fsmColumn];
      const v = Number(raw);
      if (raw === '' || !Number.isFinite(v)) fsmProblems.push({ pointer: `/line/${row.line}`, line: row.line, column: fsmColumn, detail: raw === '' ? 'is blank (niesr-fsm-median needs every school\'s % FSM)' : `"${raw}" is not a number` });
    }
  }
  const all = [...problems, ...fsmProblems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  if (all.length) throw lineProblemsError(source, all);
  if (units.length < 2) throw new ValidationError(`${source}: at least two ${opts.cluster ? 'clusters' : 'schools'} are needed to randomise`);

  let allocations;
  let fsmMedian: number | undefined;
  if (opts.method === 'niesr-fsm-median') {
    const r = allocateFsmMedian(units.map((u) => ({ id: u.id, fsm: Number(u.rows[0].values[fsmColumn]) })), opts.seed);
    allocations = r.allocations;
    fsmMedian = r.median;
  } else {
    allocations = allocateStratified(units, opts.seed);
  }
  const schools: SchoolAllocation[] = [];
  units.forEach((unit, i) => {
    const a = allocations[i];
    for (const row of unit.rows) {
      schools.push({ id: row.values[idColumn], ...(opts.cluster ? { cluster: unit.id } : {}), stratum: a.stratum, draw: a.draw, arm: a.arm, line: row.line });
    }
  });
  schools.sort((a, b) => a.line - b.line);
  const counts = new Map<string, StratumCount>();
  for (const a of allocations) {
    const c = counts.get(a.stratum) ?? { stratum: a.stratum, control: 0, intervention: 0 };
    c[a.arm] += 1;
    counts.set(a.stratum, c);
  }
  const unitCounts = [...counts.values()].sort((a, b) => (a.stratum < b.stratum ? -1 : a.stratum > b.stratum ? 1 : 0));
  return {
    algorithmVersion: ALGORITHM_VERSION, method: opts.method, seed: opts.seed, idColumn, strata,
    ...(opts.cluster ? { cluster: opts.cluster } : {}), inputSha256: input.sha256, schools, unitCounts,
    ...(fsmMedian !== undefined ? { fsmMedian, fsmColumn } : {}),
  };
}
