// Fieldwork monitor queries: invitations and responses (partial/complete, and complete on paper) by wave, arm and LA, and the non-responders who need a reminder.
import type { Db } from './db';

export interface FieldworkCell {
  wave: string; arm: string; laCode: string; laName: string; invited: number; partial: number; complete: number;
  /** Of the complete responses, how many were paper returns typed in (dslkit import responses). */
  paper: number;
}

/** Response counts per wave x arm x LA; DSLs who withdrew or were erased are not counted as invited. */
export function fieldworkCounts(db: Db, trialId: string): FieldworkCell[] {
  return db.prepare(`SELECT w.name AS wave, COALESCE(a.arm, 'unallocated') AS arm, s.la_code AS laCode, la.name AS laName,
      count(i.id) AS invited,
      sum(CASE WHEN r.status = 'partial' THEN 1 ELSE 0 END) AS partial,
      sum(CASE WHEN r.status = 'complete' THEN 1 ELSE 0 END) AS complete,
      sum(CASE WHEN r.status = 'complete' AND p.response_id IS NOT NULL THEN 1 ELSE 0 END) AS paper
    FROM invitations i JOIN waves w ON w.id = i.wave_id JOIN dsls d ON d.id = i.dsl_id
    JOIN schools s ON s.urn = d.urn JOIN local_authorities la ON la.code = s.la_code
    LEFT JOIN allocations a ON a.trial_id = d.trial_id AND a.urn = d.urn
    LEFT JOIN responses r ON r.invitation_id = i.id
    LEFT JOIN response_sources p ON p.response_id = r.id
    WHERE w.trial_id = ? AND d.status = 'active'
    GROUP BY w.name, arm, s.la_code ORDER BY w.opens_at, arm, s.la_code`).all(trialId) as FieldworkCell[];
}

export interface NonResponder { wave: string; dslId: string; urn: number; schoolName: string; name: string; email: string; status: 'not started' | 'partial' }

/** Active DSLs invited to a wave who have not completed it, with contact details (for reminders only). */
export function nonResponders(db: Db, trialId: string, waveId: number): NonResponder[] {
  return db.prepare(`SELECT w.name AS wave, d.id AS dslId, d.urn AS urn, s.name AS schoolName, c.name AS name, c.email AS email,
      CASE WHEN r.id IS NULL THEN 'not started' ELSE 'partial' END AS status
    FROM invitations i JOIN waves w ON w.id = i.wave_id JOIN dsls d ON d.id = i.dsl_id JOIN dsl_contacts c ON c.dsl_id = d.id
    JOIN schools s ON s.urn = d.urn LEFT JOIN responses r ON r.invitation_id = i.id
    WHERE w.trial_id = ? AND w.id = ? AND d.status = 'active' AND (r.id IS NULL OR r.status <> 'complete')
    ORDER BY d.urn, d.id`).all(trialId, waveId) as NonResponder[];
}

export interface InvitationContact { dslId: string; urn: number; schoolName: string; laCode: string; name: string; email: string }

/** Active DSLs of a trial with contact details, for the invitation mail merge. */
export function activeDslContacts(db: Db, trialId: string): InvitationContact[] {
  return db.prepare(`SELECT d.id AS dslId, d.urn AS urn, s.name AS schoolName, s.la_code AS laCode, c.name AS name, c.email AS email
    FROM dsls d JOIN dsl_contacts c ON c.dsl_id = d.id JOIN schools s ON s.urn = d.urn
    WHERE d.trial_id = ? AND d.status = 'active' ORDER BY d.urn, d.id`).all(trialId) as InvitationContact[];
}

export interface SchoolFieldworkRow extends FieldworkCell { urn: number; schoolName: string; optedOut: number }

/** Response counts of one wave per school (with its arm and LA), and how many of its DSLs opted out of reminders. */
export function fieldworkBySchool(db: Db, trialId: string, waveId: number): SchoolFieldworkRow[] {
  return db.prepare(`SELECT w.name AS wave, COALESCE(a.arm, 'unallocated') AS arm, s.la_code AS laCode, la.name AS laName, s.urn AS urn, s.name AS schoolName,
      count(i.id) AS invited,
      sum(CASE WHEN r.status = 'partial' THEN 1 ELSE 0 END) AS partial,
      sum(CASE WHEN r.status = 'complete' THEN 1 ELSE 0 END) AS complete,
      sum(CASE WHEN r.status = 'complete' AND p.response_id IS NOT NULL THEN 1 ELSE 0 END) AS paper,
      sum(CASE WHEN o.dsl_id IS NOT NULL THEN 1 ELSE 0 END) AS optedOut
    FROM invitations i JOIN waves w ON w.id = i.wave_id JOIN dsls d ON d.id = i.dsl_id
    JOIN schools s ON s.urn = d.urn JOIN local_authorities la ON la.code = s.la_code
    LEFT JOIN allocations a ON a.trial_id = d.trial_id AND a.urn = d.urn
    LEFT JOIN responses r ON r.invitation_id = i.id
    LEFT JOIN response_sources p ON p.response_id = r.id
    LEFT JOIN dsl_opt_outs o ON o.dsl_id = d.id
    WHERE w.trial_id = ? AND w.id = ? AND d.status = 'active'
    GROUP BY s.urn ORDER BY s.la_code, s.urn`).all(trialId, waveId) as SchoolFieldworkRow[];
}
