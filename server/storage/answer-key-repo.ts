// Stores each trial's answer key for an instrument (replacing the bundled illustrative key's entries); every change is audited.
import type { Db } from './db';
import { appendAudit } from './audit-repo';
import { NotFoundError } from '../../shared/errors';
import type { AnswerKey } from '../../instruments/scoring-rules';

export interface StoredAnswerKey { trialId: string; instrument: string; key: AnswerKey; updatedAt: string; updatedBy: string }

/** The trial's stored key for an instrument ('id@version'), or undefined when the bundled key applies. */
export function getAnswerKey(db: Db, trialId: string, instrument: string): StoredAnswerKey | undefined {
  const row = db.prepare('SELECT trial_id, instrument, key_json, updated_at, updated_by FROM instrument_keys WHERE trial_id = ? AND instrument = ?')
    .get(trialId, instrument) as { trial_id: string; instrument: string; key_json: string; updated_at: string; updated_by: string } | undefined;
  return row && { trialId: row.trial_id, instrument: row.instrument, key: JSON.parse(row.key_json) as AnswerKey, updatedAt: row.updated_at, updatedBy: row.updated_by };
}

/** Stores (replacing) the trial's key and appends an audit entry, in one transaction. The key must already be validated. */
export function setAnswerKey(db: Db, entry: { trialId: string; instrument: string; key: AnswerKey; at: string; actor: string }): StoredAnswerKey {
  return db.transaction(() => {
    const trial = db.prepare('SELECT id FROM trials WHERE id = ?').get(entry.trialId);
    if (!trial) throw new NotFoundError(`no trial "${entry.trialId}"`, [{ pointer: '/trial', detail: `no trial "${entry.trialId}"` }]);
    const previous = getAnswerKey(db, entry.trialId, entry.instrument);
    db.prepare(`INSERT INTO instrument_keys (trial_id, instrument, key_json, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (trial_id, instrument) DO UPDATE SET key_json = excluded.key_json, updated_at = excluded.updated_at, updated_by = excluded.updated_by`)
      .run(entry.trialId, entry.instrument, JSON.stringify(entry.key), entry.at, entry.actor);
    appendAudit(db, {
      at: entry.at, actor: entry.actor, action: 'answer-key.set', trialId: entry.trialId,
      detail: { instrument: entry.instrument, items: Object.keys(entry.key).sort(), replaced: previous !== undefined },
    });
    return { trialId: entry.trialId, instrument: entry.instrument, key: entry.key, updatedAt: entry.at, updatedBy: entry.actor };
  })();
}
