// Supervision sessions delivered by supervising social workers: log one (individual or group, possibly across schools), list them, and the supervisor's schools and DSLs.
import type { Db } from './db';
import { NotFoundError, ValidationError, type FieldProblem } from '../../shared/errors';
import { isIsoDate } from './trial-repo';
import { appendAudit } from './audit-repo';
import { schoolArmFacts } from './allocation-arm-repo';
import { supervisionRefusal } from '../domain/supervision/intervention-arm';
import { trialTopics } from './trial-settings-repo';
import { sessionPackage } from './session-package-repo';

export const SESSION_KINDS = ['introduction', 'formal', 'adhoc'] as const;
export const SESSION_MODES = ['face_to_face', 'online', 'phone', 'email'] as const;
export type SessionKind = (typeof SESSION_KINDS)[number];
export type SessionMode = (typeof SESSION_MODES)[number];

export interface NewSession {
  trialId: string;
  /** The supervisor logging it; when set, every DSL must be at a school assigned to them. Null for imports by evaluators. */
  supervisorUserId: number | null;
  kind: string; mode: string; heldOn: string; durationMinutes: number;
  /** One DSL for an individual session; two or more make it a group session. */
  dslIds: string[];
  /** Codes from the trial's topic list, and other topics as free text (at most 1000 characters). */
  topics?: string[]; topicsNote?: string;
  /** A programme's package the session was delivered under (needed when a setting is in more than one package). */
  packageId?: number | null;
  at: string; actor: string;
}

export interface SessionRecord {
  id: number; trialId: string; supervisorUserId: number | null; kind: SessionKind; mode: SessionMode; format: 'individual' | 'group';
  heldOn: string; durationMinutes: number; attendees: Array<{ dslId: string; urn: number }>;
  topics: Array<{ code: string; label: string }>; topicsNote: string | null; packageId: number | null;
}

