// Survey responses: one per invitation, raw answers appended as snapshots (never overwritten), scores (with the trial's answer keys) stored with instrument id@version on submit. The rules and the scoring come from domain/surveys/submission-rules.ts.
import type { Db } from './db';
import { ConflictError } from '../../shared/errors';
import type { KeyLookup, ScoreRow } from '../domain/surveys/rescore';
import { canonicalAnswers, responseRules } from '../domain/surveys/submission-rules';
import { getAnswerKey } from './answer-key-repo';

export type Answers = Record<string, unknown>;

export interface ResponseState {
  id: number;
  status: 'partial' | 'complete';
  currentPage: number;
  /** The newest snapshot's answers ({} before the first save). */
  answers: Answers;
  submittedAt: string | null;
}

export interface ResponseKey {
  invitationId: number | null;
  /** A supervision-session form's response (time log, preparation sheet) is found by its form, not by an invitation. */
  sessionFormId?: number | null;
  dslId: string;
  waveId: number | null;
  /** 'id@version' of every instrument answered, in page order. */
  instruments: string[];
}

export interface SubmitResult { responseId: number; status: 'complete'; submittedAt: string; alreadySubmitted: boolean }

interface ResponseRow { id: number; status: 'partial' | 'complete'; current_page: number; submitted_at: string | null }

function latestAnswers(db: Db, responseId: number): Answers {
  const row = db.prepare('SELECT answers FROM response_snapshots WHERE response_id = ? ORDER BY id DESC LIMIT 1').get(responseId) as { answers: string } | undefined;
  return row ? JSON.parse(row.answers) as Answers : {};
}

function stateOf(db: Db, row: ResponseRow): ResponseState {
  return { id: row.id, status: row.status, currentPage: row.current_page, answers: latestAnswers(db, row.id), submittedAt: row.submitted_at };
}

/** A link's response key: its invitation or its session form (one of them must be set). */
export type LinkKey = ResponseKey;

function assertLinked(key: ResponseKey): void {
  if (key.invitationId === null && key.sessionFormId == null) throw new Error('a survey response needs its invitation or session form');
}

function findRow(db: Db, key: Pick<ResponseKey, 'invitationId' | 'sessionFormId'>): ResponseRow | undefined {
  if (key.invitationId === null) {
    if (key.sessionFormId == null) return undefined;
    return db.prepare('SELECT id, status, current_page, submitted_at FROM responses WHERE session_form_id = ?').get(key.sessionFormId) as ResponseRow | undefined;
  }
  return db.prepare('SELECT id, status, current_page, submitted_at FROM responses WHERE invitation_id = ?').get(key.invitationId) as ResponseRow | undefined;
}

/** The response for an invitation with its current answers, or undefined before anything was saved. */
export function findResponseForInvitation(db: Db, invitationId: number): ResponseState | undefined {
  return findResponseForLink(db, { invitationId });
}

/** The response behind a link (an invitation or a session form) with its current answers, or undefined before anything was saved. */
export function findResponseForLink(db: Db, key: Pick<ResponseKey, 'invitationId' | 'sessionFormId'>): ResponseState | undefined {
  const row = findRow(db, key);
  return row ? stateOf(db, row) : undefined;
}

function createRow(db: Db, key: ResponseKey, at: string): number {
  return Number(db.prepare(`INSERT INTO responses (invitation_id, session_form_id, dsl_id, wave_id, instruments, status, current_page, started_at, updated_at)
    VALUES (?, ?, ?, ?, ?, 'partial', 0, ?, ?)`).run(key.invitationId, key.sessionFormId ?? null, key.dslId, key.waveId, JSON.stringify(key.instruments), at, at).lastInsertRowid);
}

/** Gets the invitation's response, creating an empty partial one on first use. */
export function getOrCreateResponse(db: Db, key: ResponseKey & { invitationId: number }, at: string): ResponseState {
  return db.transaction(() => {
    const row = findRow(db, key);
    if (row) return stateOf(db, row);
    const id = createRow(db, key, at);
    return { id, status: 'partial', currentPage: 0, answers: {}, submittedAt: null } satisfies ResponseState;
  }).immediate();
}

function appendSnapshot(db: Db, responseId: number, kind: 'progress' | 'submit' | 'import', answers: Answers, page: number, at: string): void {
  db.prepare('INSERT INTO response_snapshots (response_id, kind, answers, page, saved_at) VALUES (?, ?, ?, ?, ?)')
    .run(responseId, kind, JSON.stringify(answers), page, at);
}

/** Progress snapshots kept per response: the newest (what the DSL resumes from) and the four before it. */
export const progressSnapshotsKept = 5;

/** Deletes a response's progress snapshots older than the newest few (secure_delete zeroes them), so one link's saves take bounded space. */
function coalesceProgress(db: Db, responseId: number): void {
  db.prepare(`DELETE FROM response_snapshots WHERE response_id = ? AND kind = 'progress' AND id < (
    SELECT min(id) FROM (SELECT id FROM response_snapshots WHERE response_id = ? AND kind = 'progress' ORDER BY id DESC LIMIT ?))`)
    .run(responseId, responseId, progressSnapshotsKept);
}

