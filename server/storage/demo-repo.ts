// SQL used only by the synthetic demo: removing a demo trial or programme (allocations of a demo trial may be deleted), writing supervision sessions and wave-less forms, and the demo staff accounts.
import type { Db } from './db';
import type { Role, StaffUser } from '../domain/auth/roles';
import { getRegistry, validateAnswers } from '../../instruments/registry';
import { scoreRows } from '../domain/surveys/rescore';
import { createUser, setPasswordHash, changeRole, findUserByEmail } from './user-repo';
import { insertScoreRows, trialKeyLookup } from './response-repo';

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

/** Sets a demo session's topics (codes from the trial's list) and free-text note. */
export function setDemoSessionTopics(db: Db, sessionId: number, codes: string[], note: string | null): void {
  const ins = db.prepare('INSERT INTO session_topics (session_id, code) VALUES (?, ?)');
  for (const code of codes) ins.run(sessionId, code);
  db.prepare('UPDATE supervision_sessions SET topics_note = ? WHERE id = ?').run(note, sessionId);
}

export function countTrials(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM trials').get() as { n: number }).n;
}

/** Sets a trial's status directly (the demo moves from randomised to fieldwork). */
export function setDemoStatus(db: Db, trialId: string, status: 'randomised' | 'fieldwork'): void {
  db.prepare('UPDATE trials SET status = ? WHERE id = ? AND is_demo = 1').run(status, trialId);
}

/**
 * A completed form a DSL filled in outside any survey wave (the DSL evaluation form, the time log): validated,
 * stored with an 'import' snapshot and scored like any other response. Returns the response id.
 */
export function insertDemoForm(db: Db, f: { trialId: string; dslId: string; instrument: string; answers: Record<string, unknown>; at: string }): number {
  const def = getRegistry().get(f.instrument);
  const problems = validateAnswers([def], f.answers, 'complete');
  if (problems.length) throw new Error(`demo ${f.instrument} answers are invalid: ${problems.map((p) => p.detail).join('; ')}`);
  const id = Number(db.prepare(`INSERT INTO responses (dsl_id, instruments, status, current_page, started_at, updated_at, submitted_at)
    VALUES (?, ?, 'complete', 0, ?, ?, ?)`).run(f.dslId, JSON.stringify([def.key]), f.at, f.at, f.at).lastInsertRowid);
  db.prepare("INSERT INTO response_snapshots (response_id, kind, answers, page, saved_at) VALUES (?, 'import', ?, 0, ?)").run(id, JSON.stringify(f.answers), f.at);
  insertScoreRows(db, id, scoreRows([def], f.answers, trialKeyLookup(db, f.trialId)), f.at);
  return id;
}

/**
 * Creates a demo staff account, or (after a reset) gives the existing one the role and a new password hash.
 * Both paths are audited by user-repo. Returns the account.
 */
export function upsertDemoUser(db: Db, u: { email: string; name: string; role: Role; laCode: string | null; passwordHash: string }, by: { actor: string; at: string }): StaffUser {
  const existing = findUserByEmail(db, u.email);
  if (!existing) return createUser(db, u, by);
  if (existing.role !== u.role || existing.laCode !== u.laCode) changeRole(db, existing.id, u.role, u.laCode, by);
  setPasswordHash(db, existing.id, u.passwordHash, by);
  db.prepare('UPDATE users SET name = ?, disabled = 0 WHERE id = ?').run(u.name, existing.id);
  return { ...existing, name: u.name, role: u.role, laCode: u.laCode };
}
