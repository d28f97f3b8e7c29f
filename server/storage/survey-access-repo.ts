// Read-only lookups the respondent survey and the invitations export need: token -> invitation + wave (or session form), and who to invite.
import type { Db } from './db';
import { hashToken, looksLikeToken } from '../domain/invitation-tokens';
import { findSessionFormByToken } from './session-form-repo';
import { audienceFilter } from './wave-audience-repo';

export interface SurveyInvitation {
  /** The wave invitation behind the link; null for a session form's link. */
  invitationId: number | null;
  /** The supervision-session form behind the link (a DSL's time log or preparation sheet for one session); null for a wave invitation. */
  sessionFormId: number | null;
  dslId: string;
  dslStatus: string;
  waveId: number | null;
  waveName: string | null;
  opensAt: string;
  closesAt: string;
  /** 'id@version' in page order. */
  instruments: string[];
}

/** The invitation, its DSL's status and its wave for a token, in one indexed lookup, else the session form with that token; undefined when the token is malformed or unknown. */
export function findSurveyInvitation(db: Db, token: string): SurveyInvitation | undefined {
  if (!looksLikeToken(token)) return undefined;
  const row = db.prepare(`SELECT i.id, i.dsl_id, d.status AS dsl_status, w.id AS wave_id, w.name, w.opens_at, w.closes_at, w.instruments
    FROM invitations i JOIN dsls d ON d.id = i.dsl_id JOIN waves w ON w.id = i.wave_id WHERE i.token_hash = ?`).get(hashToken(token)) as
    { id: number; dsl_id: string; dsl_status: string; wave_id: number; name: string; opens_at: string; closes_at: string; instruments: string } | undefined;
  if (!row) return sessionFormInvitation(db, token);
  return {
    invitationId: row.id, sessionFormId: null, dslId: row.dsl_id, dslStatus: row.dsl_status, waveId: row.wave_id, waveName: row.name,
    opensAt: row.opens_at, closesAt: row.closes_at, instruments: parsedInstruments(row.instruments),
  };
}

/** A session form's link read as the one-instrument survey the respondent client shows. */
function sessionFormInvitation(db: Db, token: string): SurveyInvitation | undefined {
  const f = findSessionFormByToken(db, token);
  return f && {
    invitationId: null, sessionFormId: f.sessionFormId, dslId: f.dslId, dslStatus: f.dslStatus, waveId: null, waveName: null,
    opensAt: f.opensAt, closesAt: f.closesAt, instruments: parsedInstruments(JSON.stringify([f.instrument])),
  };
}

/** Wave instrument lists are few and never change once a wave has answers: parse each JSON text once. */
const instrumentLists = new Map<string, string[]>();
function parsedInstruments(json: string): string[] {
  let list = instrumentLists.get(json);
  if (!list) {
    if (instrumentLists.size > 1000) instrumentLists.clear();
    list = Object.freeze(JSON.parse(json) as string[]) as string[];
    instrumentLists.set(json, list);
  }
  return list;
}

export interface WaveRef { id: number; trialId: string; name: string; opensAt: string; closesAt: string }

/** A trial's wave by name (baseline, midpoint, endline), or undefined. */
export function findWaveByName(db: Db, trialId: string, name: string): WaveRef | undefined {
  const row = db.prepare('SELECT id, trial_id, name, opens_at, closes_at FROM waves WHERE trial_id = ? AND name = ?').get(trialId, name) as
    { id: number; trial_id: string; name: string; opens_at: string; closes_at: string } | undefined;
  return row && { id: row.id, trialId: row.trial_id, name: row.name, opensAt: row.opens_at, closesAt: row.closes_at };
}

export interface InvitationRecipient { dslId: string; urn: number; schoolName: string; name: string; email: string; invited: boolean }

/** Every active DSL in the wave's audience (its arms and least dosage, if limited) with their school and contact details, and whether the wave already invited them. */
export function listInvitationRecipients(db: Db, trialId: string, waveId: number): InvitationRecipient[] {
  const rows = db.prepare(`SELECT d.id AS dsl_id, d.urn, s.name AS school_name, c.name, c.email, i.id AS invitation_id
    FROM dsls d JOIN schools s ON s.urn = d.urn
    LEFT JOIN dsl_contacts c ON c.dsl_id = d.id
    LEFT JOIN invitations i ON i.dsl_id = d.id AND i.wave_id = ?
    WHERE d.trial_id = ? AND d.status = 'active'
    ORDER BY d.urn, d.id`).all(waveId, trialId) as
    { dsl_id: string; urn: number; school_name: string; name: string | null; email: string | null; invitation_id: number | null }[];
  const invited = audienceFilter(db, trialId, waveId);
  return rows.filter((r) => invited(r.dsl_id))
    .map((r) => ({ dslId: r.dsl_id, urn: r.urn, schoolName: r.school_name, name: r.name ?? '', email: r.email ?? '', invited: r.invitation_id !== null }));
}
