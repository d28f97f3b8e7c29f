// SQL for LA administrative outcomes (count per school, month and measure) and the all-or-nothing import used by the CLI and the staff site.
import type { Db } from './db';
import { ValidationError, type FieldProblem } from '../domain/errors';
import { lineProblemsError, parseCsv } from '../domain/csv';
import { byLine } from '../domain/imports/fields';
import { validateOutcomeRows, type OutcomeMeasure } from '../domain/imports/outcomes';
import { sha256Hex } from '../domain/randomisation/randomise';
import { appendAudit } from './audit-repo';
import type { ImportCounts } from './school-repo';

export interface OutcomeImportResult extends ImportCounts { rows: number; schools: number; periods: [string, string]; sha256: string }

/** Inserts or updates counts; returns added/changed/unchanged. Call inside a transaction. */
export function upsertOutcomes(db: Db, rows: ReadonlyArray<{ urn: number; period: string; measure: OutcomeMeasure; count: number }>, at: string): ImportCounts {
  const find = db.prepare('SELECT count FROM admin_outcomes WHERE urn = ? AND period = ? AND measure = ?');
  const insert = db.prepare('INSERT INTO admin_outcomes (urn, period, measure, count, imported_at) VALUES (?, ?, ?, ?, ?)');
  const update = db.prepare('UPDATE admin_outcomes SET count = ?, imported_at = ? WHERE urn = ? AND period = ? AND measure = ?');
  const counts: ImportCounts = { added: 0, changed: 0, unchanged: 0 };
  for (const r of rows) {
    const existing = find.get(r.urn, r.period, r.measure) as { count: number } | undefined;
    if (!existing) { insert.run(r.urn, r.period, r.measure, r.count, at); counts.added += 1; } else if (existing.count !== r.count) { update.run(r.count, at, r.urn, r.period, r.measure); counts.changed += 1; } else counts.unchanged += 1;
  }
  return counts;
}

/**
 * Imports an outcomes CSV (long `URN,Period,Measure,Count` or wide `URN,Period,<measure>...`): every
 * line checked and every URN a known school, then ONE transaction upserts all counts and appends an
 * audit entry (SHA-256, counts). Any bad line: ValidationError with one message per line, nothing written.
 * Reused by the staff site for browser uploads.
 */
export function importOutcomes(db: Db, csvText: string, source: string, actor: string, at: string): OutcomeImportResult {
  const { rows, sha256, periods } = checkOutcomeCsv(db, csvText, source);
  return db.transaction(() => {
    const counts = upsertOutcomes(db, rows, at);
    const result = { ...counts, rows: rows.length, schools: new Set(rows.map((r) => r.urn)).size, periods, sha256 };
    appendAudit(db, { at, actor, action: 'import.outcomes', detail: { sha256: result.sha256, rows: result.rows, schools: result.schools, periods: result.periods, ...counts } });
    return result;
  })();
}

export interface CheckedOutcomeCsv { rows: OutcomeCount[]; sha256: string; periods: [string, string] }

/** Parses and checks an outcomes CSV (every line, every URN a known school); ValidationError with one message per bad line. Writes nothing. */
export function checkOutcomeCsv(db: Db, csvText: string, source: string): CheckedOutcomeCsv {
  const table = parseCsv(csvText, source);
  const { rows, problems } = validateOutcomeRows(table, source);
  const known = db.prepare('SELECT 1 FROM schools WHERE urn = ?');
  const unknown: FieldProblem[] = [];
  const reported = new Set<number>();
  for (const r of rows) {
    if (reported.has(r.line) || known.get(r.urn)) continue;
    reported.add(r.line);
    unknown.push({ pointer: `/line/${r.line}/URN`, line: r.line, column: 'URN', detail: `${r.urn} is not a known school (import schools first)` });
  }
  const all = byLine([...problems, ...unknown]);
  if (all.length) throw lineProblemsError(source, all);
  if (rows.length === 0) throw new ValidationError(`${source}: no outcome counts after the header row`);
  const periods = rows.map((r) => r.period).sort();
  return { rows, sha256: sha256Hex(csvText), periods: [periods[0], periods[periods.length - 1]] };
}

export interface OutcomeCount { urn: number; period: string; measure: OutcomeMeasure; count: number }

/** Counts for the schools of a trial, optionally within [from, to] months. */
export function listOutcomesForTrial(db: Db, trialId: string, range?: { from: string; to: string }): OutcomeCount[] {
  return db.prepare(`SELECT o.urn, o.period, o.measure, o.count FROM admin_outcomes o JOIN trial_schools ts ON ts.urn = o.urn AND ts.trial_id = ?
    WHERE (? IS NULL OR o.period >= ?) AND (? IS NULL OR o.period <= ?) ORDER BY o.urn, o.period, o.measure`)
    .all(trialId, range?.from ?? null, range?.from ?? null, range?.to ?? null, range?.to ?? null) as OutcomeCount[];
}
