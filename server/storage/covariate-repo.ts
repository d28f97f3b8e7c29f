// SQL for school covariates beyond GIAS: the all-or-nothing import of a covariates CSV keyed by URN (with its provenance), and the values held per trial.
import type { Db } from './db';
import { ConflictError, ValidationError, type FieldProblem } from '../../shared/errors';
import { lineProblemsError, parseCsv } from '../domain/csv';
import { byLine } from '../domain/imports/fields';
import { COVARIATES, covariateColumns, covariateDef, covariateNamed, validateCovariateRows } from '../domain/imports/covariates';
import { sha256Hex } from '../domain/randomisation/randomise';
import { appendAudit } from './audit-repo';
import { requireTrial } from './trial-repo';
import type { ReportCovariate, ReportCovariateValue } from '../../reports/view-models/report-data';

export interface CovariateImportResult {
  rows: number;
  /** The covariates the file held, with the file's column for each, in dslkit's order. */
  covariates: Array<{ key: string; column: string }>;
  /** Header columns that are not covariates (URN aside), left alone. */
  ignored: string[];
  /** Values (school x covariate) new, different from the value held, or the same. */
  added: number; changed: number; unchanged: number;
  sha256: string;
  /** The import's id, or null when nothing changed (a re-import of the same file records no new import). */
  importId: number | null;
}

export interface CovariateImport { id: number; source: string; sha256: string; covariates: Record<string, string>; rows: number; importedAt: string; importedBy: string }
export interface HeldCovariateValue { urn: number; covariate: string; value: number | null; missing: string | null; importId: number }
export interface TrialCovariates { imports: CovariateImport[]; values: HeldCovariateValue[] }

/** The covariate key a randomisation's FSM column names, when it is one of the imported covariates. */
function covariateBlockedOn(db: Db, trialId: string): string | null {
  const r = db.prepare('SELECT fsm_column FROM randomisations WHERE trial_id = ?').get(trialId) as { fsm_column: string | null } | undefined;
  return r?.fsm_column ? covariateNamed(r.fsm_column)?.key ?? null : null;
}

/**
 * `dslkit import covariates`: checks the whole file (header, every row, every URN a school of the trial), then in
 * ONE transaction writes every value that is new or different, records the import (file name, SHA-256, date, the
 * columns it held) and appends an audit entry. A re-import of the same file changes nothing. Refused (nothing
 * written): any bad line; a change to the values a locked randomisation blocked on (it could no longer be re-derived).
 */
