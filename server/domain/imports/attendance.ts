// Validates a supervisors' attendance spreadsheet (one row per session at one school); pure, no storage.
import type { CsvTable } from '../csv';
import type { FieldProblem } from '../../../shared/errors';
import { byLine, RowChecker } from './fields';

export const ATTENDANCE_COLUMNS = ['URN', 'Date', 'Type', 'Mode', 'Minutes', 'DSLs present'] as const;
export const ATTENDANCE_TYPES = ['introduction', 'formal', 'adhoc'] as const;
export const ATTENDANCE_MODES = ['face_to_face', 'online', 'phone', 'email'] as const;

export interface AttendanceRecord {
  line: number; urn: number; heldOn: string; kind: string; mode: string; minutes: number;
  /** The DSL ids named, or null when the row gave only a count. */
  dslIds: string[] | null;
  present: number;
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
function realDate(s: string): boolean {
  if (!isoDate.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** The key that makes two rows (or a row and a logged session) the same session: school, date and type. */
export function sessionKey(urn: number, heldOn: string, kind: string): string {
  return `${urn}\u0000${heldOn}\u0000${kind}`;
}

/**
 * Checks every row: URN, Date (YYYY-MM-DD, not after today), Type, Mode, Minutes (1 to 1440) and DSLs present
 * (DSL ids separated by ';', or a count of at least 1). The same school, date and type twice in one file is an error.
 */
export function validateAttendanceRows(table: CsvTable, today: string): { sessions: AttendanceRecord[]; problems: FieldProblem[] } {
  const check = new RowChecker();
  const sessions: AttendanceRecord[] = [];
  const seen = new Map<string, number>();
  for (const row of table.rows) {
    const before = check.problems.length;
    const urn = check.integer(row, 'URN', { required: true, min: 1, max: 99999999, what: 'a positive whole number' });
    const heldOn = check.text(row, 'Date', { required: true });
    if (heldOn !== null && !realDate(heldOn)) check.problem(row, 'Date', `"${heldOn}" is not a date written YYYY-MM-DD`);
    else if (heldOn !== null && heldOn > today) check.problem(row, 'Date', `${heldOn} is after today (${today})`);
    const kind = check.text(row, 'Type', { required: true });
    if (kind !== null && !(ATTENDANCE_TYPES as readonly string[]).includes(kind)) check.problem(row, 'Type', `"${kind}" is not one of ${ATTENDANCE_TYPES.join(', ')}`);
    const mode = check.text(row, 'Mode', { required: true });
    if (mode !== null && !(ATTENDANCE_MODES as readonly string[]).includes(mode)) check.problem(row, 'Mode', `"${mode}" is not one of ${ATTENDANCE_MODES.join(', ')}`);
    const minutes = check.integer(row, 'Minutes', { required: true, min: 1, max: 1440, what: 'a whole number of minutes from 1 to 1440' });
    const rawPresent = check.text(row, 'DSLs present', { required: true, maxLength: 2000 });
    let dslIds: string[] | null = null;
    let present = 0;
    if (rawPresent !== null) {
      if (/^\d+$/.test(rawPresent)) {
        present = Number(rawPresent);
        if (present < 1 || present > 1000) check.problem(row, 'DSLs present', `"${rawPresent}" is not a count from 1 to 1000`);
      } else {
        const ids = rawPresent.split(';').map((s) => s.trim());
        const bad = ids.find((id) => !/^dsl-[A-Za-z0-9-]+$/.test(id));
        if (bad !== undefined) check.problem(row, 'DSLs present', `"${bad}" is not a DSL id (dsl-…); give DSL ids separated by ';' or a count`);
        else if (new Set(ids).size !== ids.length) check.problem(row, 'DSLs present', 'names a DSL twice');
        else { dslIds = ids; present = ids.length; }
      }
    }
    if (check.problems.length !== before) continue;
    const key = sessionKey(urn!, heldOn!, kind!);
    if (seen.has(key)) { check.problem(row, 'Date', `the ${kind} session at URN ${urn} on ${heldOn} also appears on line ${seen.get(key)}`); continue; }
    seen.set(key, row.line);
    sessions.push({ line: row.line, urn: urn!, heldOn: heldOn!, kind: kind!, mode: mode!, minutes: minutes!, dslIds, present });
  }
  return { sessions, problems: byLine(check.problems) };
}
