// Validates paper or legacy survey returns for a wave (dsl_id, optional date, one column per item id); pure, no storage.
import type { CsvTable } from '../csv';
import type { FieldProblem } from '../../../shared/errors';
import { byLine, RowChecker } from './fields';
import { cellValue, itemPrefix, validateAnswers, type InstrumentDef, type ItemDef } from '../../../instruments/registry';
import { unscorableScales } from '../../../instruments/completeness';
import type { AnswerKey } from '../../../instruments/scoring-rules';

export interface SurveyReturn { line: number; dslId: string; completedOn: string; answers: Record<string, unknown> }

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
function realDate(s: string): boolean {
  if (!isoDate.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Header problems: dsl_id missing, a column that looks like an item of the wave's instruments but is not one, no item column, no date column and no --date. */
export function returnHeaderProblems(table: CsvTable, defs: InstrumentDef[], hasDefaultDate: boolean): FieldProblem[] {
  const items = new Set(defs.flatMap((d) => d.items.map((i) => i.id)));
  const prefixes = defs.map((d) => itemPrefix(d.id));
  const p: FieldProblem[] = [];
  if (!table.header.includes('dsl_id')) p.push({ pointer: '/header', line: 1, column: 'dsl_id', detail: 'is missing' });
  if (!table.header.includes('date') && !hasDefaultDate) p.push({ pointer: '/header', line: 1, column: 'date', detail: 'is missing (or give --date YYYY-MM-DD)' });
  for (const h of table.header) {
    if (!items.has(h) && prefixes.some((x) => h.startsWith(x))) p.push({ pointer: '/header', line: 1, column: h, detail: `is not an item of ${defs.map((d) => d.key).join(', ')}` });
  }
  if (!table.header.some((h) => items.has(h))) p.push({ pointer: '/header', line: 1, detail: `no column is named by an item id of ${defs.map((d) => d.key).join(', ')} (e.g. ${defs[0]?.items[0]?.id})` });
  return p;
}

/**
 * Reads every row into typed answers and checks them as a web submission is checked: each value against its item,
 * required items answered, and every scale scorable under its missing-item rule (a blank the rule cannot spare is
 * an error at that item's column). The same dsl_id twice is an error.
 */
export function validateReturns(table: CsvTable, defs: InstrumentDef[], opts: { keyFor: (instrument: string) => AnswerKey | undefined; today: string; defaultDate?: string }): { returns: SurveyReturn[]; problems: FieldProblem[] } {
  const check = new RowChecker();
  const items = new Map<string, ItemDef>(defs.flatMap((d) => d.items.map((i) => [i.id, i] as const)));
  const itemColumns = table.header.filter((h) => items.has(h));
  const returns: SurveyReturn[] = [];
  const seen = new Map<string, number>();
  for (const row of table.rows) {
    const before = check.problems.length;
    const dslId = check.text(row, 'dsl_id', { required: true, maxLength: 100 });
    if (dslId !== null) {
      if (seen.has(dslId)) check.problem(row, 'dsl_id', `${dslId} also appears on line ${seen.get(dslId)}`);
      else seen.set(dslId, row.line);
    }
    const rawDate = (row.values.date ?? '') || opts.defaultDate || '';
    const dateColumn = row.values.date ? 'date' : undefined;
    if (rawDate === '') check.problem(row, 'date', 'is blank (or give --date YYYY-MM-DD)');
    else if (!realDate(rawDate)) check.problem(row, dateColumn ?? 'date', `"${rawDate}" is not a date written YYYY-MM-DD`);
    else if (rawDate > opts.today) check.problem(row, dateColumn ?? 'date', `${rawDate} is after today (${opts.today})`);
    const answers: Record<string, unknown> = {};
    let cellsOk = true;
    for (const col of itemColumns) {
      const cell = row.values[col] ?? '';
      if (cell === '') continue;
      const { value, problem } = cellValue(items.get(col) as ItemDef, cell);
      if (problem) { check.problem(row, col, problem); cellsOk = false; } else answers[col] = value;
    }
    if (cellsOk) {
      for (const p of validateAnswers(defs, answers, 'complete')) {
        const id = p.detail.split(':')[0];
        check.problem(row, id, p.detail.slice(id.length + 2));
      }
      const byItem = new Map<string, string[]>();
      for (const s of unscorableScales(defs, answers, opts.keyFor)) {
        for (const id of s.unanswered) {
          const need = `${s.label} (${s.instrument}) needs ${s.needed} of its ${s.of} items answered and has ${s.answered}`;
          byItem.set(id, [...(byItem.get(id) ?? []), need]);
        }
      }
      for (const [id, needs] of byItem) check.problem(row, id, `is blank, so the return cannot be scored: ${needs.join('; ')}`);
    }
    if (check.problems.length === before) returns.push({ line: row.line, dslId: dslId!, completedOn: rawDate, answers });
  }
  return { returns, problems: byLine(check.problems) };
}
