// Audited writes of what evaluators enter for their reports (costs, quotes, TIDieR description, settings): each change and its audit entry in one transaction. Used by the staff pages and `dslkit report-inputs`.
import type { Db } from './db';
import { appendAudit } from './audit-repo';
import {
  addProgrammeCost, clearInterventionDescription, loadQuotes, loadReportSettings, removeProgrammeCost, saveReportSettings, selectQuote,
  setInterventionDescription, unselectQuote, type StoredCost,
} from './report-data-repo';
import type { ReportCost, ReportSettings } from '../../reports/view-models/report-data';
import type { TidierFieldName } from '../domain/report-inputs/parse';

/** Who did it and when ('user:<id>' or 'cli:<os user>'; ISO time). */
export interface Actor { actor: string; at: string }

export function addCostAudited(db: Db, trialId: string, cost: ReportCost, by: Actor): number {
  return db.transaction(() => {
    const id = addProgrammeCost(db, trialId, cost, by.at);
    appendAudit(db, { ...by, action: 'report_inputs.cost_add', trialId, detail: { cost: id, item: cost.item, amount_pence: cost.amountPence, basis: cost.basis, shared_by: cost.sharedBy ?? 1 } });
    return id;
  })();
}

export function removeCostAudited(db: Db, trialId: string, costId: number, by: Actor): StoredCost {
  return db.transaction(() => {
    const removed = removeProgrammeCost(db, trialId, costId);
    appendAudit(db, { ...by, action: 'report_inputs.cost_remove', trialId, detail: { cost: costId, item: removed.item, amount_pence: removed.amountPence, basis: removed.basis } });
    return removed;
  })();
}

export interface QuoteRef { responseId: number; item: string }

/**
 * Makes the selection of quotes among `shown` equal `selected` (both lists of response id + item): selects the newly
 * ticked, deselects the shown-but-unticked. The audit entry names responses and items only, never the answer text.
 */
export function setQuotesAudited(db: Db, trialId: string, shown: QuoteRef[], selected: QuoteRef[], by: Actor): { added: QuoteRef[]; removed: QuoteRef[] } {
  const key = (q: QuoteRef) => `${q.responseId}\u0000${q.item}`;
  return db.transaction(() => {
    const before = new Set(loadQuotes(db, trialId).map(key));
    const want = new Set(selected.map(key));
    const added = selected.filter((q) => !before.has(key(q)));
    const removed = shown.filter((q) => before.has(key(q)) && !want.has(key(q)));
    for (const q of added) selectQuote(db, trialId, q.responseId, q.item, by.actor, by.at);
    for (const q of removed) unselectQuote(db, trialId, q.responseId, q.item);
    if (added.length || removed.length) {
      appendAudit(db, { ...by, action: 'report_inputs.quotes', trialId, detail: { selected: added.map((q) => `${q.responseId}:${q.item}`), deselected: removed.map((q) => `${q.responseId}:${q.item}`) } });
    }
    return { added, removed };
  })();
}

/** Sets (or, for '', clears) TIDieR fields; returns the names that changed. */
export function setDescriptionAudited(db: Db, trialId: string, fields: Partial<Record<TidierFieldName, string>>, by: Actor): string[] {
  return db.transaction(() => {
    const stored = new Map((db.prepare('SELECT field, body FROM intervention_descriptions WHERE trial_id = ?').all(trialId) as { field: string; body: string }[]).map((r) => [r.field, r.body]));
    const changed: string[] = [];
    for (const [field, body] of Object.entries(fields) as Array<[TidierFieldName, string]>) {
      if (body === '') {
        if (stored.has(field)) { clearInterventionDescription(db, trialId, field); changed.push(field); }
      } else if (stored.get(field) !== body) {
        setInterventionDescription(db, trialId, field, body, by.actor, by.at);
        changed.push(field);
      }
    }
    if (changed.length) appendAudit(db, { ...by, action: 'report_inputs.description', trialId, detail: { fields: changed } });
    return changed;
  })();
}

export function saveSettingsAudited(db: Db, trialId: string, settings: ReportSettings, by: Actor): void {
  db.transaction(() => {
    const before = loadReportSettings(db, trialId);
    saveReportSettings(db, trialId, settings, by.at);
    appendAudit(db, { ...by, action: 'report_inputs.settings', trialId, detail: { before, after: settings } });
  })();
}
