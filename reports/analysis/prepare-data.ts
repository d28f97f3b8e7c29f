// Validates trial rows for an analysis and turns them into numeric columns; every bad input is one clear sentence.
import { ValidationError } from '../../shared/errors';
import type { DataRow } from './types';

export type Arm = 0 | 1;

/** Values treated as missing in numeric columns: null, undefined, '', NA, '.'. */
export function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && ['', 'NA', '.', 'NaN'].includes(v.trim()));
}

/** Parses an arm value: 0/1, control/intervention (also treatment), case-insensitive. */
export function parseArm(v: unknown): Arm | undefined {
  if (typeof v === 'number') return v === 0 ? 0 : v === 1 ? 1 : undefined;
  const s = String(v).trim().toLowerCase();
  if (s === '0' || s === 'control') return 0;
  if (s === '1' || s === 'intervention' || s === 'treatment') return 1;
  return undefined;
}

export function requireColumnsPresent(rows: DataRow[], columns: Array<{ role: string; name: string | undefined }>): void {
  if (rows.length === 0) throw new ValidationError('The data has no rows to analyse.');
  const known = new Set<string>();
  for (const r of rows.slice(0, 50)) for (const k of Object.keys(r)) known.add(k);
  for (const c of columns) {
    if (c.name === undefined) continue;
    if (!known.has(c.name)) {
      const list = [...known].slice(0, 12).join(', ');
      throw new ValidationError(`The ${c.role} column "${c.name}" is not in the data (columns: ${list}${known.size > 12 ? ', ...' : ''}).`);
    }
  }
}

/** Reads a numeric cell; returns undefined when missing, throws one sentence when not a number. */
export function numericCell(row: DataRow, column: string, role: string, label: string): number | undefined {
  const v = row[column];
  if (isMissing(v)) return undefined;
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  if (!Number.isFinite(n)) throw new ValidationError(`${cap(label)}: the ${role} column "${column}" has the non-numeric value "${String(v)}".`);
  return n;
}

export function rowLabel(labels: string[] | undefined, i: number): string {
  return labels?.[i] ?? `row ${i + 1}`;
}

function cap(s: string): string { return s.charAt(0).toUpperCase() + s.slice(1); }

/** Sorted distinct levels: numerically when every level is a number, else by code units. */
export function sortedLevels(values: string[]): string[] {
  const distinct = [...new Set(values)];
  const allNumeric = distinct.every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
  return allNumeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
