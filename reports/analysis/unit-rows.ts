// Input-shape checks before an analysis: filters (column=value) and one row per unit and wave, so a stacked long export is never analysed as if each row were a DSL.
import { ValidationError } from '../../shared/errors';
import type { DataRow } from './types';

export interface RowFilter { column: string; value: string }

/** Keeps the rows (and their labels) whose every filter column equals its value (trimmed text comparison). */
export function applyFilters(rows: DataRow[], labels: string[], filters: RowFilter[]): { rows: DataRow[]; labels: string[] } {
  if (!filters.length) return { rows, labels };
  const keptRows: DataRow[] = [], keptLabels: string[] = [];
  rows.forEach((r, i) => {
    if (filters.every((f) => String(r[f.column] ?? '').trim() === f.value)) { keptRows.push(r); keptLabels.push(labels[i]); }
  });
  if (!keptRows.length) throw new ValidationError(`No rows match ${filters.map((f) => `${f.column}=${f.value}`).join(' and ')}.`);
  return { rows: keptRows, labels: keptLabels };
}

/** Columns of dslkit's long export that distinguish stacked rows of one DSL and wave. */
const STACK_COLUMNS = ['instrument', 'scale', 'measure'];

/**
 * Refuses data holding more than one row for a unit (the `unit` column, e.g. dsl_id) in one wave (the `wave`
 * column when present): the long export stacks every scale of every instrument, and analysing it as it is
 * counts each DSL several times and mixes scales. The message names the first repeated unit, its lines, and
 * the filter that would pick one row.
 */
export function requireOneRowPerUnitAndWave(rows: DataRow[], labels: string[], unit: string, source: string): void {
  const hasWave = rows.some((r) => r.wave !== undefined);
  const seen = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const id = String(r[unit] ?? '').trim();
    if (id === '') return;
    const key = hasWave ? `${id}\u0000${String(r.wave ?? '').trim()}` : id;
    const list = seen.get(key) ?? [];
    list.push(i);
    seen.set(key, list);
  });
  for (const list of seen.values()) {
    if (list.length < 2) continue;
    const first = rows[list[0]];
    const lines = list.slice(0, 6).map((i) => labels[i].replace(/^.*line /, '')).join(', ') + (list.length > 6 ? ', ...' : '');
    const stacked = STACK_COLUMNS.filter((c) => first[c] !== undefined && new Set(list.map((i) => String(rows[i][c]))).size > 1);
    const hint = stacked.length
      ? ` It looks like the long export with ${stacked.join(' and ')} stacked: pick one with ${stacked.map((c) => `--filter ${c}=${String(first[c])}`).join(' ')} (or use the wide export).`
      : ' Give --filter column=value to pick one row each, or aggregate the rows first.';
    throw new ValidationError(`${source} holds ${list.length} rows for ${unit} "${String(first[unit]).trim()}"${hasWave ? ` in wave "${String(first.wave).trim()}"` : ''} (lines ${lines}), but an analysis needs one row per ${unit}${hasWave ? ' and wave' : ''}.${hint}`);
  }
}
