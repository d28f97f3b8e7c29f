// Reads what a trial's export bundle needs: the report data and estimates, every completed survey and form's newest answers, and the monthly LA outcomes of the trial's schools; pseudonymous ids only.
import type { Db } from './db';
import { schemaVersion } from './db';
import { loadReportData } from './report-data-repo';
import { reportEstimates } from '../../reports/view-models/arm-comparison';
import type { ExportInput } from '../domain/exports/bundle';
import { trialSchoolUrns, type ItemAnswerRow, type MonthlyOutcomeRow } from '../domain/exports/export-tables';
import { schoolPseudonym } from '../domain/exports/pseudonyms';
import { dslkitVersion } from '../version';

/** The newest submit or import snapshot of every complete response of the trial's DSLs (erased DSLs have none left). */
export function completedAnswers(db: Db, trialId: string): ItemAnswerRow[] {
  const rows = db.prepare(`SELECT r.id, d.id AS dslId, d.urn, r.wave_id AS waveId, r.supervision_session_id AS sessionId, r.instruments,
      (SELECT s.answers FROM response_snapshots s WHERE s.response_id = r.id AND s.kind IN ('submit', 'import') ORDER BY s.id DESC LIMIT 1) AS answers
    FROM responses r JOIN dsls d ON d.id = r.dsl_id
    WHERE d.trial_id = ? AND r.status = 'complete' AND d.status <> 'erased' ORDER BY r.id`).all(trialId) as
    Array<{ id: number; dslId: string; urn: number; waveId: number | null; sessionId: number | null; instruments: string; answers: string | null }>;
  return rows.flatMap((r) => {
    const answers = JSON.parse(r.answers ?? '{}') as Record<string, unknown>;
    return (JSON.parse(r.instruments) as string[]).map((instrument) => ({ dslId: r.dslId, urn: r.urn, waveId: r.waveId, sessionId: r.sessionId, instrument, answers }));
  });
}

export function monthlyOutcomes(db: Db, urns: Set<number>): MonthlyOutcomeRow[] {
  const rows = db.prepare('SELECT urn, period, measure, count FROM admin_outcomes ORDER BY urn, period, measure').all() as MonthlyOutcomeRow[];
  return rows.filter((r) => urns.has(r.urn));
}

/** Everything buildExportBundle needs for a trial, read in one read transaction so the files agree with each other. */
export function exportInputFor(db: Db, trialId: string, secret: Buffer, now: Date): ExportInput {
  return db.transaction(() => {
    const data = loadReportData(db, trialId);
    const estimates = reportEstimates(data);
    return {
      data, estimates,
      items: completedAnswers(db, trialId),
      monthly: monthlyOutcomes(db, trialSchoolUrns(data)),
      schoolId: (urn: number) => schoolPseudonym(secret, trialId, urn),
      provenance: { trialId, trialTitle: data.trial.title, exportedAt: now.toISOString(), dslkitVersion: dslkitVersion(), schemaVersion: schemaVersion(db) },
    };
  })();
}
