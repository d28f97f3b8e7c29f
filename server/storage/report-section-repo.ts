// SQL for the report sections an evaluator writes (Markdown per trial and section): read them, and set or clear them with one audit entry naming the sections changed (never their text), in one transaction.
import type { Db } from './db';
import { appendAudit } from './audit-repo';
import { requireTrial } from './trial-repo';
import type { EvaluatorSectionKey } from '../../reports/view-models/evaluator-sections';

export interface StoredSection { section: EvaluatorSectionKey; body: string; updatedAt: string; updatedBy: string }

export function listReportSections(db: Db, trialId: string): StoredSection[] {
  return db.prepare('SELECT section, body, updated_at AS updatedAt, updated_by AS updatedBy FROM report_sections WHERE trial_id = ? ORDER BY section').all(trialId) as StoredSection[];
}

/** Section key -> Markdown text, for the report data. */
export function loadReportSections(db: Db, trialId: string): Partial<Record<EvaluatorSectionKey, string>> {
  return Object.fromEntries(listReportSections(db, trialId).map((s) => [s.section, s.body]));
}

/**
 * Sets each given section to its (already validated) text, '' clearing it; returns the sections that changed.
 * Nothing changed writes nothing, not even an audit entry.
 */
export function setReportSectionsAudited(db: Db, trialId: string, texts: Partial<Record<EvaluatorSectionKey, string>>, by: { actor: string; at: string }): EvaluatorSectionKey[] {
  return db.transaction(() => {
    requireTrial(db, trialId);
    const stored = loadReportSections(db, trialId);
    const changed: EvaluatorSectionKey[] = [];
    const upsert = db.prepare(`INSERT INTO report_sections (trial_id, section, body, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (trial_id, section) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
    const remove = db.prepare('DELETE FROM report_sections WHERE trial_id = ? AND section = ?');
    for (const [section, body] of Object.entries(texts) as Array<[EvaluatorSectionKey, string]>) {
      if (body === (stored[section] ?? '')) continue;
      if (body === '') remove.run(trialId, section);
      else upsert.run(trialId, section, body, by.at, by.actor);
      changed.push(section);
    }
    if (changed.length) {
      appendAudit(db, { ...by, action: 'report_inputs.sections', trialId, detail: { sections: changed, cleared: changed.filter((s) => texts[s] === '') } });
    }
    return changed;
  }).immediate();
}