/** Validates (partial) and appends a progress snapshot, keeping only the newest few; sets the page to resume on. Refused once submitted. */
export function saveProgress(db: Db, key: LinkKey, answers: Answers, page: number, at: string): ResponseState {
  assertLinked(key);
  responseRules(key.instruments).validate(answers, 'partial');
  return db.transaction(() => {
    const row = findRow(db, key);
    if (row?.status === 'complete') throw new ConflictError('These answers have already been submitted; they can no longer be changed.');
    const id = row?.id ?? createRow(db, key, at);
    appendSnapshot(db, id, 'progress', answers, page, at);
    coalesceProgress(db, id);
    db.prepare('UPDATE responses SET current_page = ?, updated_at = ? WHERE id = ?').run(page, at, id);
    return { id, status: 'partial', currentPage: page, answers, submittedAt: null } satisfies ResponseState;
  }).immediate();
}

/** The trial a survey response belongs to: its wave's trial, else its DSL's (undefined when neither is known). */
export function trialOfResponse(db: Db, key: { waveId: number | null; dslId: string | null }): string | undefined {
  const byWave = key.waveId === null ? undefined : db.prepare('SELECT trial_id FROM waves WHERE id = ?').get(key.waveId) as { trial_id: string } | undefined;
  if (byWave) return byWave.trial_id;
  const byDsl = key.dslId === null ? undefined : db.prepare('SELECT trial_id FROM dsls WHERE id = ?').get(key.dslId) as { trial_id: string } | undefined;
  return byDsl?.trial_id;
}

/** Looks up (once per instrument) the trial's stored answer key; no trial means the bundled keys. */
export function trialKeyLookup(db: Db, trialId: string | undefined): KeyLookup {
  const cache = new Map<string, ReturnType<KeyLookup>>();
  return (instrument) => {
    if (trialId === undefined) return undefined;
    if (!cache.has(instrument)) cache.set(instrument, getAnswerKey(db, trialId, instrument)?.key);
    return cache.get(instrument);
  };
}

/** Inserts a response's score rows computed at one moment. */
export function insertScoreRows(db: Db, responseId: number, rows: ScoreRow[], at: string): void {
  const insert = db.prepare('INSERT INTO scores (response_id, instrument, scale, value, reason, band, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  for (const r of rows) insert.run(responseId, r.instrument, r.scale, r.value, r.reason, r.band, at);
}

/** The trial's answer keys for a response (found from its wave or DSL). */
function keysOfResponse(db: Db, key: ResponseKey): KeyLookup {
  return trialKeyLookup(db, trialOfResponse(db, key));
}

/**
 * Submits in ONE transaction: validates the complete answers, appends a submit snapshot, marks the response
 * complete and stores its scores (with the trial's answer keys). Idempotent: once complete, a repeat of the same answers returns the first
 * result and stores nothing; different answers are refused (409), never acknowledged and dropped.
 */
export function submitResponse(db: Db, key: LinkKey, answers: Answers, at: string): SubmitResult {
  assertLinked(key);
  const rules = responseRules(key.instruments);
  return db.transaction((): SubmitResult => {
    const row = findRow(db, key);
    if (row?.status === 'complete') {
      // A retry of the same submission is answered as the first was; different answers would be dropped, so they are refused.
      if (canonicalAnswers(latestAnswers(db, row.id)) !== canonicalAnswers(answers)) {
        throw new ConflictError('These answers have already been submitted and cannot be replaced; nothing was saved. A form for another supervision session has a link of its own.');
      }
      return { responseId: row.id, status: 'complete', submittedAt: row.submitted_at as string, alreadySubmitted: true };
    }
    rules.validate(answers, 'complete');
    const keyFor = keysOfResponse(db, key);
    rules.requireScorable(answers, keyFor);
    const id = row?.id ?? createRow(db, key, at);
    const page = row?.current_page ?? 0;
    appendSnapshot(db, id, 'submit', answers, page, at);
    db.prepare("UPDATE responses SET status = 'complete', submitted_at = ?, updated_at = ? WHERE id = ?").run(at, at, id);
    insertScoreRows(db, id, rules.score(answers, keyFor), at);
    return { responseId: id, status: 'complete', submittedAt: at, alreadySubmitted: false };
  }).immediate();
}

/**
 * Stores a complete response in one go (demo seeding, imports of paper or legacy returns): validated, an
 * 'import' snapshot, status complete, scores computed with the same engine and the trial's answer keys. Refuses a second response for an invitation.
 * Nests inside a caller's transaction (as a savepoint).
 */
export function insertCompleteResponse(db: Db, input: ResponseKey & { answers: Answers; at: string }): number {
  const rules = responseRules(input.instruments);
  rules.validate(input.answers, 'complete');
  return db.transaction(() => {
    if (input.invitationId !== null && findRow(db, input)) throw new ConflictError(`invitation ${input.invitationId} already has a response`);
    if (input.invitationId === null && input.sessionFormId != null && findRow(db, input)) throw new ConflictError(`session form ${input.sessionFormId} already has a response`);
    const id = createRow(db, input, input.at);
    appendSnapshot(db, id, 'import', input.answers, 0, input.at);
    db.prepare("UPDATE responses SET status = 'complete', submitted_at = ?, updated_at = ? WHERE id = ?").run(input.at, input.at, id);
    insertScoreRows(db, id, rules.score(input.answers, keysOfResponse(db, input)), input.at);
    return id;
  })();
}

export interface StoredScore { instrument: string; scale: string; value: number | null; reason: string | null; band: string | null }

/** The scores stored for a response (for tests and analysis). */
export function scoresOfResponse(db: Db, responseId: number): StoredScore[] {
  return db.prepare('SELECT instrument, scale, value, reason, band FROM scores WHERE response_id = ? ORDER BY instrument, scale').all(responseId) as StoredScore[];
}
