// `dslkit import attendance`: all-or-nothing import of supervisors' attendance spreadsheets as supervision sessions, de-duplicated against sessions already logged.
import type { Db } from './db';
import { ValidationError, type FieldProblem } from '../../shared/errors';
import { lineProblemsError, parseCsv, requireColumns } from '../domain/csv';
import { byLine } from '../domain/imports/fields';
import { ATTENDANCE_COLUMNS, sessionKey, validateAttendanceRows } from '../domain/imports/attendance';
import { supervisionRefusal } from '../domain/supervision/intervention-arm';
import { sha256Hex } from '../domain/randomisation/randomise';
import { schoolArmFacts } from './allocation-arm-repo';
import { appendAudit } from './audit-repo';
import { requireTrial } from './trial-repo';

export interface AttendanceImportResult { rows: number; added: number; alreadyPresent: number; sha256: string }

/** The (school, date, type) of every session already in the trial: from its attendees' schools and, for imported rows, the school named. */
function loggedSessionKeys(db: Db, trialId: string): Set<string> {
  const rows = db.prepare(`SELECT a.urn, s.held_on, s.kind FROM supervision_sessions s JOIN supervision_attendees a ON a.session_id = s.id WHERE s.trial_id = ?
    UNION SELECT i.urn, s.held_on, s.kind FROM supervision_sessions s JOIN imported_sessions i ON i.session_id = s.id WHERE s.trial_id = ?`)
    .all(trialId, trialId) as Array<{ urn: number; held_on: string; kind: string }>;
  return new Set(rows.map((r) => sessionKey(r.urn, r.held_on, r.kind)));
}

/**
 * Checks the whole sheet (every school known and in the trial's intervention arm, every DSL id one of that
 * school's DSLs in the trial and not erased), then in ONE transaction adds each session not already logged
 * (same school, date and type counts as already present) and appends an audit entry (SHA-256 and counts).
 */
export function importAttendance(db: Db, csvText: string, opts: { trialId: string; source: string; actor: string; at: string }): AttendanceImportResult {
  const table = parseCsv(csvText, opts.source);
  requireColumns(table, ATTENDANCE_COLUMNS, opts.source);
  const trial = requireTrial(db, opts.trialId);
  const { sessions, problems } = validateAttendanceRows(table, opts.at.slice(0, 10));
  const known = db.prepare('SELECT 1 FROM schools WHERE urn = ?');
  const dsl = db.prepare('SELECT urn, status FROM dsls WHERE id = ? AND trial_id = ?');
  const dbProblems: FieldProblem[] = [];
  const problem = (line: number, column: string, detail: string) => dbProblems.push({ pointer: `/line/${line}/${column}`, line, column, detail });
  for (const s of sessions) {
    if (!known.get(s.urn)) { problem(s.line, 'URN', `${s.urn} is not a known school`); continue; }
    const refusal = supervisionRefusal(schoolArmFacts(db, trial.id, s.urn));
    if (refusal) { problem(s.line, 'URN', refusal.replace(/^School \d+ /, `${s.urn} `)); continue; }
    for (const id of s.dslIds ?? []) {
      const d = dsl.get(id, trial.id) as { urn: number; status: string } | undefined;
      if (!d) problem(s.line, 'DSLs present', `${id} is not a DSL in trial "${trial.id}"`);
      else if (d.urn !== s.urn) problem(s.line, 'DSLs present', `${id} is a DSL at URN ${d.urn}, not ${s.urn}`);
      else if (d.status === 'erased') problem(s.line, 'DSLs present', `${id} has withdrawn and asked for their data to be erased`);
    }
  }
  const all = byLine([...problems, ...dbProblems]);
  if (all.length) throw lineProblemsError(opts.source, all);
  if (sessions.length === 0) throw new ValidationError(`${opts.source}: no sessions after the header row`);
  const sha256 = sha256Hex(csvText);
  const insertSession = db.prepare(`INSERT INTO supervision_sessions (trial_id, supervisor_user_id, kind, mode, format, held_on, duration_minutes, created_at)
    VALUES (?, NULL, ?, ?, ?, ?, ?, ?)`);
  const insertAttendee = db.prepare('INSERT INTO supervision_attendees (session_id, dsl_id, urn) VALUES (?, ?, ?)');
  const insertImported = db.prepare('INSERT INTO imported_sessions (session_id, urn, dsls_present, source, source_sha256, source_line, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  return db.transaction(() => {
    const logged = loggedSessionKeys(db, trial.id);
    let added = 0;
    for (const s of sessions) {
      if (logged.has(sessionKey(s.urn, s.heldOn, s.kind))) continue;
      const id = Number(insertSession.run(trial.id, s.kind, s.mode, s.present > 1 ? 'group' : 'individual', s.heldOn, s.minutes, opts.at).lastInsertRowid);
      for (const dslId of s.dslIds ?? []) insertAttendee.run(id, dslId, s.urn);
      insertImported.run(id, s.urn, s.present, opts.source, sha256, s.line, opts.at);
      added += 1;
    }
    const result = { rows: sessions.length, added, alreadyPresent: sessions.length - added, sha256 };
    appendAudit(db, { at: opts.at, actor: opts.actor, action: 'import.attendance', trialId: trial.id, detail: { sha256, rows: result.rows, added, alreadyPresent: result.alreadyPresent } });
    return result;
  }).immediate();
}
