// CSV formula injection (OWASP "CSV Injection"): no cell of a dslkit CSV can start a formula in a spreadsheet, whether it splits lines at commas or, as Excel does in semicolon locales, at semicolons (issue #10: cells beginning after a ';' were missed).
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../server/domain/csv';

/** A cell a spreadsheet would evaluate: it starts with = + - @ (OWASP's list; tab and CR too), ignoring leading blanks and quotes, unless it is a plain number. */
const isFormula = (cell: string) => /^[\s"]*[=+\-@\t\r]/.test(cell) && !/^\s*-?\d+(\.\d+)?(e-?\d+)?\s*$/i.test(cell);

const attacks = [
  '=cmd|" /C calc"!A0', '+1+1', '-2+3', '@SUM(1+1)', '\t=1+1', '\r=1+1',
  'ok;=cmd|" /C calc"!A0', 'ok; =HYPERLINK("http://x")', 'a;+1', 'a;-1+1', 'a;@SUM(A1)', 'a;"=1+1"', 'a; ;=1', 'x,y;=1', 'line1\n=1+1',
];

/** How a spreadsheet sees a file: records split at `delimiter` (csv-parse with lenient quotes, as Excel is). */
function cellsAs(text: string, delimiter: ',' | ';'): string[] {
  return (parse(text, { delimiter, relax_quotes: true, relax_column_count: true, skip_empty_lines: true }) as string[][]).flat();
}

describe('CSV formula guard', () => {
  it('no cell starts a formula when the file is split at commas', () => {
    const text = toCsv(['id', 'value'], attacks.map((value, i) => ({ id: i, value })));
    const bad = cellsAs(text, ',').filter(isFormula);
    expect(bad).toEqual([]);
  });

  it('no cell starts a formula when the file is split at semicolons (Excel in semicolon locales)', () => {
    const text = toCsv(['id', 'value'], attacks.map((value, i) => ({ id: i, value })));
    const bad = cellsAs(text, ';').filter(isFormula);
    expect(bad).toEqual([]);
  });

  it('plain numbers, negative numbers and ordinary text are written as they are', () => {
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell('-3')).toBe('-3');
    expect(csvCell('Bolton; Bury')).toBe('Bolton; Bury');
    expect(csvCell('St Mary\'s')).toBe('St Mary\'s');
  });
});
