// SQL for the facts the arm-comparison report's design table names beyond the allocation itself: the file an imported allocation came from, and each answer key stored for the trial (its entries, how many times it was set, scores computed before it).
import type { Db } from './db';
import type { ReportAnswerKey, ReportDesignFacts } from '../../reports/view-models/report-data';

/** The design facts of one trial (the trial is known to exist). */
export function loadDesignFacts(db: Db, trialId: string): ReportDesignFacts {
  const imported = db.prepare("SELECT detail FROM audit_log WHERE trial_id = ? AND action = 'allocation.import' ORDER BY id DESC LIMIT 1").get(trialId) as { detail: string } | undefined;
  let allocationFile: string | null = null;
  if (imported) {
    try { const source = (JSON.parse(imported.detail) as { source?: unknown }).source; allocationFile = typeof source === 'string' && source ? source : null; } catch { allocationFile = null; }
  }
  return { allocationFile, answerKeys: loadAnswerKeys(db, trialId) };
}

/** Every answer key stored for the trial, with the number of times it was set and the scores still as computed before it (not rescored since). */
function loadAnswerKeys(db: Db, trialId: string): ReportAnswerKey[] {
  const keys = db.prepare('SELECT instrument, key_json, updated_at FROM instrument_keys WHERE trial_id = ? ORDER BY instrument').all(trialId) as Array<{ instrument: string; key_json: string; updated_at: string }>;
  const versions = db.prepare("SELECT count(*) AS n FROM audit_log WHERE trial_id = ? AND action = 'answer-key.set' AND json_extract(detail, '$.instrument') = ?");
  // A score computed before the key was stored still counts as scored with the old key unless a rescore of its wave and
  // instrument ran after the key (a rescore rewrites only the scores whose value changed, so computed_at alone cannot tell).
  const before = db.prepare(`SELECT s.scale, count(*) AS n FROM scores s JOIN responses r ON r.id = s.response_id JOIN waves w ON w.id = r.wave_id
    WHERE w.trial_id = @trial AND s.instrument = @instrument AND s.computed_at < @at
      AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.trial_id = w.trial_id AND a.action = 'rescore' AND a.at >= @at
        AND coalesce(json_extract(a.detail, '$.wave'), w.name) = w.name AND coalesce(json_extract(a.detail, '$.instrument'), @id) = @id)
    GROUP BY s.scale ORDER BY s.scale`);
  return keys.map((k) => {
    let overrides: Record<string, unknown> = {};
    try { overrides = JSON.parse(k.key_json) as Record<string, unknown>; } catch { overrides = {}; }
    return {
      instrument: k.instrument,
      overrides,
      storedAt: k.updated_at,
      timesSet: Math.max(1, (versions.get(trialId, k.instrument) as { n: number }).n),
      scoresBefore: Object.fromEntries((before.all({ trial: trialId, instrument: k.instrument, at: k.updated_at, id: k.instrument.split('@')[0] }) as Array<{ scale: string; n: number }>).map((r) => [r.scale, r.n])),
    };
  });
}
