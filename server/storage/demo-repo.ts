// SQL used only by the synthetic demo trial: removing it (allocations of a demo trial may be deleted) and writing supervision sessions.
import type { Db } from './db';

/** The URN range reserved for synthetic demo schools (real URNs stop well below 990000). */
export const DEMO_URN_FIRST = 990001;
export const DEMO_URN_LAST = 990999;

/**
 * Deletes a demo trial (is_demo = 1) and everything under it (cascades), then the synthetic schools in
 * the demo URN range that no other trial uses, with their outcome counts. A real trial is never touched;
 * the audit log is append-only and keeps its entries. Returns whether a trial was deleted.
 */
export function deleteDemoTrial(db: Db, trialId: string): boolean {
  return db.transaction(() => {
    const t = db.prepare('SELECT is_demo FROM trials WHERE id = ?').get(trialId) as { is_demo: number } | undefined;
    if (!t) return false;
    if (t.is_demo !== 1) throw new Error(`trial "${trialId}" is not a demo trial; it is never deleted`);
    db.prepare('DELETE FROM allocations WHERE trial_id = ?').run(trialId);
    db.prepare('DELETE FROM trials WHERE id = ?').run(trialId);
    const orphans = `SELECT urn FROM schools WHERE is_synthetic = 1 AND urn BETWEEN ${DEMO_URN_FIRST} AND ${DEMO_URN_LAST}
      AND urn NOT IN (SELECT urn FROM trial_schools) AND urn NOT IN (SELECT urn FROM dsls) AND urn NOT IN (SELECT urn FROM allocations)
      AND urn NOT IN (SELECT urn FROM supervisor_assignments) AND urn NOT IN (SELECT urn FROM supervision_attendees)`;
    db.prepare(`DELETE FROM admin_outcomes WHERE urn IN (${orphans})`).run();
    db.prepare(`DELETE FROM schools WHERE urn IN (${orphans})`).run();
    return true;
  })();
}

export interface NewSession {
  trialId: string; kind: 'introduction' | 'formal' | 'adhoc'; mode: 'face_to_face' | 'online' | 'phone' | 'email';
  format: 'individual' | 'group'; heldOn: string; durationMinutes: number; createdAt: string; supervisorUserId?: number | null;
  attendees: Array<{ dslId: string; urn: number }>;
}

/** Writes one supervision session with its attendees; returns its id. */
export function insertSupervisionSession(db: Db, s: NewSession): number {
  const id = Number(db.prepare(`INSERT INTO supervision_sessions (trial_id, supervisor_user_id, kind, mode, format, held_on, duration_minutes, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(s.trialId, s.supervisorUserId ?? null, s.kind, s.mode, s.format, s.heldOn, s.durationMinutes, s.createdAt).lastInsertRowid);
  const ins = db.prepare('INSERT INTO supervision_attendees (session_id, dsl_id, urn) VALUES (?, ?, ?)');
  for (const a of s.attendees) ins.run(id, a.dslId, a.urn);
  return id;
}

export function countTrials(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM trials').get() as { n: number }).n;
}

/** Sets a trial's status directly (the demo moves from randomised to fieldwork). */
export function setDemoStatus(db: Db, trialId: string, status: 'randomised' | 'fieldwork'): void {
  db.prepare('UPDATE trials SET status = ? WHERE id = ? AND is_demo = 1').run(status, trialId);
}
