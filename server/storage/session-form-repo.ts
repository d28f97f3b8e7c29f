// SQL for session forms: issue each attending DSL's time log and preparation sheet for a session (tokens derived, hashes stored),
// find one by its token for the respondent survey, and list them with their state for the supervisor's pages and the mail merge.
import type { Db } from './db';
import { ConflictError } from '../../shared/errors';
import { hashToken, looksLikeToken } from '../domain/invitation-tokens';
import { deriveSessionFormToken } from '../domain/session-forms/tokens';
import { sessionFormsFor, type SessionFormInstrument } from '../domain/session-forms/forms';

export interface IssuedSessionForm {
  sessionFormId: number; sessionId: number; dslId: string; instrument: SessionFormInstrument; token: string;
  /** The DSL's answer so far: none, started (progress saved) or complete. */
  state: 'none' | 'partial' | 'complete';
}

interface SessionFacts { id: number; kind: 'introduction' | 'formal' | 'adhoc' }

/**
 * Creates (or re-derives) the forms of each attending DSL of the given sessions in one transaction, idempotent per
 * (session, DSL, form); erased DSLs get none. Returns every form with its token and state, by session, DSL and form order.
 */
export function issueSessionForms(db: Db, secret: Buffer, sessionIds: number[], at: string): IssuedSessionForm[] {
  const session = db.prepare('SELECT id, kind FROM supervision_sessions WHERE id = ?');
  const attendees = db.prepare(`SELECT sa.dsl_id FROM supervision_attendees sa JOIN dsls d ON d.id = sa.dsl_id
    WHERE sa.session_id = ? AND d.status <> 'erased' ORDER BY sa.urn, sa.dsl_id`);
  const insert = db.prepare(`INSERT INTO session_forms (session_id, dsl_id, instrument, token_hash, created_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (session_id, dsl_id, instrument) DO NOTHING`);
  const find = db.prepare(`SELECT f.id, f.token_hash, r.status FROM session_forms f LEFT JOIN responses r ON r.session_form_id = f.id
    WHERE f.session_id = ? AND f.dsl_id = ? AND f.instrument = ?`);
  return db.transaction(() => sessionIds.flatMap((sessionId) => {
    const s = session.get(sessionId) as SessionFacts | undefined;
    if (!s) return [];
    return (attendees.all(sessionId) as Array<{ dsl_id: string }>).flatMap(({ dsl_id: dslId }) => sessionFormsFor(s.kind).map((instrument) => {
      const token = deriveSessionFormToken(secret, sessionId, dslId, instrument);
      insert.run(sessionId, dslId, instrument, hashToken(token), at);
      const row = find.get(sessionId, dslId, instrument) as { id: number; token_hash: string; status: 'partial' | 'complete' | null };
      // a link printed from another secret would not work: say so rather than print it
      if (row.token_hash !== hashToken(token)) throw new ConflictError('The session-form links of this database were made with another server secret: use the secret file the server uses (DSLKIT_SECRET_FILE).');
      return { sessionFormId: row.id, sessionId, dslId, instrument, token, state: row.status ?? 'none' } satisfies IssuedSessionForm;
    }));
  }))();
}

/**
 * The session forms that exist for one session, read only (a GET changes nothing): each with its re-derived token and state, in
 * attendee and form order, and how many of the forms the session should have do not exist yet (sessions logged before session forms).
 */
export function sessionFormsOf(db: Db, secret: Buffer, sessionId: number): { forms: IssuedSessionForm[]; missing: number } {
  const s = db.prepare('SELECT id, kind FROM supervision_sessions WHERE id = ?').get(sessionId) as SessionFacts | undefined;
  if (!s) return { forms: [], missing: 0 };
  const attendees = (db.prepare(`SELECT sa.dsl_id FROM supervision_attendees sa JOIN dsls d ON d.id = sa.dsl_id
    WHERE sa.session_id = ? AND d.status <> 'erased' ORDER BY sa.urn, sa.dsl_id`).all(sessionId) as Array<{ dsl_id: string }>).map((a) => a.dsl_id);
  const find = db.prepare(`SELECT f.id, f.token_hash, r.status FROM session_forms f LEFT JOIN responses r ON r.session_form_id = f.id
    WHERE f.session_id = ? AND f.dsl_id = ? AND f.instrument = ?`);
  const forms: IssuedSessionForm[] = [];
  let missing = 0;
  for (const dslId of attendees) for (const instrument of sessionFormsFor(s.kind)) {
    const row = find.get(sessionId, dslId, instrument) as { id: number; token_hash: string; status: 'partial' | 'complete' | null } | undefined;
    if (!row) { missing++; continue; }
    const token = deriveSessionFormToken(secret, sessionId, dslId, instrument);
    if (row.token_hash !== hashToken(token)) throw new ConflictError('The session-form links of this database were made with another server secret: use the secret file the server uses (DSLKIT_SECRET_FILE).');
    forms.push({ sessionFormId: row.id, sessionId, dslId, instrument, token, state: row.status ?? 'none' });
  }
  return { forms, missing };
}

