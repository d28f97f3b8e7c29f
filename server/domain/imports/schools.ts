// Validates a GIAS-style schools CSV ("Get Information About Schools" column names) into school records; pure, no storage.
import type { CsvTable } from '../csv';
import type { FieldProblem } from '../../../shared/errors';
import { byLine, RowChecker } from './fields';
import { isLaCode, laCodeProblem } from './la-code';

/** GIAS column names dslkit reads (other columns are ignored). */
export const GIAS_COLUMNS = {
  urn: 'URN', name: 'EstablishmentName', laCode: 'LA (code)', laName: 'LA (name)', type: 'TypeOfEstablishment (name)',
  phase: 'PhaseOfEducation (name)', pupils: 'NumberOfPupils', fsmPercent: 'PercentageFSM', urbanRural: 'UrbanRural (name)', ofsted: 'OfstedRating (name)',
} as const;
/** Columns that must be present in the header (the others may be absent or blank, as in GIAS extracts). */
export const REQUIRED_SCHOOL_COLUMNS = [GIAS_COLUMNS.urn, GIAS_COLUMNS.name, GIAS_COLUMNS.laCode, GIAS_COLUMNS.laName] as const;

export interface SchoolRecord {
  urn: number; name: string; laCode: string; laName: string; type: string | null; phase: string | null;
  pupils: number | null; fsmPercent: number | null; urbanRural: string | null; ofstedRating: string | null;
}

/**
 * Checks every row; returns the records and one problem per bad cell (with line and column). URN is a
 * positive whole number and unique within the file; name and LA code/name are required; pupils a whole
 * number >= 0; PercentageFSM a number 0-100; the LA code 3 digits or an ONS code (la-code.ts); the other columns may be blank (GIAS leaves them blank).
 */
export function validateSchoolRows(table: CsvTable): { schools: SchoolRecord[]; problems: FieldProblem[] } {
  const c = GIAS_COLUMNS;
  const check = new RowChecker();
  const schools: SchoolRecord[] = [];
  const firstLine = new Map<number, number>();
  for (const row of table.rows) {
    const before = check.problems.length;
    const urn = check.integer(row, c.urn, { required: true, min: 1, max: 99999999, what: 'a positive whole number' });
    if (urn !== null) {
      const seen = firstLine.get(urn);
      if (seen !== undefined) check.problem(row, c.urn, `${urn} also appears on line ${seen}`);
      else firstLine.set(urn, row.line);
    }
    const rec = {
      urn, name: check.text(row, c.name, { required: true }), laCode: check.text(row, c.laCode, { required: true, maxLength: 20 }),
      laName: check.text(row, c.laName, { required: true }), type: check.text(row, c.type, { required: false }), phase: check.text(row, c.phase, { required: false }),
      pupils: check.integer(row, c.pupils, { required: false, min: 0, max: 100000, what: 'a whole number of pupils' }),
      fsmPercent: check.number(row, c.fsmPercent, { required: false, min: 0, max: 100 }),
      urbanRural: check.text(row, c.urbanRural, { required: false }), ofstedRating: check.text(row, c.ofsted, { required: false }),
    };
    if (rec.laCode !== null && !isLaCode(rec.laCode)) { check.problem(row, c.laCode, laCodeProblem(rec.laCode)); rec.laCode = null; }
    if (check.problems.length === before) schools.push(rec as SchoolRecord);
  }
  return { schools, problems: byLine(check.problems) };
}
