// Turns rows of a schools table into randomisation units (schools, or whole clusters such as LAs) with their stratum, checking ids, clusters and strata.
import type { FieldProblem } from '../../../shared/errors';
import type { CsvRow } from '../csv';

export interface RandomisationUnit {
  /** The unit's id: the school id, or the cluster value in cluster mode. */
  id: string;
  stratum: string;
  /** Rows (schools) in this unit, in input order. */
  rows: CsvRow[];
}

/** Label of the single stratum used when no stratifying columns are given. */
export const ALL_STRATUM = 'all';

/**
 * Canonical order of ids: numerically when every id is a whole number (URNs, LA codes), otherwise by
 * Unicode code point (R: `order(x, method = "radix")`). Draws are taken in this order, so it is part of
 * the algorithm.
 */
export function canonicalIdCompare(ids: readonly string[]): (a: string, b: string) => number {
  const numeric = ids.every((id) => /^-?\d{1,15}$/.test(id));
  return numeric ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0);
}

/** Code-point string comparison (never locale-dependent). */
export function codePointCompare(a: string, b: string): number { return a < b ? -1 : a > b ? 1 : 0; }

export interface UnitOptions { idColumn: string; strata: string[]; cluster?: string }

/**
 * Groups rows into units. Problems (one per bad line): blank or repeated id, blank cluster value, and in
 * cluster mode a stratifying value that differs between schools of one cluster.
 */
export function buildUnits(rows: readonly CsvRow[], opts: UnitOptions): { units: RandomisationUnit[]; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const seen = new Map<string, number>();
  const stratumOf = (row: CsvRow) => (opts.strata.length ? opts.strata.map((c) => row.values[c] || '(blank)').join(' / ') : ALL_STRATUM);
  for (const row of rows) {
    const id = row.values[opts.idColumn] ?? '';
    if (id === '') problems.push({ pointer: `/line/${row.line}`, line: row.line, column: opts.idColumn, detail: 'is blank' });
    else if (seen.has(id)) problems.push({ pointer: `/line/${row.line}`, line: row.line, column: opts.idColumn, detail: `"${id}" also appears on line ${seen.get(id)}` });
    else seen.set(id, row.line);
  }
  const groups = new Map<string, RandomisationUnit>();
  for (const row of rows) {
    const id = opts.cluster ? row.values[opts.cluster] ?? '' : row.values[opts.idColumn] ?? '';
    if (id === '') {
      if (opts.cluster) problems.push({ pointer: `/line/${row.line}`, line: row.line, column: opts.cluster, detail: 'is blank (every school needs a cluster)' });
      continue;
    }
    const stratum = stratumOf(row);
    const unit = groups.get(id);
    if (!unit) { groups.set(id, { id, stratum, rows: [row] }); continue; }
    if (!opts.cluster) continue; // repeated id, reported above
    if (unit.stratum !== stratum) {
      problems.push({ pointer: `/line/${row.line}`, line: row.line, column: opts.strata.join(' / '),
        detail: `"${stratum}" differs from "${unit.stratum}" on line ${unit.rows[0].line}, but ${opts.cluster} "${id}" is randomised as one cluster and needs one stratum` });
    }
    unit.rows.push(row);
  }
  const units = [...groups.values()];
  const cmp = canonicalIdCompare(units.map((u) => u.id));
  units.sort((a, b) => cmp(a.id, b.id));
  return { units, problems };
}
