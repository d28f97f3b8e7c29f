// SQL for Table 2's comparison column (national or LA figures the evaluator enters per trial; migration 027): read it for the report, replace it whole.
import type { Db } from './db';
import type { ReportComparison } from '../../reports/view-models/report-data';
import { appendAudit } from './audit-repo';

export function loadComparison(db: Db, trialId: string): ReportComparison | null {
  const head = db.prepare('SELECT heading FROM report_comparison WHERE trial_id = ?').get(trialId) as { heading: string } | undefined;
  if (!head) return null;
  const rows = db.prepare('SELECT characteristic, value FROM report_comparison_figures WHERE trial_id = ? ORDER BY characteristic').all(trialId) as Array<{ characteristic: string; value: number }>;
  return { heading: head.heading, figures: Object.fromEntries(rows.map((r) => [r.characteristic, r.value])) };
}

/** Replaces the trial's comparison (null removes it) in one transaction and audits it; returns false when nothing changed (nothing written). */
export function saveComparison(db: Db, trialId: string, comparison: ReportComparison | null, who: { actor: string; at: string }): boolean {
  return db.transaction(() => {
    const before = loadComparison(db, trialId);
    if (JSON.stringify(before) === JSON.stringify(comparison && { heading: comparison.heading, figures: Object.fromEntries(Object.entries(comparison.figures).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) })) return false;
    db.prepare('DELETE FROM report_comparison WHERE trial_id = ?').run(trialId);
    if (comparison) {
      db.prepare('INSERT INTO report_comparison (trial_id, heading, updated_at, updated_by) VALUES (?, ?, ?, ?)').run(trialId, comparison.heading, who.at, who.actor);
      const ins = db.prepare('INSERT INTO report_comparison_figures (trial_id, characteristic, value) VALUES (?, ?, ?)');
      for (const [k, v] of Object.entries(comparison.figures)) ins.run(trialId, k, v);
    }
    appendAudit(db, { at: who.at, actor: who.actor, action: 'report-inputs.comparison', trialId, detail: { figures: comparison ? Object.keys(comparison.figures).length : 0, removed: comparison === null } });
    return true;
  }).immediate();
}
