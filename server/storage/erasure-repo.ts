// Carries out a DSL's withdrawal or erasure in one transaction and records it in the audit log (counts only, no personal data); an erasure then checkpoints so the answers are gone from the file and the WAL.
import type { Db } from './db';
import { NotFoundError } from '../../shared/errors';
import { checkTransition, type DslStatus, type ErasureMode } from '../domain/erasure/request';
import { appendAudit } from './audit-repo';

export interface ErasureResult {
  dslId: string; mode: ErasureMode;
  deleted: { contacts: number; responses: number; snapshots: number; scores: number; attendances: number; invitations: number };
  /** Invitation links that now answer 410 (withdrawal keeps the rows so a link says the survey has closed instead of "not found"). */
  linksClosed: number;
  /** Erasure only: true when the WAL was checkpointed into the file and emptied, so the deleted answers are in no file; false if a reader kept it busy. */
  purged?: boolean;
}

/**
 * With secure_delete on (db.ts), deleting overwrites the rows with zeros, but in WAL mode that happens in new WAL
 * frames: the database file keeps the old pages and the WAL keeps the frames that wrote them, until a checkpoint
 * copies the zeroed pages in and TRUNCATE empties the WAL. Returns whether the checkpoint got through every frame.
 */
export function purgeDeletedPages(db: Db): boolean {
  for (let attempt = 0; attempt < 3; attempt++) {
    const [r] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number; log: number; checkpointed: number }>;
    if (r.busy === 0 && r.log <= 0) return true;
  }
  return false;
}

/** Withdraws (status 'withdrawn': links answer 410, no new invitations) or erases (also contacts, responses, snapshots, scores, attendances) one DSL. */
export function withdrawOrErase(db: Db, trialId: string, dslId: string, mode: ErasureMode, by: { actor: string; at: string }): ErasureResult {
  const result = withdrawOrEraseRows(db, trialId, dslId, mode, by);
  return mode === 'erase' ? { ...result, purged: purgeDeletedPages(db) } : result;
}

function withdrawOrEraseRows(db: Db, trialId: string, dslId: string, mode: ErasureMode, by: { actor: string; at: string }): ErasureResult {
  return db.transaction(() => {
    const dsl = db.prepare('SELECT status FROM dsls WHERE id = ? AND trial_id = ?').get(dslId, trialId) as { status: DslStatus } | undefined;
    if (!dsl) throw new NotFoundError(`There is no DSL "${dslId}" in trial "${trialId}".`);
    checkTransition(dsl.status, mode);
    const count = (sql: string) => (db.prepare(sql).get(dslId) as { n: number }).n;
    const deleted = { contacts: 0, responses: 0, snapshots: 0, scores: 0, attendances: 0, invitations: 0 };
    if (mode === 'erase') {
      deleted.snapshots = count('SELECT count(*) AS n FROM response_snapshots WHERE response_id IN (SELECT id FROM responses WHERE dsl_id = ?)');
      deleted.scores = count('SELECT count(*) AS n FROM scores WHERE response_id IN (SELECT id FROM responses WHERE dsl_id = ?)');
      db.prepare('DELETE FROM scores WHERE response_id IN (SELECT id FROM responses WHERE dsl_id = ?)').run(dslId);
      db.prepare('DELETE FROM response_snapshots WHERE response_id IN (SELECT id FROM responses WHERE dsl_id = ?)').run(dslId);
      deleted.responses = db.prepare('DELETE FROM responses WHERE dsl_id = ? OR invitation_id IN (SELECT id FROM invitations WHERE dsl_id = ?)').run(dslId, dslId).changes;
      deleted.attendances = db.prepare('DELETE FROM supervision_attendees WHERE dsl_id = ?').run(dslId).changes;
      deleted.contacts = db.prepare('DELETE FROM dsl_contacts WHERE dsl_id = ?').run(dslId).changes;
      deleted.invitations = db.prepare('DELETE FROM invitations WHERE dsl_id = ?').run(dslId).changes;
      db.prepare("UPDATE dsls SET status = 'erased', role = NULL, withdrawn_at = COALESCE(withdrawn_at, ?) WHERE id = ?").run(by.at, dslId);
    } else {
      // Invitation rows stay (token hash and pseudonymous id only): the survey routes answer 410 for a DSL who is not active.
      db.prepare("UPDATE dsls SET status = 'withdrawn', withdrawn_at = ? WHERE id = ?").run(by.at, dslId);
    }
    const linksClosed = mode === 'erase' ? deleted.invitations : count('SELECT count(*) AS n FROM invitations WHERE dsl_id = ?');
    appendAudit(db, { at: by.at, actor: by.actor, action: mode === 'erase' ? 'dsl.erase' : 'dsl.withdraw', trialId, detail: { dslId, deleted, linksClosed } });
    return { dslId, mode, deleted, linksClosed };
  })();
}
