// SQL for schools' statuses in a trial: the current status on trial_schools, every change in school_status_events, each change audited (used by `dslkit school status` and the staff school page).
import type { Db } from './db';
import { NotFoundError } from '../../shared/errors';
import { checkSchoolStatus, type SchoolStatusChange } from '../domain/school-status/rules';
import { requireTrial } from './trial-repo';
import { appendAudit } from './audit-repo';

export type Participation = 'enrolled' | 'excluded' | 'declined' | 'withdrawn';

export interface SchoolStatusRow {
  urn: number; name: string; laCode: string; arm: 'intervention' | 'control' | null;
  status: Participation; statusOn: string | null; statusReason: string | null;
  attendanceMissingOn: string | null; attendanceMissingReason: string | null;
}

export interface SchoolStatusResult { urn: number; status: SchoolStatusChange['status']; date: string; changed: boolean }

/** Every school of the trial with its current status and arm, by URN. */
export function listSchoolStatuses(db: Db, trialId: string): SchoolStatusRow[] {
  return db.prepare(`SELECT ts.urn, s.name, s.la_code AS laCode, a.arm, ts.status, ts.status_on AS statusOn, ts.status_reason AS statusReason,
      ts.attendance_missing_on AS attendanceMissingOn, ts.attendance_missing_reason AS attendanceMissingReason
    FROM trial_schools ts JOIN schools s ON s.urn = ts.urn LEFT JOIN allocations a ON a.trial_id = ts.trial_id AND a.urn = ts.urn
    WHERE ts.trial_id = ? ORDER BY ts.urn`).all(trialId) as SchoolStatusRow[];
}

/** The status history of one school in a trial, oldest first. */
export function schoolStatusHistory(db: Db, trialId: string, urn: number): Array<{ status: string; effectiveOn: string; reason: string; recordedAt: string; recordedBy: string }> {
  return db.prepare(`SELECT status, effective_on AS effectiveOn, reason, recorded_at AS recordedAt, recorded_by AS recordedBy
    FROM school_status_events WHERE trial_id = ? AND urn = ? ORDER BY id`).all(trialId, urn) as ReturnType<typeof schoolStatusHistory>;
}

/**
 * Records a school's status in ONE transaction: checks it against the school's allocation and the randomisation
 * date (checkSchoolStatus), updates trial_schools, appends a school_status_events row and an audit entry. Recording
 * the status the school already has, with the same date and reason, changes nothing (changed: false, no rows).
 */
export function recordSchoolStatus(db: Db, trialId: string, urn: number, input: { status: string; date: string; reason: string }, who: { actor: string; at: string }): SchoolStatusResult {
  return db.transaction((): SchoolStatusResult => {
    requireTrial(db, trialId);
    const current = listSchoolStatuses(db, trialId).find((s) => s.urn === urn);
    if (!current) throw new NotFoundError(`URN ${urn} is not a school of trial "${trialId}" (import it with dslkit import schools --trial ${trialId}).`, [{ pointer: '/urn', detail: `URN ${urn} is not in this trial` }]);
    const rand = db.prepare('SELECT created_at FROM randomisations WHERE trial_id = ?').get(trialId) as { created_at: string } | undefined;
    const change = checkSchoolStatus(input, { today: who.at.slice(0, 10), randomisedOn: rand ? rand.created_at.slice(0, 10) : null, arm: current.arm });
    const same = change.status === 'attendance-missing'
      ? current.attendanceMissingOn === change.date && current.attendanceMissingReason === change.reason
      : change.status === 'enrolled'
        ? current.status === 'enrolled' && current.attendanceMissingOn === null && (current.statusOn === null || (current.statusOn === change.date && current.statusReason === change.reason))
        : current.status === change.status && current.statusOn === change.date && current.statusReason === change.reason;
    if (same) return { urn, status: change.status, date: change.date, changed: false };
    if (change.status === 'attendance-missing') {
      db.prepare('UPDATE trial_schools SET attendance_missing_on = ?, attendance_missing_reason = ? WHERE trial_id = ? AND urn = ?').run(change.date, change.reason, trialId, urn);
    } else if (change.status === 'enrolled') {
      db.prepare(`UPDATE trial_schools SET status = 'enrolled', status_on = ?, status_reason = ?, attendance_missing_on = NULL, attendance_missing_reason = NULL
        WHERE trial_id = ? AND urn = ?`).run(change.date, change.reason, trialId, urn);
    } else {
      db.prepare('UPDATE trial_schools SET status = ?, status_on = ?, status_reason = ? WHERE trial_id = ? AND urn = ?').run(change.status, change.date, change.reason, trialId, urn);
    }
    const eventStatus = change.status === 'attendance-missing' ? 'attendance_missing' : change.status;
    const id = Number(db.prepare(`INSERT INTO school_status_events (trial_id, urn, status, effective_on, reason, recorded_at, recorded_by)
      VALUES (?, ?, ?, ?, ?, ?, ?)`).run(trialId, urn, eventStatus, change.date, change.reason, who.at, who.actor).lastInsertRowid);
    appendAudit(db, { at: who.at, actor: who.actor, action: 'school.status', trialId, detail: { urn, status: change.status, date: change.date, from: current.status, event: id } });
    return { urn, status: change.status, date: change.date, changed: true };
  })();
}