export interface SessionFormAccess {
  sessionFormId: number; sessionId: number; dslId: string; dslStatus: string; instrument: string;
  /** When the session was logged (the link works from then). */
  opensAt: string;
  /** The trial's retention date (personal data erased then), or far in the future; a closed trial's forms are closed. */
  closesAt: string;
}

/** A session form by its link's token, in one indexed lookup; undefined when the token is malformed or unknown. */
export function findSessionFormByToken(db: Db, token: string): SessionFormAccess | undefined {
  if (!looksLikeToken(token)) return undefined;
  const row = db.prepare(`SELECT f.id, f.session_id, f.dsl_id, d.status AS dsl_status, f.instrument, f.created_at, t.status AS trial_status, t.retention_until
    FROM session_forms f JOIN dsls d ON d.id = f.dsl_id JOIN trials t ON t.id = d.trial_id WHERE f.token_hash = ?`).get(hashToken(token)) as
    { id: number; session_id: number; dsl_id: string; dsl_status: string; instrument: string; created_at: string; trial_status: string; retention_until: string | null } | undefined;
  if (!row) return undefined;
  const closesAt = row.trial_status === 'closed' ? row.created_at : row.retention_until ? `${row.retention_until}T00:00:00.000Z` : '9999-12-31T00:00:00.000Z';
  return { sessionFormId: row.id, sessionId: row.session_id, dslId: row.dsl_id, dslStatus: row.dsl_status, instrument: row.instrument, opensAt: row.created_at, closesAt };
}

export interface SessionFormRecipient {
  sessionId: number; heldOn: string; kind: string; dslId: string; urn: number; schoolName: string; name: string; email: string;
}

/** Every (session, attending DSL) of a trial with contact details, oldest session first, for the session-form mail merge; erased DSLs left out. */
export function listSessionFormRecipients(db: Db, trialId: string, filter: { sinceHeldOn?: string } = {}): SessionFormRecipient[] {
  return db.prepare(`SELECT s.id AS sessionId, s.held_on AS heldOn, s.kind, sa.dsl_id AS dslId, sa.urn, sc.name AS schoolName,
      COALESCE(c.name, '') AS name, COALESCE(c.email, '') AS email
    FROM supervision_sessions s JOIN supervision_attendees sa ON sa.session_id = s.id JOIN dsls d ON d.id = sa.dsl_id
    JOIN schools sc ON sc.urn = sa.urn LEFT JOIN dsl_contacts c ON c.dsl_id = sa.dsl_id
    WHERE s.trial_id = ? AND d.status = 'active' AND s.held_on >= ? ORDER BY s.held_on, s.id, sa.urn, sa.dsl_id`)
    .all(trialId, filter.sinceHeldOn ?? '0000-00-00') as SessionFormRecipient[];
}

export interface AttendeeFormProgress { sessionId: number; dslId: string; urn: number; returned: number; recordWritten: boolean }

/** For each (session, attending DSL, not erased) of a supervisor in a trial: how many of the DSL's session forms are returned and whether the record of supervision is written. */
export function attendeeFormProgress(db: Db, trialId: string, supervisorUserId: number): AttendeeFormProgress[] {
  return (db.prepare(`SELECT sa.session_id AS sessionId, sa.dsl_id AS dslId, sa.urn,
      (SELECT count(*) FROM session_forms f JOIN responses r ON r.session_form_id = f.id AND r.status = 'complete' WHERE f.session_id = sa.session_id AND f.dsl_id = sa.dsl_id) AS returned,
      EXISTS (SELECT 1 FROM responses r WHERE r.supervision_session_id = sa.session_id AND r.dsl_id = sa.dsl_id) AS recorded
    FROM supervision_attendees sa JOIN supervision_sessions s ON s.id = sa.session_id JOIN dsls d ON d.id = sa.dsl_id
    WHERE s.trial_id = ? AND s.supervisor_user_id = ? AND d.status <> 'erased'`).all(trialId, supervisorUserId) as Array<Omit<AttendeeFormProgress, 'recordWritten'> & { recorded: number }>)
    .map(({ recorded, ...r }) => ({ ...r, recordWritten: recorded === 1 }));
}
