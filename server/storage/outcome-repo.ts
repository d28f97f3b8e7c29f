// SQL for LA administrative outcomes (count per school, month and measure) and the all-or-nothing import used by the CLI and the staff site.
import type { Db } from './db';
import { ValidationError, type FieldProblem } from '../../shared/errors';
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

/** The URNs a trial's outcome queries cover: allocated or listed schools. */
const TRIAL_URNS = 'SELECT urn FROM allocations WHERE trial_id = @t UNION SELECT urn FROM trial_schools WHERE trial_id = @t';

/**
 * Coverage per school per month: the months in the given windows for which each of the trial's schools has at least
 * one imported count (any measure). A month with no row at all for a school is a gap in the LA's data, not a zero.
 */
export function outcomeCoverage(db: Db, trialId: string, windows: ReadonlyArray<readonly [string, string]>, onlyUrns?: readonly number[]): Array<{ urn: number; months: string[] }> {
  if (windows.length === 0 || onlyUrns?.length === 0) return [];
  const inWindows = windows.map((_, i) => `(period BETWEEN @w${i}a AND @w${i}b)`).join(' OR ');
  const params: Record<string, string> = { t: trialId };
  windows.forEach(([a, b], i) => { params[`w${i}a`] = a; params[`w${i}b`] = b; });
  const urns = onlyUrns ? 'SELECT value FROM json_each(@only)' : TRIAL_URNS;
  if (onlyUrns) params.only = JSON.stringify(onlyUrns);
  const rows = db.prepare(`SELECT urn, period FROM admin_outcomes WHERE urn IN (${urns}) AND (${inWindows})
    GROUP BY urn, period ORDER BY urn, period`).all(params) as Array<{ urn: number; period: string }>;
  const out: Array<{ urn: number; months: string[] }> = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last && last.urn === r.urn) last.months.push(r.period); else out.push({ urn: r.urn, months: [r.period] });
  }
  return out;
}

/**
 * Contacts derived from their parts (Bolton report, Table 4 footnote: contacts = contacts leading to NFA + contacts
 * leading to referral) for every school-month with no imported contacts count but at least one of the parts (a part
 * without a row that month counts 0, as every measure does in a month the school has data). Summed per school over
 * the outcome and baseline windows, with how many school-months were derived.
 */
export function derivedContacts(db: Db, trialId: string, outcome: readonly [string, string], baseline: readonly [string, string], onlyUrns?: readonly number[]): Array<{ urn: number; outcomeCount: number | null; outcomeMonths: number; baselineCount: number | null; baselineMonths: number }> {
  if (onlyUrns?.length === 0) return [];
  return db.prepare(`
    SELECT o.urn,
      SUM(CASE WHEN o.period BETWEEN @o0 AND @o1 THEN o.count END) AS outcomeCount,
      COUNT(DISTINCT CASE WHEN o.period BETWEEN @o0 AND @o1 THEN o.period END) AS outcomeMonths,
      SUM(CASE WHEN o.period BETWEEN @b0 AND @b1 THEN o.count END) AS baselineCount,
      COUNT(DISTINCT CASE WHEN o.period BETWEEN @b0 AND @b1 THEN o.period END) AS baselineMonths
    FROM admin_outcomes o
    WHERE o.measure IN ('contacts_nfa', 'referrals') AND o.urn IN (${onlyUrns ? 'SELECT value FROM json_each(@only)' : TRIAL_URNS})
      AND ((o.period BETWEEN @o0 AND @o1) OR (o.period BETWEEN @b0 AND @b1))
      AND NOT EXISTS (SELECT 1 FROM admin_outcomes c WHERE c.urn = o.urn AND c.period = o.period AND c.measure = 'contacts')
    GROUP BY o.urn ORDER BY o.urn`).all({ t: trialId, o0: outcome[0], o1: outcome[1], b0: baseline[0], b1: baseline[1], only: JSON.stringify(onlyUrns ?? []) }) as ReturnType<typeof derivedContacts>;
}
