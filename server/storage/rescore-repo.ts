// Recomputes a trial's stored survey scores from raw answers (newest submit/import snapshot) with the installed rules and the trial's answer keys; one transaction, audited with counts only.
import type { Db } from './db';
import { appendAudit } from './audit-repo';
import { insertScoreRows, trialKeyLookup } from './response-repo';
import { NotFoundError } from '../../shared/errors';
import { planRescore, type Answers, type RescorePlan, type ScoreRow, type StoredResponse } from '../domain/surveys/rescore';
import { getRegistry, type InstrumentDef } from '../../instruments/registry';

export interface RescoreRequest {
  trialId: string;
  /** Only this wave (baseline, midpoint, endline). */
  wave?: string;
  /** Only this instrument id. */
  instrumentId?: string;
  dryRun: boolean;
  at: string;
  actor: string;
}

export interface RescoreResult extends RescorePlan { dryRun: boolean }

/** The complete survey responses of a trial (optionally one wave) with their newest submitted answers and stored scores. */
export function storedResponses(db: Db, trialId: string, waveId?: number): StoredResponse[] {
  const rows = db.prepare(`SELECT r.id, r.instruments FROM responses r JOIN waves w ON w.id = r.wave_id
    WHERE w.trial_id = ? AND r.status = 'complete' AND (? IS NULL OR w.id = ?) ORDER BY r.id`).all(trialId, waveId ?? null, waveId ?? null) as { id: number; instruments: string }[];
  const snapshot = db.prepare("SELECT answers FROM response_snapshots WHERE response_id = ? AND kind IN ('submit', 'import') ORDER BY id DESC LIMIT 1");
  const scores = db.prepare('SELECT instrument, scale, value, reason, band FROM scores WHERE response_id = ? ORDER BY instrument, scale');
  return rows.map((r) => {
    const snap = snapshot.get(r.id) as { answers: string } | undefined;
    return { responseId: r.id, instruments: JSON.parse(r.instruments) as string[], answers: snap ? JSON.parse(snap.answers) as Answers : null, stored: scores.all(r.id) as ScoreRow[] };
  });
}

/** The installed rules of an instrument id, or undefined when no such instrument is installed. */
function installedDef(instrumentId: string): InstrumentDef | undefined {
  return getRegistry().list().filter((d) => d.id === instrumentId).reduce<InstrumentDef | undefined>((a, b) => (!a || b.version > a.version ? b : a), undefined);
}

function waveIdOf(db: Db, trialId: string, wave: string): number {
  const row = db.prepare('SELECT id FROM waves WHERE trial_id = ? AND name = ?').get(trialId, wave) as { id: number } | undefined;
  if (!row) {
    const names = (db.prepare('SELECT name FROM waves WHERE trial_id = ? ORDER BY opens_at').all(trialId) as { name: string }[]).map((w) => w.name);
    throw new NotFoundError(`trial "${trialId}" has no ${wave} wave${names.length ? ` (it has: ${names.join(', ')})` : ' (it has no waves yet)'}`, [{ pointer: '/wave', detail: `no ${wave} wave` }]);
  }
  return row.id;
}

/**
 * Plans and (unless dryRun) applies a rescore in ONE transaction: each stored row that differs from its recomputed
 * value is deleted and replaced (unchanged rows keep their computed_at), and an audit entry with counts only is appended. Raw answers are only read.
 * A dry run reads in a transaction too (a consistent view) and writes nothing, not even the audit entry.
 */
export function rescoreTrial(db: Db, req: RescoreRequest): RescoreResult {
  const work = (): RescoreResult => {
    if (!db.prepare('SELECT id FROM trials WHERE id = ?').get(req.trialId)) throw new NotFoundError(`no trial "${req.trialId}"`, [{ pointer: '/trial', detail: `no trial "${req.trialId}"` }]);
    const waveId = req.wave === undefined ? undefined : waveIdOf(db, req.trialId, req.wave);
    const plan = planRescore(storedResponses(db, req.trialId, waveId), {
      currentDef: installedDef, keyFor: trialKeyLookup(db, req.trialId), instrumentId: req.instrumentId,
    });
    if (req.dryRun) return { ...plan, dryRun: true };
    const remove = db.prepare('DELETE FROM scores WHERE response_id = ? AND instrument = ? AND scale = ?');
    for (const change of plan.changes) {
      for (const r of change.remove) remove.run(change.responseId, r.instrument, r.scale);
      insertScoreRows(db, change.responseId, change.insert, req.at);
    }
    appendAudit(db, {
      at: req.at, actor: req.actor, action: 'rescore', trialId: req.trialId,
      detail: {
        wave: req.wave ?? null, instrument: req.instrumentId ?? null,
        responsesConsidered: plan.responsesConsidered, responsesChanged: plan.responsesChanged, valuesChanged: plan.valuesChanged,
        responsesWithoutAnswers: plan.responsesWithoutAnswers,
        changedByScale: Object.fromEntries(plan.scales.filter((s) => s.changed > 0).map((s) => [`${s.instrument}/${s.scale}`, s.changed])),
      },
    });
    return { ...plan, dryRun: false };
  };
  return req.dryRun ? db.transaction(work).deferred() : db.transaction(work).immediate();
}