export function importCovariates(db: Db, csvText: string, opts: { trialId: string; source: string; actor: string; at: string }): CovariateImportResult {
  const table = parseCsv(csvText, opts.source);
  const trial = requireTrial(db, opts.trialId);
  const { columns, problems: headerProblems, ignored } = covariateColumns(table);
  if (headerProblems.length) throw lineProblemsError(opts.source, headerProblems);
  const { rows, problems } = validateCovariateRows(table, columns);
  const inTrial = db.prepare('SELECT 1 FROM trial_schools WHERE trial_id = ? AND urn = ? UNION SELECT 1 FROM allocations WHERE trial_id = ? AND urn = ?');
  const known = db.prepare('SELECT 1 FROM schools WHERE urn = ?');
  const dbProblems: FieldProblem[] = [];
  for (const r of rows) {
    if (inTrial.get(trial.id, r.urn, trial.id, r.urn)) continue;
    dbProblems.push({ pointer: `/line/${r.line}/URN`, line: r.line, column: 'URN', detail: known.get(r.urn)
      ? `${r.urn} is not a school of trial "${trial.id}" (enrol it first: dslkit import schools --trial ${trial.id})`
      : `${r.urn} is not a known school (import it first: dslkit import schools --trial ${trial.id})` });
  }
  const all = byLine([...problems, ...dbProblems]);
  if (all.length) throw lineProblemsError(opts.source, all);
  if (rows.length === 0) throw new ValidationError(`${opts.source}: no schools after the header row`);
  const sha256 = sha256Hex(csvText);
  const held = db.prepare('SELECT value, missing FROM school_covariates WHERE trial_id = ? AND urn = ? AND covariate = ?');
  const allocated = db.prepare('SELECT 1 FROM allocations WHERE trial_id = ? AND urn = ?');
  const write = db.prepare(`INSERT INTO school_covariates (trial_id, urn, covariate, value, missing, import_id, source_line) VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (trial_id, urn, covariate) DO UPDATE SET value = excluded.value, missing = excluded.missing, import_id = excluded.import_id, source_line = excluded.source_line`);
  const ordered = COVARIATES.filter((c) => columns.has(c.key)).map((c) => ({ key: c.key, column: columns.get(c.key)! }));
  return db.transaction(() => {
    const blockedOn = covariateBlockedOn(db, trial.id);
    const pending: Array<{ urn: number; line: number; covariate: string; value: number | null; missing: string | null }> = [];
    const locked: FieldProblem[] = [];
    let added = 0; let changed = 0; let unchanged = 0;
    for (const r of rows) {
      for (const v of r.values) {
        const h = held.get(trial.id, r.urn, v.covariate) as { value: number | null; missing: string | null } | undefined;
        if (h && h.value === v.value && h.missing === v.missing) { unchanged += 1; continue; }
        if (v.covariate === blockedOn && allocated.get(trial.id, r.urn)) {
          const column = columns.get(v.covariate)!;
          locked.push({ pointer: `/line/${r.line}/${column}`, line: r.line, column, detail: `URN ${r.urn}: the randomisation of trial "${trial.id}" blocked on ${covariateDef(v.covariate)!.column} = ${h?.value ?? h?.missing ?? 'nothing'}; it is locked, so this value cannot change` });
          continue;
        }
        if (h) changed += 1; else added += 1;
        pending.push({ urn: r.urn, line: r.line, ...v });
      }
    }
    if (locked.length) throw new ConflictError(lineProblemsError(opts.source, locked).message, locked);
    let importId: number | null = null;
    if (pending.length) {
      importId = Number(db.prepare('INSERT INTO covariate_imports (trial_id, source, sha256, covariates, rows, imported_at, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(trial.id, opts.source, sha256, JSON.stringify(Object.fromEntries(ordered.map((c) => [c.key, c.column]))), rows.length, opts.at, opts.actor).lastInsertRowid);
      for (const p of pending) write.run(trial.id, p.urn, p.covariate, p.value, p.missing, importId, p.line);
    }
    const result: CovariateImportResult = { rows: rows.length, covariates: ordered, ignored, added, changed, unchanged, sha256, importId };
    appendAudit(db, { at: opts.at, actor: opts.actor, action: 'import.covariates', trialId: trial.id, detail: {
      source: opts.source, sha256, rows: rows.length, covariates: ordered.map((c) => c.key), added, changed, unchanged,
    } });
    return result;
  }).immediate();
}

/** The trial's covariate imports (oldest first) and every value held, by URN. */
export function trialCovariates(db: Db, trialId: string): TrialCovariates {
  const imports = (db.prepare('SELECT id, source, sha256, covariates, rows, imported_at, imported_by FROM covariate_imports WHERE trial_id = ? ORDER BY id').all(trialId) as
    Array<{ id: number; source: string; sha256: string; covariates: string; rows: number; imported_at: string; imported_by: string }>).map((r): CovariateImport => ({
    id: r.id, source: r.source, sha256: r.sha256, covariates: JSON.parse(r.covariates) as Record<string, string>, rows: r.rows, importedAt: r.imported_at, importedBy: r.imported_by,
  }));
  const values = db.prepare('SELECT urn, covariate, value, missing, import_id AS importId FROM school_covariates WHERE trial_id = ? ORDER BY urn, covariate').all(trialId) as HeldCovariateValue[];
  return { imports, values };
}

/** The covariates for a trial's reports and export: every covariate dslkit knows, with the files its values came from, and the values. */
export function reportCovariates(db: Db, trialId: string): { covariates: ReportCovariate[]; covariateValues: ReportCovariateValue[] } {
  const held = trialCovariates(db, trialId);
  const byId = new Map(held.imports.map((i) => [i.id, i]));
  const covariates = COVARIATES.map((c): ReportCovariate => {
    const ids = [...new Set(held.values.filter((v) => v.covariate === c.key).map((v) => v.importId))].sort((a, b) => a - b);
    return { key: c.key, column: c.column, label: c.label, sources: ids.map((id) => byId.get(id)!).map((i) => ({ file: i.source, sha256: i.sha256, importedAt: i.importedAt })) };
  });
  return { covariates, covariateValues: held.values.map(({ urn, covariate, value, missing }) => ({ urn, covariate, value, missing })) };
}
