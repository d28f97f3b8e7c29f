// Reads and writes CSV (RFC 4180) with the line number of every row, so imports can say exactly where input is wrong.
import { stripControlCharacters } from './text/control-characters';
import { parse } from 'csv-parse/sync';
import { ValidationError, type FieldProblem } from '../../shared/errors';

export interface CsvRow { line: number; values: Record<string, string> }
export interface CsvTable { header: string[]; rows: CsvRow[] }

/** Parses CSV text with a header row. Throws ValidationError (with the line) when the text is not well-formed CSV. */
export function parseCsv(text: string, source = 'input'): CsvTable {
  const body = text.replace(/^\uFEFF/, '');
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(body, { info: true, relax_column_count: false, skip_empty_lines: true, bom: true }) as never;
  } catch (err) {
    const e = err as { lines?: number; message: string };
    const reason = e.message.replace(/^Invalid Record Length: /, '').replace(/\s+/g, ' ');
    throw new ValidationError(`${source}: line ${e.lines ?? '?'}: not valid CSV (${reason})`, [
      { pointer: `/line/${e.lines ?? 0}`, line: e.lines, detail: `not valid CSV (${reason})` },
    ]);
  }
  if (records.length === 0) throw new ValidationError(`${source}: the file is empty (a header row is needed)`);
  const header = records[0].record.map((h) => stripControlCharacters(h).trim());
  const duplicated = header.find((h, i) => header.indexOf(h) !== i);
  if (duplicated) throw new ValidationError(`${source}: line 1: column "${duplicated}" appears twice in the header`);
  const rows = records.slice(1).map(({ record, info }) => {
    const values: Record<string, string> = {};
    header.forEach((h, i) => { values[h] = stripControlCharacters(record[i] ?? '').trim(); }); // no control characters in stored text
    return { line: info.lines, values };
  });
  return { header, rows };
}

/** Throws one ValidationError listing every missing required column. */
export function requireColumns(table: CsvTable, required: readonly string[], source = 'input'): void {
  const missing = required.filter((c) => !table.header.includes(c));
  if (missing.length) {
    throw new ValidationError(`${source}: line 1: missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`,
      missing.map((m) => ({ pointer: '/header', line: 1, column: m, detail: `missing column "${m}"` })));
  }
}

/** Formats collected per-line problems as one error whose message has one line per problem. */
export function lineProblemsError(source: string, problems: FieldProblem[]): ValidationError {
  const lines = problems.map((p) => `${source}: line ${p.line}: ${p.column ? `${p.column} ` : ''}${p.detail}`);
  return new ValidationError(lines.join('\n'), problems);
}

/** Would start a spreadsheet formula (OWASP CSV Injection: = + - @, tab, CR), after any blanks or quotes. */
const formulaStart = /^[\s"]*[=+\-@\t\r]/;
const plainNumber = /^-?\d+(\.\d+)?(e-?\d+)?$/i;
/** A place inside a cell where a spreadsheet may start a new cell (a ';' for Excel in semicolon locales, a line break for one that ignores quotes) followed by a formula start. */
const formulaAfterBreak = /(;|\r\n|\n|\r)(?=[\s"]*[=+\-@\t\r])/g;

/**
 * Quotes one CSV cell when needed, and stops spreadsheet formula injection (OWASP): a cell that would start a
 * formula gets a leading ', and so does every part of it after a ';' or a line break, because Excel in
 * semicolon locales splits lines at ';' and would start a new cell there. Plain numbers (-1.5) stay as they are.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  if (formulaStart.test(s) && !plainNumber.test(s)) s = `'${s}`;
  s = s.replace(formulaAfterBreak, "$1'");
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes rows as CSV text with a header row (columns in the given order), ending with a newline. */
export function toCsv(columns: readonly string[], rows: ReadonlyArray<Record<string, unknown>>): string {
  const out = [columns.map(csvCell).join(',')];
  for (const r of rows) out.push(columns.map((c) => csvCell(r[c])).join(','));
  return out.join('\n') + '\n';
}
