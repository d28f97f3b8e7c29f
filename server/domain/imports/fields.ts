// Small checks shared by the CSV imports: each returns a value or adds one line-level problem.
import type { FieldProblem } from '../../../shared/errors';
import type { CsvRow } from '../csv';

export class RowChecker {
  readonly problems: FieldProblem[] = [];

  problem(row: CsvRow, column: string | undefined, detail: string): void {
    this.problems.push({ pointer: `/line/${row.line}${column ? `/${column}` : ''}`, line: row.line, ...(column ? { column } : {}), detail });
  }

  /** A non-blank text of at most maxLength characters. */
  text(row: CsvRow, column: string, opts: { required: boolean; maxLength?: number }): string | null {
    const v = row.values[column] ?? '';
    if (v === '') { if (opts.required) this.problem(row, column, 'is blank'); return null; }
    if (v.length > (opts.maxLength ?? 200)) { this.problem(row, column, `is longer than ${opts.maxLength ?? 200} characters`); return null; }
    return v;
  }

  /** A whole number in [min, max]; blank gives null (or a problem when required). */
  integer(row: CsvRow, column: string, opts: { required: boolean; min: number; max?: number; what?: string }): number | null {
    const v = row.values[column] ?? '';
    if (v === '') { if (opts.required) this.problem(row, column, 'is blank'); return null; }
    const n = Number(v);
    if (!/^[+-]?\d+$/.test(v) || !Number.isSafeInteger(n)) { this.problem(row, column, `"${v}" is not ${opts.what ?? 'a whole number'}`); return null; }
    if (n < opts.min || (opts.max !== undefined && n > opts.max)) { this.problem(row, column, `"${v}" is not ${opts.what ?? `a whole number from ${opts.min}${opts.max !== undefined ? ` to ${opts.max}` : ''}`}`); return null; }
    return n;
  }

  /** A decimal number in [min, max]; blank gives null. */
  number(row: CsvRow, column: string, opts: { required: boolean; min: number; max: number }): number | null {
    const v = row.values[column] ?? '';
    if (v === '') { if (opts.required) this.problem(row, column, 'is blank'); return null; }
    const n = Number(v);
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(v) || !Number.isFinite(n)) { this.problem(row, column, `"${v}" is not a number`); return null; }
    if (n < opts.min || n > opts.max) { this.problem(row, column, `"${v}" is outside ${opts.min} to ${opts.max}`); return null; }
    return n;
  }
}

/** The problems sorted by line (stable), so messages read top to bottom. */
export function byLine(problems: FieldProblem[]): FieldProblem[] {
  return problems.map((p, i) => ({ p, i })).sort((a, b) => (a.p.line ?? 0) - (b.p.line ?? 0) || a.i - b.i).map(({ p }) => p);
}
