// A trial's stored allocation written out again: the allocation file `dslkit randomise --verify` reads and the input table it was made from (rebuilt from the registry and checked against the recorded SHA-256), or the school-by-arm list of an imported allocation.
import type { Db } from './db';
import { NotFoundError } from '../../shared/errors';
import { toCsv } from '../domain/csv';
import { allocationCsv } from '../domain/randomisation/allocation-csv';
import { isMethod, sha256Hex, type RandomisationResult } from '../domain/randomisation/randomise';
import { getRandomisation, listAllocations, type StoredRandomisation } from './allocation-repo';
import { enrolledSchoolsTable, listSchoolsInTrial } from './school-repo';
import { requireTrial } from './trial-repo';
import { trialFsmColumn } from '../domain/randomisation/fsm-column';

/** How an imported allocation is marked in randomisations.method. */
export const IMPORTED_PREFIX = 'imported: ';

export function isImported(r: Pick<StoredRandomisation, 'method'>): boolean { return r.method.startsWith(IMPORTED_PREFIX); }

export interface AllocationFiles {
  randomisation: StoredRandomisation;
  imported: boolean;
  /** The allocation file: `# dslkit-allocation {...}` then URN,stratum,draw,arm (dslkit allocations); `# dslkit-imported-allocation {...}` then URN,stratum,arm. */
  allocation: string;
  /** The input the allocation was made from, rebuilt from the registry (dslkit allocations only). */
  input: string | null;
  /** The rebuilt input has the SHA-256 recorded at randomisation (so --verify can re-derive the allocation). */
  inputMatches: boolean | null;
  /** Schools by arm, for the staff page. */
  schools: Array<{ urn: number; name: string; laCode: string; arm: 'control' | 'intervention'; stratum: string; status: string }>;
}

/** The stored allocation of a trial as files; NotFoundError before randomisation. */
export function allocationFiles(db: Db, trialId: string): AllocationFiles {
  requireTrial(db, trialId);
  const r = getRandomisation(db, trialId);
  if (!r) throw new NotFoundError(`trial "${trialId}" has not been randomised yet (dslkit randomise --trial ${trialId}, or dslkit allocation import)`, [{ pointer: '/trial', detail: 'not randomised yet' }]);
  const allocations = listAllocations(db, trialId).sort((a, b) => a.urn - b.urn);
  const byUrn = new Map(allocations.map((a) => [a.urn, a]));
  const info = new Map(listSchoolsInTrial(db, trialId).map((s) => [s.urn, s]));
  const schools = allocations.map((a) => {
    const s = info.get(a.urn);
    return { urn: a.urn, name: s?.name ?? '', laCode: s?.laCode ?? '', arm: a.arm, stratum: a.stratum, status: s?.enrolment ?? 'enrolled' };
  });
  if (isImported(r) || !isMethod(r.method)) {
    const header = { imported: true, method: r.method.slice(IMPORTED_PREFIX.length), software: r.algorithmVersion, seed: r.seed, madeOn: r.createdAt.slice(0, 10), fileSha256: r.inputSha256, units: allocations.length };
    return { randomisation: r, imported: true, allocation: `# dslkit-imported-allocation ${JSON.stringify(header)}\n${toCsv(['URN', 'stratum', 'arm'], allocations.map((a) => ({ URN: a.urn, stratum: a.stratum, arm: a.arm })))}`, input: null, inputMatches: null, schools };
  }
  // The randomisation input was the trial's enrolled schools at the time: exactly the schools allocated, by URN.
  // ... with the imported FSM covariate when the blocks were made on it (recorded in randomisations.fsm_column).
  const fsm = r.method === 'niesr-fsm-median' ? trialFsmColumn(r.fsmColumn ?? undefined) : null;
  const { table, columns } = enrolledSchoolsTable(db, trialId, (s) => byUrn.has(s.urn), fsm?.covariate ? [fsm.covariate] : []);
  const input = toCsv(columns, table.rows.map((row) => row.values));
  const counts = new Map<string, { control: number; intervention: number }>();
  for (const a of allocations) { const c = counts.get(a.stratum) ?? { control: 0, intervention: 0 }; c[a.arm] += 1; counts.set(a.stratum, c); }
  const result: RandomisationResult = {
    algorithmVersion: r.algorithmVersion, method: r.method, seed: r.seed, idColumn: 'URN', strata: r.strata, cluster: r.cluster ?? undefined, inputSha256: r.inputSha256,
    schools: table.rows.map((row) => { const a = byUrn.get(Number(row.values.URN))!; return { id: String(a.urn), ...(r.cluster ? { cluster: row.values[r.cluster] ?? "" } : {}), stratum: a.stratum, draw: a.draw, arm: a.arm, line: row.line }; }),
    unitCounts: [...counts.entries()].map(([stratum, c]) => ({ stratum, ...c })),
    ...(fsm ? { fsmColumn: fsm.column } : {}),
  };
  return { randomisation: r, imported: false, allocation: allocationCsv(result), input, inputMatches: sha256Hex(input) === r.inputSha256, schools };
}

/** How many balance previews (each audited with its seed) were looked at before the allocation was locked, and their seeds. */
export function previewsBefore(db: Db, trialId: string, until: string): { count: number; seeds: number[] } {
  const rows = db.prepare("SELECT detail FROM audit_log WHERE trial_id = ? AND action = 'randomise.preview' AND at <= ? ORDER BY id").all(trialId, until) as Array<{ detail: string }>;
  const seeds = rows.map((r) => { try { return Number((JSON.parse(r.detail) as { seed?: number }).seed); } catch { return NaN; } }).filter((n) => Number.isFinite(n));
  return { count: rows.length, seeds };
}