/** Validates and stores a session with its attendees in one transaction; returns its id. Problems name the form field. */
export function logSession(db: Db, s: NewSession): number {
  const problems: FieldProblem[] = [];
  if (!(SESSION_KINDS as readonly string[]).includes(s.kind)) problems.push({ pointer: '/kind', detail: 'Select the kind of session' });
  if (!(SESSION_MODES as readonly string[]).includes(s.mode)) problems.push({ pointer: '/mode', detail: 'Select how the session was held' });
  if (!isIsoDate(s.heldOn)) problems.push({ pointer: '/heldOn', detail: 'Enter the date of the session' });
  else if (s.heldOn > s.at.slice(0, 10)) problems.push({ pointer: '/heldOn', detail: 'The date of the session must be today or in the past' });
  if (!Number.isInteger(s.durationMinutes) || s.durationMinutes < 1 || s.durationMinutes > 1440) problems.push({ pointer: '/durationMinutes', detail: 'Enter the duration as a whole number of minutes from 1 to 1,440' });
  const ids = [...new Set(s.dslIds)];
  if (ids.length === 0) problems.push({ pointer: '/dsls', detail: 'Select the DSL or DSLs who attended' });
  const dsl = db.prepare(`SELECT d.id, d.urn, d.status FROM dsls d WHERE d.id = ? AND d.trial_id = ?`);
  const assigned = db.prepare('SELECT 1 FROM supervisor_assignments WHERE user_id = ? AND trial_id = ? AND urn = ?');
  const attendees: Array<{ dslId: string; urn: number }> = [];
  for (const id of ids) {
    const d = dsl.get(id, s.trialId) as { id: string; urn: number; status: string } | undefined;
    if (!d || (s.supervisorUserId !== null && !assigned.get(s.supervisorUserId, s.trialId, d.urn))) { problems.push({ pointer: '/dsls', detail: `DSL ${id} is not one of yours in this trial.` }); continue; }
    if (d.status === 'erased') { problems.push({ pointer: '/dsls', detail: `DSL ${id} has withdrawn and asked for their data to be erased.` }); continue; }
    const refusal = supervisionRefusal(schoolArmFacts(db, s.trialId, d.urn));
    if (refusal) { problems.push({ pointer: '/dsls', detail: `DSL ${id}: ${refusal} The session was not saved.` }); continue; }
    attendees.push({ dslId: d.id, urn: d.urn });
  }
  const known = new Set(trialTopics(db, s.trialId).map((t) => t.code));
  const topics = [...new Set(s.topics ?? [])];
  for (const code of topics) if (!known.has(code)) problems.push({ pointer: '/topics', detail: `"${code}" is not one of this trial's session topics.` });
  const note = (s.topicsNote ?? '').trim();
  if (note.length > 1000) problems.push({ pointer: '/topicsNote', detail: 'Other topics must be 1000 characters or fewer.' });
  const packageId = attendees.length ? sessionPackage(db, s.trialId, attendees.map((a) => a.urn), s.packageId ?? null, problems) : null;
  if (problems.length) throw new ValidationError(problems.map((p) => p.detail).join('\n'), problems);
  return db.transaction(() => {
    const id = Number(db.prepare(`INSERT INTO supervision_sessions (trial_id, supervisor_user_id, kind, mode, format, held_on, duration_minutes, topics_note, package_id, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(s.trialId, s.supervisorUserId, s.kind, s.mode, attendees.length > 1 ? 'group' : 'individual', s.heldOn, s.durationMinutes, note || null, packageId, s.at).lastInsertRowid);
    const ins = db.prepare('INSERT INTO supervision_attendees (session_id, dsl_id, urn) VALUES (?, ?, ?)');
    for (const a of attendees) ins.run(id, a.dslId, a.urn);
    const topic = db.prepare('INSERT INTO session_topics (session_id, code) VALUES (?, ?)');
    for (const code of topics) topic.run(id, code);
    appendAudit(db, { at: s.at, actor: s.actor, action: 'supervision.log', trialId: s.trialId, detail: { sessionId: id, kind: s.kind, attendees: attendees.length } });
    return id;
  })();
}

interface SessionRow { id: number; trial_id: string; supervisor_user_id: number | null; kind: SessionKind; mode: SessionMode; format: 'individual' | 'group'; held_on: string; duration_minutes: number; topics_note: string | null; package_id: number | null }

/** Sessions of a trial (optionally one supervisor's), newest first, with attendees. */
export function listSessions(db: Db, filter: { trialId: string; supervisorUserId?: number }): SessionRecord[] {
  const rows = (filter.supervisorUserId !== undefined
    ? db.prepare('SELECT * FROM supervision_sessions WHERE trial_id = ? AND supervisor_user_id = ? ORDER BY held_on DESC, id DESC').all(filter.trialId, filter.supervisorUserId)
    : db.prepare('SELECT * FROM supervision_sessions WHERE trial_id = ? ORDER BY held_on DESC, id DESC').all(filter.trialId)) as SessionRow[];
  const att = db.prepare('SELECT dsl_id AS dslId, urn FROM supervision_attendees WHERE session_id = ? ORDER BY urn, dsl_id');
  const topics = db.prepare(`SELECT st.code, COALESCE(tt.label, st.code) AS label FROM session_topics st JOIN supervision_sessions s ON s.id = st.session_id
    LEFT JOIN trial_topics tt ON tt.trial_id = s.trial_id AND tt.code = st.code WHERE st.session_id = ? ORDER BY tt.position, st.code`);
  return rows.map((r) => ({
    id: r.id, trialId: r.trial_id, supervisorUserId: r.supervisor_user_id, kind: r.kind, mode: r.mode, format: r.format,
    heldOn: r.held_on, durationMinutes: r.duration_minutes, attendees: att.all(r.id) as Array<{ dslId: string; urn: number }>,
    topics: topics.all(r.id) as Array<{ code: string; label: string }>, topicsNote: r.topics_note, packageId: r.package_id,
  }));
}

/** One session, only if it belongs to this supervisor (else NotFoundError: other supervisors' sessions are invisible). */
export function requireOwnSession(db: Db, supervisorUserId: number, trialId: string, sessionId: number): SessionRecord {
  const s = listSessions(db, { trialId, supervisorUserId }).find((x) => x.id === sessionId);
  if (!s) throw new NotFoundError('There is no such session.');
  return s;
}

export interface SupervisedSchool { urn: number; name: string; laCode: string; dsls: Array<{ id: string; name: string; status: string }> }

/** The schools assigned to a supervisor in a trial with their DSLs' names (supervisors know their DSLs), never answers or scores. */
export function supervisedSchools(db: Db, userId: number, trialId: string): SupervisedSchool[] {
  const schools = db.prepare(`SELECT s.urn, s.name, s.la_code AS laCode FROM supervisor_assignments sa JOIN schools s ON s.urn = sa.urn
    WHERE sa.user_id = ? AND sa.trial_id = ? ORDER BY s.name`).all(userId, trialId) as Array<{ urn: number; name: string; laCode: string }>;
  const dsls = db.prepare(`SELECT d.id, COALESCE(c.name, '(erased)') AS name, d.status FROM dsls d LEFT JOIN dsl_contacts c ON c.dsl_id = d.id
    WHERE d.trial_id = ? AND d.urn = ? AND d.status <> 'erased' ORDER BY c.name, d.id`);
  return schools.map((s) => ({ ...s, dsls: dsls.all(trialId, s.urn) as Array<{ id: string; name: string; status: string }> }));
}

export interface SupervisorTrial { id: string; title: string; intervalWeeks: [number, number]; endsOn: string | null; sessionsIntended: number | null; kind: 'trial' | 'programme'; isDemo: boolean }

/** Trials in which a supervisor has schools, with the settings their schedule follows. */
export function supervisorTrials(db: Db, userId: number): SupervisorTrial[] {
  return (db.prepare(`SELECT DISTINCT t.id, t.title, t.session_interval_weeks AS w, t.ends_on, t.sessions_intended, t.kind, t.is_demo AS demo FROM supervisor_assignments sa JOIN trials t ON t.id = sa.trial_id
    WHERE sa.user_id = ? ORDER BY t.id`).all(userId) as Array<{ id: string; title: string; w: string; ends_on: string | null; sessions_intended: number | null; kind: 'trial' | 'programme'; demo: number }>)
    .map((r) => ({ id: r.id, title: r.title, intervalWeeks: JSON.parse(r.w) as [number, number], endsOn: r.ends_on, sessionsIntended: r.sessions_intended, kind: r.kind, isDemo: r.demo === 1 }));
}

/**
 * Stores the record of supervision for one DSL at a session: the first save creates it, a later save (the supervisor correcting or
 * adding to it) appends a snapshot, so the newest answers are the record and the earlier ones are kept. Returns the response id.
 */
export function saveSupervisionRecord(db: Db, r: { sessionId: number; authorUserId: number; dslId: string | null; instrument: string; answers: Record<string, unknown>; at: string }): number {
  return db.transaction(() => {
    const existing = r.dslId === null ? undefined : findSupervisionRecord(db, r.sessionId, r.dslId);
    const id = existing?.responseId ?? Number(db.prepare(`INSERT INTO responses (dsl_id, supervision_session_id, author_user_id, instruments, status, started_at, updated_at, submitted_at)
      VALUES (?, ?, ?, ?, 'complete', ?, ?, ?)`).run(r.dslId, r.sessionId, r.authorUserId, JSON.stringify([r.instrument]), r.at, r.at, r.at).lastInsertRowid);
    if (existing) db.prepare('UPDATE responses SET updated_at = ? WHERE id = ?').run(r.at, id);
    db.prepare("INSERT INTO response_snapshots (response_id, kind, answers, page, saved_at) VALUES (?, 'submit', ?, 0, ?)").run(id, JSON.stringify(r.answers), r.at);
    return id;
  })();
}

/** The record of supervision for a DSL at a session with its newest answers (the oldest record when several were written before one per DSL was kept). */
export function findSupervisionRecord(db: Db, sessionId: number, dslId: string): { responseId: number; answers: Record<string, unknown>; updatedAt: string } | undefined {
  const row = db.prepare(`SELECT r.id, r.updated_at, (SELECT answers FROM response_snapshots s WHERE s.response_id = r.id ORDER BY s.id DESC LIMIT 1) AS answers
    FROM responses r WHERE r.supervision_session_id = ? AND r.dsl_id = ? ORDER BY r.id LIMIT 1`).get(sessionId, dslId) as { id: number; updated_at: string; answers: string | null } | undefined;
  return row && { responseId: row.id, updatedAt: row.updated_at, answers: row.answers ? JSON.parse(row.answers) as Record<string, unknown> : {} };
}

/** The DSLs of a session who have a record of supervision. */
export function recordedDsls(db: Db, sessionId: number): Set<string> {
  return new Set((db.prepare('SELECT DISTINCT dsl_id FROM responses WHERE supervision_session_id = ? AND dsl_id IS NOT NULL').all(sessionId) as Array<{ dsl_id: string }>).map((r) => r.dsl_id));
}

/** How many of each session's DSLs have a record written. */
export function recordCounts(db: Db, sessionIds: number[]): Map<number, number> {
  const q = db.prepare('SELECT count(DISTINCT dsl_id) AS n FROM responses WHERE supervision_session_id = ?');
  return new Map(sessionIds.map((id) => [id, (q.get(id) as { n: number }).n]));
}

export interface StoredRecord { responseId: number; sessionId: number; heldOn: string; kind: SessionKind; dslId: string; urn: number; updatedAt: string; answers: Record<string, unknown> }

/** Every record of supervision of a trial with its newest answers, by session date: pseudonymous DSL ids, no names. */
export function listSupervisionRecords(db: Db, trialId: string): StoredRecord[] {
  return (db.prepare(`SELECT r.id AS responseId, s.id AS sessionId, s.held_on AS heldOn, s.kind, r.dsl_id AS dslId, d.urn, r.updated_at AS updatedAt,
      (SELECT answers FROM response_snapshots x WHERE x.response_id = r.id ORDER BY x.id DESC LIMIT 1) AS answers
    FROM responses r JOIN supervision_sessions s ON s.id = r.supervision_session_id JOIN dsls d ON d.id = r.dsl_id
    WHERE s.trial_id = ? ORDER BY s.held_on, s.id, r.dsl_id`).all(trialId) as Array<Omit<StoredRecord, 'answers'> & { answers: string | null }>)
    .map((r) => ({ ...r, answers: r.answers ? JSON.parse(r.answers) as Record<string, unknown> : {} }));
}
