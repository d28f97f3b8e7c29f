// School covariates beyond GIAS (ever-FSM, EAL, SEN support, KS2; Bolton Table 2): their definitions, and validation of a CSV keyed by URN; pure, no storage.
import type { CsvTable } from '../csv';
import type { FieldProblem } from '../../../shared/errors';
import { byLine, RowChecker } from './fields';

export interface CovariateDef {
  /** dslkit's key (stored, and the stem of the export variable `<key>_percent`). */
  key: string;
  /** The DfE column name (performance tables / school census downloads), read case-insensitively. */
  column: string;
  /** Label in Table 2, the codebook and load.R / load.do / .dta. */
  label: string;
  /** Where the DfE publishes it. */
  publishedIn: string;
}

/** Every covariate dslkit imports; all are percentages from 0 to 100. */
export const COVARIATES: readonly CovariateDef[] = [
  { key: 'fsm_ever', column: 'PNUMFSMEVER', label: '% pupils ever eligible for FSM in the past 6 years', publishedIn: 'DfE school census (PNUMFSMEVER)' },
  { key: 'eal', column: 'PNUMEAL', label: '% pupils whose first language is not English', publishedIn: 'DfE school census (PNUMEAL)' },
  { key: 'sen_support', column: 'PSENELK', label: '% pupils with SEN support', publishedIn: 'DfE special educational needs statistics (PSENELK)' },
  { key: 'ks2_expected', column: 'PTRWM_EXP', label: 'KS2: % reaching the expected standard in reading, writing and maths', publishedIn: 'DfE KS2 performance tables (PTRWM_EXP)' },
  { key: 'ks2_higher', column: 'PTRWM_HIGH', label: 'KS2: % reaching the higher standard in reading, writing and maths', publishedIn: 'DfE KS2 performance tables (PTRWM_HIGH)' },
];

export const COVARIATE_KEYS = COVARIATES.map((c) => c.key);

export function covariateDef(key: string): CovariateDef | undefined {
  return COVARIATES.find((c) => c.key === key);
}

/** The covariate a header or option names: its DfE column or its dslkit key, any case (Appendix D wrote `pnumfsmever`). */
export function covariateNamed(name: string): CovariateDef | undefined {
  const n = name.trim().toLowerCase();
  return COVARIATES.find((c) => c.column.toLowerCase() === n || c.key === n);
}

/**
 * Codes the DfE files put where a figure is not given (SUPP suppressed, NE no entries, NA not applicable, NP not
 * published, LOWCOV low coverage, NEW new school; x, c, z in newer files). Each is stored as missing with its code.
 */
export const MISSING_CODES = ['SUPP', 'NE', 'NA', 'NP', 'LOWCOV', 'NEW', 'x', 'c', 'z'] as const;

/** Why a covariate is blank, as the export's codebook labels it: the file's cell was blank, a DfE code, or no file had the school. */
export const MISSING_REASONS: ReadonlyArray<{ code: string; label: string }> = [
  { code: 'blank', label: 'The imported file left the cell blank' },
  { code: 'SUPP', label: 'Suppressed by the DfE (SUPP)' }, { code: 'NE', label: 'No entries (DfE: NE)' },
  { code: 'NA', label: 'Not applicable (DfE: NA)' }, { code: 'NP', label: 'Not published (DfE: NP)' },
  { code: 'LOWCOV', label: 'Low coverage (DfE: LOWCOV)' }, { code: 'NEW', label: 'New school (DfE: NEW)' },
  { code: 'x', label: 'Not available (x)' }, { code: 'c', label: 'Confidential (c)' }, { code: 'z', label: 'Not applicable (z)' },
  { code: 'not_imported', label: 'No imported file held the school' },
];

export interface CovariateValue { covariate: string; value: number | null; missing: string | null }
export interface CovariateRow { line: number; urn: number; values: CovariateValue[] }

/** Which covariates the header holds (covariate key -> the file's column), or the problems with the header. */
export function covariateColumns(table: CsvTable): { columns: Map<string, string>; problems: FieldProblem[]; ignored: string[] } {
  const columns = new Map<string, string>();
  const problems: FieldProblem[] = [];
  const ignored: string[] = [];
  const headerProblem = (column: string | undefined, detail: string) => problems.push({ pointer: '/header', line: 1, ...(column ? { column } : {}), detail });
  if (!table.header.includes('URN')) headerProblem(undefined, 'missing column "URN"');
  for (const h of table.header) {
    if (h === 'URN') continue;
    const def = covariateNamed(h);
    if (!def) { ignored.push(h); continue; }
    const already = columns.get(def.key);
    if (already !== undefined) headerProblem(h, `gives the same covariate (${def.column}) as column "${already}"`);
    else columns.set(def.key, h);
  }
  if (!columns.size && table.header.includes('URN')) {
    headerProblem(undefined, `no covariate column: give one or more of ${COVARIATES.map((c) => c.column).join(', ')}`);
  }
  return { columns, problems, ignored };
}

/**
 * Checks every row: URN a positive whole number, once in the file; each covariate cell a percentage from 0 to 100
 * (a trailing % is allowed, as in DfE files), one of the DfE missing codes, or blank (not known for that school). A
 * blank or coded cell is stored as missing with its reason; any other text is an error at that line and column.
 */
export function validateCovariateRows(table: CsvTable, columns: Map<string, string>): { rows: CovariateRow[]; problems: FieldProblem[] } {
  const check = new RowChecker();
  const rows: CovariateRow[] = [];
  const firstLine = new Map<number, number>();
  for (const row of table.rows) {
    const before = check.problems.length;
    const urn = check.integer(row, 'URN', { required: true, min: 1, max: 99999999, what: 'a positive whole number' });
    if (urn !== null) {
      const seen = firstLine.get(urn);
      if (seen !== undefined) check.problem(row, 'URN', `${urn} also appears on line ${seen}`);
      else firstLine.set(urn, row.line);
    }
    const values: CovariateValue[] = [];
    for (const [key, column] of columns) {
      const raw = row.values[column] ?? '';
      if (raw === '') { values.push({ covariate: key, value: null, missing: 'blank' }); continue; }
      const code = MISSING_CODES.find((c) => c.toLowerCase() === raw.toLowerCase());
      if (code) { values.push({ covariate: key, value: null, missing: code }); continue; }
      const text = raw.replace(/\s*%$/, '');
      const n = Number(text);
      if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text) || !Number.isFinite(n)) {
        check.problem(row, column, `"${raw.slice(0, 40)}" is not a percentage (a number from 0 to 100, blank, or one of ${MISSING_CODES.join(', ')})`);
      } else if (n < 0 || n > 100) {
        check.problem(row, column, `${raw.slice(0, 40)} is outside 0 to 100 (a percentage)`);
      } else values.push({ covariate: key, value: n, missing: null });
    }
    if (check.problems.length === before) rows.push({ line: row.line, urn: urn!, values });
  }
  return { rows, problems: byLine(check.problems) };
}
