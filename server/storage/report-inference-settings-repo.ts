// SQL for the report's randomisation-inference settings (migration 025): permutation test, cluster bootstrap and CACE columns of report_settings.
import type { Db } from './db';
import type { ReportSettings } from '../../reports/view-models/report-data';

export type InferenceSettings = Required<Pick<ReportSettings, 'permutation' | 'bootstrap' | 'cace'>>;

export const DEFAULT_INFERENCE_SETTINGS: InferenceSettings = {
  permutation: { on: false, draws: 10000, seed: null },
  bootstrap: { on: false, draws: 2000, seed: null },
  cace: { on: false, threshold: null },
};

interface Row {
  permutation_test: number; permutation_draws: number; permutation_seed: number | null;
  bootstrap_ci: number; bootstrap_draws: number; bootstrap_seed: number | null; cace: number; cace_threshold: number | null;
}

/** The trial's inference settings (the defaults, all off, when it has no report_settings row). */
export function loadInferenceSettings(db: Db, trialId: string): InferenceSettings {
  const r = db.prepare(`SELECT permutation_test, permutation_draws, permutation_seed, bootstrap_ci, bootstrap_draws, bootstrap_seed, cace, cace_threshold
    FROM report_settings WHERE trial_id = ?`).get(trialId) as Row | undefined;
  if (!r) return structuredClone(DEFAULT_INFERENCE_SETTINGS);
  return {
    permutation: { on: r.permutation_test === 1, draws: r.permutation_draws, seed: r.permutation_seed },
    bootstrap: { on: r.bootstrap_ci === 1, draws: r.bootstrap_draws, seed: r.bootstrap_seed },
    cace: { on: r.cace === 1, threshold: r.cace_threshold },
  };
}

/** Writes the inference columns of an existing report_settings row (saveReportSettings creates the row first). */
export function saveInferenceSettings(db: Db, trialId: string, settings: Partial<ReportSettings>): void {
  const s = { ...loadInferenceSettings(db, trialId), ...Object.fromEntries(Object.entries(settings).filter(([k, v]) => v !== undefined && k in DEFAULT_INFERENCE_SETTINGS)) } as InferenceSettings;
  db.prepare(`UPDATE report_settings SET permutation_test = ?, permutation_draws = ?, permutation_seed = ?, bootstrap_ci = ?, bootstrap_draws = ?, bootstrap_seed = ?,
    cace = ?, cace_threshold = ? WHERE trial_id = ?`)
    .run(s.permutation.on ? 1 : 0, s.permutation.draws, s.permutation.seed, s.bootstrap.on ? 1 : 0, s.bootstrap.draws, s.bootstrap.seed, s.cace.on ? 1 : 0, s.cace.threshold, trialId);
}
