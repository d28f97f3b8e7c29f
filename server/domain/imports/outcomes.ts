// Validates LA administrative outcomes (counts per school, month and measure) in long or wide CSV format; pure, no storage.
import type { CsvTable } from '../csv';
import { ValidationError, type FieldProblem } from '../../../shared/errors';
import { byLine, RowChecker } from './fields';

/** Measures, as stored (admin_outcomes.measure). */
export const OUTCOME_MEASURES = ['contacts', 'contacts_nfa', 'referrals', 'referrals_nfa', 'early_help', 'cin', 's47', 'looked_after', 'csa_contacts'] as const;
export type OutcomeMeasure = (typeof OUTCOME_MEASURES)[number];

export interface OutcomeRow { urn: number; period: string; measure: OutcomeMeasure; count: number; line: number }

export function isMeasure(s: string): s is OutcomeMeasure { return (OUTCOME_MEASURES as readonly string[]).includes(s); }

/** Which layout a header is: long (URN, Period, Measure, Count) or wide (URN, Period, one column per measure). */
export function outcomeLayout(header: readonly string[], source = 'outcomes.csv'): 'long' | 'wide' {
  const missing = ['URN', 'Period'].filter((c) => !header.includes(c));
  if (missing.length) throw new ValidationError(`${source}: line 1: missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')}`);
  if (header.includes('Measure') || header.includes('Count')) {
    if (!header.includes('Measure') || !header.includes('Count')) throw new ValidationError(`${source}: line 1: the long format needs both "Measure" and "Count" columns`);
    return 'long';
  }
  const unknown = header.filter((h) => h !== 'URN' && h !== 'Period' && !isMeasure(h));
  if (unknown.length) throw new ValidationError(`${source}: line 1: unknown measure column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')} (measures are: ${OUTCOME_MEASURES.join(', ')})`);
  if (header.length === 2) throw new ValidationError(`${source}: line 1: no measure columns (use URN,Period,Measure,Count or URN,Period,<${OUTCOME_MEASURES.join('|')}>...)`);
  return 'wide';
}

/**
 * Checks every row of either layout: URN a positive whole number, Period YYYY-MM (month 01-12),
 * Measure one of OUTCOME_MEASURES, Count a whole number >= 0. In the wide layout a blank cell means
 * "not supplied" and is skipped. The same (URN, Period, Measure) twice in one file is an error.
 */
export function validateOutcomeRows(table: CsvTable, source = 'outcomes.csv'): { rows: OutcomeRow[]; problems: FieldProblem[] } {
  const layout = outcomeLayout(table.header, source);
  const check = new RowChecker();
  const rows: OutcomeRow[] = [];
  const seen = new Map<string, number>();
  const add = (r: OutcomeRow, column: string) => {
    const key = `${r.urn}|${r.period}|${r.measure}`;
    const first = seen.get(key);
    if (first !== undefined) { check.problems.push({ pointer: `/line/${r.line}/${column}`, line: r.line, column, detail: `${r.measure} for URN ${r.urn} in ${r.period} also appears on line ${first}` }); return; }
    seen.set(key, r.line);
    rows.push(r);
  };
  for (const row of table.rows) {
    const before = check.problems.length;
    const urn = check.integer(row, 'URN', { required: true, min: 1, max: 99999999, what: 'a positive whole number' });
    const rawPeriod = row.values.Period ?? '';
    const period = /^\d{4}-(0[1-9]|1[0-2])$/.test(rawPeriod) ? rawPeriod : null;
    if (period === null) check.problem(row, 'Period', rawPeriod === '' ? 'is blank' : `"${rawPeriod}" is not a month written YYYY-MM`);
    if (layout === 'long') {
      const m = row.values.Measure ?? '';
      if (!isMeasure(m)) check.problem(row, 'Measure', m === '' ? 'is blank' : `"${m}" is not one of ${OUTCOME_MEASURES.join(', ')}`);
      const count = check.integer(row, 'Count', { required: true, min: 0, what: 'a whole number of 0 or more' });
      if (check.problems.length === before) add({ urn: urn!, period: period!, measure: m as OutcomeMeasure, count: count!, line: row.line }, 'Measure');
    } else {
      const cells: Array<[OutcomeMeasure, number]> = [];
      for (const m of table.header.filter(isMeasure)) {
        const count = check.integer(row, m, { required: false, min: 0, what: 'a whole number of 0 or more' });
        if (count !== null) cells.push([m, count]);
      }
      if (check.problems.length === before) for (const [m, count] of cells) add({ urn: urn!, period: period!, measure: m, count, line: row.line }, m);
    }
  }
  return { rows, problems: byLine(check.problems) };
}
