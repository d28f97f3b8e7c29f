// Writes an allocation as CSV with a leading "# dslkit-allocation {json}" line (method, seed, input SHA-256...), reads it back, and re-derives it for --verify.
import { ValidationError } from '../../../shared/errors';
import { parseCsv, toCsv } from '../csv';
import { ALGORITHM_VERSION, DEFAULT_FSM_COLUMN, isMethod, randomiseTable, sha256Hex, type RandomisationResult, type RandomiseOptions } from './randomise';

/** The first line of an allocation file: `# dslkit-allocation ` followed by this JSON object. */
export interface AllocationHeader {
  algorithm: string;
  method: RandomiseOptions['method'];
  seed: number;
  idColumn: string;
  strata: string[];
  cluster: string | null;
  inputSha256: string;
  units: number;
  /** niesr-fsm-median on a column other than PercentageFSM (e.g. PNUMFSMEVER); absent for the default. */
  fsmColumn?: string;
}

const PREFIX = '# dslkit-allocation ';

/**
 * The allocation file: line 1 is `# dslkit-allocation {...}` (everything --verify needs to re-derive
 * it), then a CSV with columns <id column>, [<cluster column>], stratum, draw, arm, one row per school in
 * input order. Draws are written with full precision (shortest round-trip decimal).
 */
export function allocationCsv(result: RandomisationResult): string {
  const header: AllocationHeader = {
    algorithm: result.algorithmVersion, method: result.method, seed: result.seed, idColumn: result.idColumn,
    strata: result.strata, cluster: result.cluster ?? null, inputSha256: result.inputSha256,
    units: result.unitCounts.reduce((s, c) => s + c.control + c.intervention, 0),
    ...(result.fsmColumn && result.fsmColumn !== DEFAULT_FSM_COLUMN ? { fsmColumn: result.fsmColumn } : {}),
  };
  const columns = [result.idColumn, ...(result.cluster ? [result.cluster] : []), 'stratum', 'draw', 'arm'];
  const rows = result.schools.map((s) => ({ [result.idColumn]: s.id, ...(result.cluster ? { [result.cluster]: s.cluster } : {}), stratum: s.stratum, draw: s.draw, arm: s.arm }));
  return `${PREFIX}${JSON.stringify(header)}\n${toCsv(columns, rows)}`;
}

export interface ParsedAllocation { header: AllocationHeader; rows: Array<{ id: string; cluster?: string; stratum: string; draw: string; arm: string; line: number }> }

/** Reads an allocation file written by allocationCsv. */
export function parseAllocationCsv(text: string, source = 'allocation.csv'): ParsedAllocation {
  const body = text.replace(/^\uFEFF/, '');
  const nl = body.indexOf('\n');
  const first = (nl < 0 ? body : body.slice(0, nl)).replace(/\r$/, '');
  if (!first.startsWith(PREFIX)) throw new ValidationError(`${source}: line 1: expected "${PREFIX.trim()} {...}" (the line dslkit randomise writes first); this does not look like a dslkit allocation file`);
  let header: AllocationHeader;
  try { header = JSON.parse(first.slice(PREFIX.length)) as AllocationHeader; } catch {
    throw new ValidationError(`${source}: line 1: the dslkit-allocation header is not valid JSON`);
  }
  if (!isMethod(String(header.method)) || !Number.isInteger(header.seed) || typeof header.idColumn !== 'string' || !Array.isArray(header.strata)
    || (header.fsmColumn !== undefined && typeof header.fsmColumn !== 'string')) {
    throw new ValidationError(`${source}: line 1: the dslkit-allocation header lacks method, seed, idColumn or strata`);
  }
  // The CSV starts after the header line; +1 keeps reported line numbers true to the file.
  const table = parseCsv(body.slice(nl + 1), source);
  const rows = table.rows.map((r) => ({
    id: r.values[header.idColumn] ?? '', ...(header.cluster ? { cluster: r.values[header.cluster] ?? '' } : {}),
    stratum: r.values.stratum ?? '', draw: r.values.draw ?? '', arm: r.values.arm ?? '', line: r.line + 1,
  }));
  return { header, rows };
}

export interface VerifyReport { ok: boolean; inputMatches: boolean; differences: string[]; header: AllocationHeader; schools: number }

/** Re-derives an allocation from its recorded seed and method on the given schools file and lists every difference. */
export function verifyAllocation(allocationText: string, schoolsBytes: Buffer, sources: { allocation: string; schools: string }): VerifyReport {
  const { header, rows } = parseAllocationCsv(allocationText, sources.allocation);
  const differences: string[] = [];
  if (header.algorithm !== ALGORITHM_VERSION) differences.push(`the file was made by ${header.algorithm}; this dslkit runs ${ALGORITHM_VERSION}`);
  const sha = sha256Hex(schoolsBytes);
  const inputMatches = sha === header.inputSha256;
  if (!inputMatches) differences.push(`${sources.schools} has SHA-256 ${sha}, but the allocation was made from ${header.inputSha256}`);
  const table = parseCsv(schoolsBytes.toString('utf8'), sources.schools);
  const redone = randomiseTable(table, { seed: header.seed, method: header.method, idColumn: header.idColumn, strata: header.strata, cluster: header.cluster ?? undefined, ...(header.fsmColumn ? { fsmColumn: header.fsmColumn } : {}) }, { sha256: sha, source: sources.schools });
  const expected = new Map(redone.schools.map((s) => [s.id, s]));
  const seen = new Set<string>();
  for (const r of rows) {
    const e = expected.get(r.id);
    seen.add(r.id);
    if (!e) { differences.push(`${sources.allocation}: line ${r.line}: ${header.idColumn} ${r.id} is not in ${sources.schools}`); continue; }
    const bad: string[] = [];
    if (r.arm !== e.arm) bad.push(`arm ${r.arm} but re-derived ${e.arm}`);
    if (r.stratum !== e.stratum) bad.push(`stratum "${r.stratum}" but re-derived "${e.stratum}"`);
    if (Number(r.draw) !== e.draw) bad.push(`draw ${r.draw} but re-derived ${e.draw}`);
    if (header.cluster && r.cluster !== e.cluster) bad.push(`${header.cluster} "${r.cluster}" but the schools file says "${e.cluster}"`);
    if (bad.length) differences.push(`${sources.allocation}: line ${r.line}: ${header.idColumn} ${r.id}: ${bad.join('; ')}`);
  }
  for (const s of redone.schools) if (!seen.has(s.id)) differences.push(`${header.idColumn} ${s.id} (${sources.schools} line ${s.line}) is missing from ${sources.allocation}`);
  return { ok: differences.length === 0, inputMatches, differences, header, schools: rows.length };
}
