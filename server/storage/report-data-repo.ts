// SQL that gathers everything one trial's reports need (registry, allocation, waves, scores, sessions, admin outcomes, forms, costs, quotes) into plain ReportData; plus the writes for report inputs (costs, quotes, descriptions, settings).
import type { Db } from './db';
import { derivedContacts, outcomeCoverage } from './outcome-repo';
import { reportCovariates } from './covariate-repo';
import { loadComparison } from './report-comparison-repo';
import { isImported, previewsBefore } from './allocation-export-repo';
import { loadDesignFacts } from './report-design-repo';
import { loadInferenceSettings, saveInferenceSettings } from './report-inference-settings-repo';
import { loadReportSections } from './report-section-repo';
import { NotFoundError, ValidationError } from '../../shared/errors';
import { TIDIER_FIELD_NAMES, type TidierFieldName } from '../domain/report-inputs/parse';
import type {
  AdminSubWindow, AdminWindows, ReportAdminOutcome, ReportCost, ReportData, ReportDsl, ReportFormResponse, ReportInvitation, ReportQuote,
  ReportSchool, ReportScore, ReportSession, ReportSettings, ReportTrial, ReportWave, ReportWaveResponse,
} from '../../reports/view-models/report-data';
import { subWindowOf } from '../../reports/view-models/sub-window';

/** Instruments whose completed responses the IPE report reads as forms (not wave outcomes). */
export const FORM_INSTRUMENTS = ['dsl-evaluation', 'dsl-time-log', 'dsl-preparation', 'supervision-record'] as const;

export const TIDIER_FIELDS = TIDIER_FIELD_NAMES;
export type TidierField = TidierFieldName;

function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try { return JSON.parse(text) as T; } catch { return fallback; }
}

/** Adds months to 'YYYY-MM'. */
export function addMonths(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number);
  const total = y * 12 + (m - 1) + delta;
  return `${String(Math.floor(total / 12)).padStart(4, '0')}-${String((total % 12) + 1).padStart(2, '0')}`;
}

/** Every month of a window, 'YYYY-MM', first to last. */
function monthsInWindow([from, to]: [string, string]): string[] {
  const out: string[] = [];
  for (let m = from; m <= to && out.length < 1200; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** Outcome window = the trial's months (starts_on..ends_on); baseline = the 12 months before it (the previous year's same measure). */
export function adminWindowsFor(startsOn: string | null, endsOn: string | null): AdminWindows {
  if (!startsOn || !endsOn) return { outcome: null, baseline: null };
  const start = startsOn.slice(0, 7);
  const end = endsOn.slice(0, 7);
  return { outcome: [start, end], baseline: [addMonths(start, -12), addMonths(start, -1)] };
}

interface TrialRow {
  id: string; title: string; kind: 'trial' | 'programme'; unit: 'school' | 'local_authority'; strata: string; method: string | null; seed: number | null;
  status: string; sessions_intended: number | null; session_interval_weeks: string; starts_on: string | null; ends_on: string | null; is_demo: number;
}

function loadTrial(db: Db, trialId: string): ReportTrial {
  const t = db.prepare('SELECT * FROM trials WHERE id = ?').get(trialId) as TrialRow | undefined;
  if (!t) throw new NotFoundError(`There is no trial "${trialId}".`, [{ pointer: '/trial', detail: `no trial "${trialId}"` }]);
  const interval = parseJson<number[]>(t.session_interval_weeks, [4, 6]);
  return {
    id: t.id, title: t.title, kind: t.kind, unit: t.unit, strata: parseJson<string[]>(t.strata, []), method: t.method, seed: t.seed, status: t.status,
    sessionsIntended: t.sessions_intended, sessionIntervalWeeks: [Number(interval[0] ?? 4), Number(interval[1] ?? 6)],
    startsOn: t.starts_on, endsOn: t.ends_on, isDemo: t.is_demo === 1,
  };
}

/** Reads one trial's report data. Throws NotFoundError when the trial does not exist. */
export function loadReportData(db: Db, trialId: string): ReportData {
  const trial = loadTrial(db, trialId);
  const r = db.prepare('SELECT method, algorithm_version, seed, input_sha256, strata, cluster, created_at, fsm_column FROM randomisations WHERE trial_id = ?').get(trialId) as
    { method: string; algorithm_version: string; seed: number; input_sha256: string; strata: string; cluster: string | null; created_at: string; fsm_column: string | null } | undefined;

  // Schools in the trial: those listed in trial_schools plus any allocated without a listing.
  const schools = (db.prepare(`
    SELECT s.urn, s.name, s.la_code, la.name AS la_name, s.phase, s.type, s.pupils, s.fsm_percent, s.ofsted_rating, s.urban_rural,
           ts.status AS enrolment, ts.status_reason, ts.attendance_missing_on, a.arm, a.stratum
    FROM schools s
    JOIN local_authorities la ON la.code = s.la_code
    LEFT JOIN trial_schools ts ON ts.urn = s.urn AND ts.trial_id = @t
    LEFT JOIN allocations a ON a.urn = s.urn AND a.trial_id = @t
    WHERE ts.trial_id IS NOT NULL OR a.trial_id IS NOT NULL
    ORDER BY s.urn`).all({ t: trialId }) as Array<Record<string, unknown>>).map((s): ReportSchool => ({
    urn: Number(s.urn), name: String(s.name), laCode: String(s.la_code), laName: String(s.la_name), phase: s.phase as string | null, type: s.type as string | null,
    pupils: s.pupils as number | null, fsmPercent: s.fsm_percent as number | null, ofstedRating: s.ofsted_rating as string | null, urbanRural: s.urban_rural as string | null,
    enrolment: s.enrolment as ReportSchool['enrolment'], arm: s.arm as ReportSchool['arm'], stratum: s.stratum as string | null,
    statusReason: (s.status_reason as string | null) ?? null, attendanceMissing: s.attendance_missing_on !== null && s.attendance_missing_on !== undefined,
  }));

  const dsls = db.prepare('SELECT id, urn, role, status FROM dsls WHERE trial_id = ? ORDER BY id').all(trialId) as ReportDsl[];

  const waves = (db.prepare('SELECT id, name, opens_at, closes_at, instruments FROM waves WHERE trial_id = ? ORDER BY opens_at, id').all(trialId) as
    Array<{ id: number; name: ReportWave['name']; opens_at: string; closes_at: string; instruments: string }>).map((w): ReportWave => ({
    id: w.id, name: w.name, opensAt: w.opens_at, closesAt: w.closes_at, instruments: parseJson<string[]>(w.instruments, []),
  }));

  const invitations = db.prepare(`SELECT i.wave_id AS waveId, i.dsl_id AS dslId FROM invitations i JOIN waves w ON w.id = i.wave_id
    WHERE w.trial_id = ? ORDER BY i.wave_id, i.dsl_id`).all(trialId) as ReportInvitation[];

  const waveResponses = (db.prepare(`SELECT r.id, r.wave_id AS waveId, r.dsl_id AS dslId, r.status, r.submitted_at AS submittedAt,
      EXISTS (SELECT 1 FROM response_sources p WHERE p.response_id = r.id) AS paper
    FROM responses r JOIN waves w ON w.id = r.wave_id WHERE w.trial_id = ? AND r.dsl_id IS NOT NULL ORDER BY r.wave_id, r.dsl_id`).all(trialId) as
    Array<Omit<ReportWaveResponse, 'paper'> & { paper: number }>).map((r): ReportWaveResponse => ({ ...r, paper: r.paper === 1 }));

  const scores = db.prepare(`SELECT r.wave_id AS waveId, r.dsl_id AS dslId, s.instrument, s.scale, s.value
    FROM scores s JOIN responses r ON r.id = s.response_id JOIN waves w ON w.id = r.wave_id
    WHERE w.trial_id = ? AND r.status = 'complete' AND r.dsl_id IS NOT NULL ORDER BY r.wave_id, r.dsl_id, s.instrument, s.scale`).all(trialId) as ReportScore[];

  const sessionRows = db.prepare(`SELECT id, kind, mode, format, held_on AS heldOn, duration_minutes AS durationMinutes
    FROM supervision_sessions WHERE trial_id = ? ORDER BY held_on, id`).all(trialId) as Array<Omit<ReportSession, 'attendees'>>;
  const attendees = db.prepare(`SELECT sa.session_id AS sessionId, sa.dsl_id AS dslId, sa.urn FROM supervision_attendees sa
    JOIN supervision_sessions ss ON ss.id = sa.session_id WHERE ss.trial_id = ? ORDER BY sa.session_id, sa.dsl_id`).all(trialId) as Array<{ sessionId: number; dslId: string; urn: number }>;
  const bySession = new Map<number, { dslId: string; urn: number }[]>();
  for (const a of attendees) {
    const list = bySession.get(a.sessionId) ?? [];
    list.push({ dslId: a.dslId, urn: a.urn });
    bySession.set(a.sessionId, list);
  }
  const sessions: ReportSession[] = sessionRows.map((s) => ({ ...s, attendees: bySession.get(s.id) ?? [] }));

  const adminWindows = adminWindowsFor(trial.startsOn, trial.endsOn);
  const admin = loadAdminOutcomes(db, trialId, adminWindows);
  const adminOutcomes = admin.rows;
  const adminCoverage = admin.coverage;

  const settings = loadReportSettings(db, trialId);
  const adminSubWindow = loadAdminSubWindow(db, trialId, subWindowOf(adminWindows.outcome, settings.robustnessWindow));

  const forms = loadForms(db, trialId);

  const costs = listProgrammeCosts(db, trialId).map(({ item, amountPence, basis, note, sharedBy }): ReportCost => ({ item, amountPence, basis, note, sharedBy }));
  const quotes = loadQuotes(db, trialId);
  const descriptions: Record<string, string> = {};
  for (const d of db.prepare('SELECT field, body FROM intervention_descriptions WHERE trial_id = ? ORDER BY field').all(trialId) as { field: string; body: string }[]) descriptions[d.field] = d.body;

  return {
    trial,
    randomisation: r ? {
      method: r.method, algorithmVersion: r.algorithm_version, seed: r.seed, inputSha256: r.input_sha256, strata: parseJson<string[]>(r.strata, []), cluster: r.cluster, createdAt: r.created_at,
      imported: isImported(r), previews: previewsBefore(db, trialId, r.created_at).count, fsmColumn: r.fsm_column,
    } : null,
    schools, dsls, waves, invitations, waveResponses, scores, sessions, adminOutcomes, adminWindows, adminCoverage, derivedContacts: admin.derivedContacts, adminSubWindow, forms, costs, quotes, descriptions,
    settings,
    design: loadDesignFacts(db, trialId),
    ...reportCovariates(db, trialId), comparison: loadComparison(db, trialId),
    evaluatorSections: loadReportSections(db, trialId),
  };
}

/**
 * Sums each school's monthly counts per measure over the outcome and baseline windows. Months are counted without
 * DISTINCT because (urn, period, measure) is the primary key: one row per month. Index 008 serves the grouping.
 */
function loadAdminOutcomes(db: Db, trialId: string, windows: AdminWindows): { rows: ReportAdminOutcome[]; coverage: Array<{ urn: number; months: string[] }>; derivedContacts: ReportData['derivedContacts'] } {
  const out = windows.outcome ?? ['0000-00', '9999-12'];
  const base = windows.baseline ?? ['9999-12', '0000-00']; // an empty window when the trial has no dates
  const rows = db.prepare(`
    SELECT o.urn, o.measure,
      SUM(CASE WHEN o.period BETWEEN @o0 AND @o1 THEN o.count END) AS outcomeCount,
      COUNT(CASE WHEN o.period BETWEEN @o0 AND @o1 THEN 1 END) AS outcomeMonths,
      SUM(CASE WHEN o.period BETWEEN @b0 AND @b1 THEN o.count END) AS baselineCount,
      COUNT(CASE WHEN o.period BETWEEN @b0 AND @b1 THEN 1 END) AS baselineMonths
    FROM admin_outcomes o
    WHERE o.urn IN (SELECT urn FROM allocations WHERE trial_id = @t UNION SELECT urn FROM trial_schools WHERE trial_id = @t)
      AND ((o.period BETWEEN @o0 AND @o1) OR (o.period BETWEEN @b0 AND @b1))
    GROUP BY o.urn, o.measure ORDER BY o.urn, o.measure`).all({ t: trialId, o0: out[0], o1: out[1], b0: base[0], b1: base[1] }) as ReportAdminOutcome[];
  // Coverage per school and month. A school with one measure counted in every month of both windows covers them all,
  // so the month-level query runs only for the others (none when the LA's data are complete).
  const windowList = [windows.outcome, windows.baseline].filter((w): w is [string, string] => w !== null);
  const span = (w: [string, string] | null) => (w ? monthsInWindow(w) : []);
  const allMonths = [...span(windows.baseline), ...span(windows.outcome)];
  const nOut = span(windows.outcome).length;
  const nBase = span(windows.baseline).length;
  const full = new Set(rows.filter((r) => r.outcomeMonths === nOut && r.baselineMonths === nBase).map((r) => r.urn));
  const partial = [...new Set(rows.map((r) => r.urn))].filter((u) => !full.has(u));
  const coverage = [...[...full].map((urn) => ({ urn, months: allMonths })), ...outcomeCoverage(db, trialId, windowList, partial)].sort((a, b) => a.urn - b.urn);
  // Contacts derived from NFA + referrals where the LA sent only the parts (added to, or standing in for, imported contacts):
  // looked for only in schools with fewer contacts months than months covered.
  const monthsCovered = new Map(coverage.map((c) => [c.urn, c.months.length]));
  const contactsOf = new Map(rows.filter((r) => r.measure === 'contacts').map((r) => [r.urn, r]));
  const lacking = [...monthsCovered.keys()].filter((u) => { const c = contactsOf.get(u); return !c || c.outcomeMonths + c.baselineMonths < monthsCovered.get(u)!; });
  const derived = derivedContacts(db, trialId, out, base, lacking);
  let derivedMonths = 0;
  const add = (a: number | null, b: number | null) => (a === null && b === null ? null : (a ?? 0) + (b ?? 0));
  for (const d of derived) {
    derivedMonths += d.outcomeMonths + d.baselineMonths;
    const c = contactsOf.get(d.urn);
    if (c) {
      c.outcomeCount = add(c.outcomeCount, d.outcomeCount); c.outcomeMonths += d.outcomeMonths;
      c.baselineCount = add(c.baselineCount, d.baselineCount); c.baselineMonths += d.baselineMonths;
    } else rows.push({ ...d, measure: 'contacts' });
  }
  if (derived.length) rows.sort((a, b) => a.urn - b.urn || (a.measure < b.measure ? -1 : a.measure > b.measure ? 1 : 0));
  return { rows, coverage, derivedContacts: derived.length ? { schools: derived.length, schoolMonths: derivedMonths } : null };
}

/** Each school's count per measure over the robustness sub-window (the schools of the trial; index 008 serves it). */
function loadAdminSubWindow(db: Db, trialId: string, sub: { months: [string, string]; fromSetting: boolean } | null): AdminSubWindow | null {
  if (!sub) return null;
  const counts = db.prepare(`
    SELECT o.urn, o.measure, SUM(o.count) AS count FROM admin_outcomes o
    WHERE o.urn IN (SELECT urn FROM allocations WHERE trial_id = @t UNION SELECT urn FROM trial_schools WHERE trial_id = @t)
      AND o.period BETWEEN @m0 AND @m1 AND o.count IS NOT NULL
    GROUP BY o.urn, o.measure ORDER BY o.urn, o.measure`).all({ t: trialId, m0: sub.months[0], m1: sub.months[1] }) as AdminSubWindow['counts'];
  return { ...sub, counts };
}

/**
 * The trial's completed forms with their newest answers, oldest response first: evaluation forms, time logs and preparation sheets
 * (from a wave or a session's link) and records of supervision. A response that answered several form instruments (a wave asking
 * the evaluation form and the time log together) gives one form for each, so none is lost.
 */
export function loadForms(db: Db, trialId: string): ReportFormResponse[] {
  const rows = db.prepare(`
    SELECT r.id AS responseId, r.dsl_id AS dslId, d.urn, r.instruments, r.submitted_at AS submittedAt,
      COALESCE(f.session_id, r.supervision_session_id) AS sessionId,
      (SELECT answers FROM response_snapshots s WHERE s.response_id = r.id ORDER BY s.id DESC LIMIT 1) AS answers
    FROM responses r JOIN dsls d ON d.id = r.dsl_id LEFT JOIN session_forms f ON f.id = r.session_form_id
    WHERE d.trial_id = ? AND r.status = 'complete' AND (${FORM_INSTRUMENTS.map(() => 'r.instruments LIKE ?').join(' OR ')})
    ORDER BY r.id`).all(trialId, ...FORM_INSTRUMENTS.map((f) => `%"${f}@%`)) as Array<{ responseId: number; dslId: string; urn: number; instruments: string; submittedAt: string | null; sessionId: number | null; answers: string | null }>;
  return rows.flatMap((r) => {
    const answers = parseJson<Record<string, unknown>>(r.answers, {});
    return parseJson<string[]>(r.instruments, []).filter((k) => (FORM_INSTRUMENTS as readonly string[]).includes(k.split('@')[0]))
      .map((instrument) => ({ responseId: r.responseId, dslId: r.dslId, urn: r.urn, instrument, submittedAt: r.submittedAt, sessionId: r.sessionId, answers }));
  });
}

const defaultSettings: ReportSettings = { primaryOutcome: null, effectSize: 'glass', seType: 'auto', adminMissingMonths: 'complete', mlmEffectSize: 'off', robustnessWindow: null, protocolMdes: {} };

export function loadReportSettings(db: Db, trialId: string): ReportSettings {
  const s = db.prepare('SELECT primary_outcome, effect_size, se_type, admin_missing_months, mlm_effect_size, robustness_window, protocol_mdes FROM report_settings WHERE trial_id = ?').get(trialId) as
    { primary_outcome: string | null; effect_size: 'glass' | 'hedges'; se_type: 'auto' | 'cr1' | 'cr2'; admin_missing_months: 'complete' | 'prorate'; mlm_effect_size: 'off' | 'total' | 'within'; robustness_window: string | null; protocol_mdes: string } | undefined;
  if (!s) return { ...defaultSettings, protocolMdes: {}, ...loadInferenceSettings(db, trialId) };
  const window = s.robustness_window ? (s.robustness_window.split('/') as [string, string]) : null;
  return { primaryOutcome: s.primary_outcome, effectSize: s.effect_size, seType: s.se_type, adminMissingMonths: s.admin_missing_months, mlmEffectSize: s.mlm_effect_size, robustnessWindow: window, protocolMdes: parseJson(s.protocol_mdes, {}), ...loadInferenceSettings(db, trialId) };
}

/** Creates or replaces a trial's report settings. */
export function saveReportSettings(db: Db, trialId: string, settings: Partial<ReportSettings>, at: string): void {
  loadTrial(db, trialId);
  const merged = { ...loadReportSettings(db, trialId), ...settings };
  db.prepare(`INSERT INTO report_settings (trial_id, primary_outcome, effect_size, se_type, admin_missing_months, mlm_effect_size, robustness_window, protocol_mdes, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (trial_id) DO UPDATE SET primary_outcome = excluded.primary_outcome, effect_size = excluded.effect_size, se_type = excluded.se_type,
    admin_missing_months = excluded.admin_missing_months, mlm_effect_size = excluded.mlm_effect_size, robustness_window = excluded.robustness_window, protocol_mdes = excluded.protocol_mdes, updated_at = excluded.updated_at`)
    .run(trialId, merged.primaryOutcome, merged.effectSize, merged.seType, merged.adminMissingMonths ?? 'complete', merged.mlmEffectSize ?? 'off', merged.robustnessWindow ? merged.robustnessWindow.join('/') : null, JSON.stringify(merged.protocolMdes), at);
  saveInferenceSettings(db, trialId, merged);
}

/** The quotes an evaluator selected for the IPE report. */
export function loadQuotes(db: Db, trialId: string): ReportQuote[] {
  return db.prepare('SELECT response_id AS responseId, item, selected_by AS selectedBy, selected_at AS selectedAt FROM report_quotes WHERE trial_id = ? ORDER BY response_id, item').all(trialId) as ReportQuote[];
}

/** An entered programme cost as stored (with its id, for removal). */
export interface StoredCost { id: number; item: string; amountPence: number; basis: ReportCost['basis']; sharedBy: number; note: string | null; createdAt: string }

export function listProgrammeCosts(db: Db, trialId: string): StoredCost[] {
  return db.prepare(`SELECT id, item, amount_pence AS amountPence, basis, shared_by AS sharedBy, note, created_at AS createdAt
    FROM programme_costs WHERE trial_id = ? ORDER BY id`).all(trialId) as StoredCost[];
}

/** Records an entered programme cost; returns its id. */
export function addProgrammeCost(db: Db, trialId: string, cost: ReportCost, at: string): number {
  loadTrial(db, trialId);
  if (!Number.isInteger(cost.amountPence) || cost.amountPence < 0) throw new ValidationError('A cost must be a whole, non-negative number of pence.', [{ pointer: '/amount_pence', detail: 'must be a whole number of pence, 0 or more' }]);
  const sharedBy = cost.sharedBy ?? 1;
  if (!Number.isInteger(sharedBy) || sharedBy < 1 || sharedBy > 20) throw new ValidationError('A package can be shared by 1 to 20 settings.', [{ pointer: '/shared_by', detail: 'must be a whole number from 1 to 20' }]);
  if (sharedBy > 1 && cost.basis !== 'per_school') throw new ValidationError('Only a per-setting cost can be shared between settings.', [{ pointer: '/shared_by', detail: 'only for per-setting costs' }]);
  return Number(db.prepare('INSERT INTO programme_costs (trial_id, item, amount_pence, basis, shared_by, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(trialId, cost.item, cost.amountPence, cost.basis, sharedBy, cost.note, at).lastInsertRowid);
}

/** Removes an entered cost; NotFoundError when the trial has no cost with that id. Returns what was removed. */
export function removeProgrammeCost(db: Db, trialId: string, costId: number): StoredCost {
  const cost = listProgrammeCosts(db, trialId).find((c) => c.id === costId);
  if (!cost) throw new NotFoundError(`Trial "${trialId}" has no cost ${costId}.`, [{ pointer: '/cost', detail: 'no such cost in this trial' }]);
  db.prepare('DELETE FROM programme_costs WHERE id = ? AND trial_id = ?').run(costId, trialId);
  return cost;
}

/** Marks a free-text answer as quoted in the IPE report (idempotent). The response must be a form of this trial and the item a text answer in it. */
export function selectQuote(db: Db, trialId: string, responseId: number, item: string, selectedBy: string, at: string): void {
  const form = loadForms(db, trialId).find((f) => f.responseId === responseId);
  if (!form) throw new NotFoundError(`Response ${responseId} is not a completed form of trial "${trialId}".`, [{ pointer: '/response_id', detail: 'not a completed form of this trial' }]);
  if (typeof form.answers[item] !== 'string' || (form.answers[item] as string).trim() === '') {
    throw new ValidationError(`Response ${responseId} has no text answer for "${item}".`, [{ pointer: '/item', detail: 'no text answer for this item' }]);
  }
  db.prepare('INSERT OR IGNORE INTO report_quotes (trial_id, response_id, item, selected_by, selected_at) VALUES (?, ?, ?, ?, ?)').run(trialId, responseId, item, selectedBy, at);
}

export function unselectQuote(db: Db, trialId: string, responseId: number, item: string): void {
  db.prepare('DELETE FROM report_quotes WHERE trial_id = ? AND response_id = ? AND item = ?').run(trialId, responseId, item);
}

/** Removes one TIDieR field, so the report shows its default text again. */
export function clearInterventionDescription(db: Db, trialId: string, field: TidierField): void {
  db.prepare('DELETE FROM intervention_descriptions WHERE trial_id = ? AND field = ?').run(trialId, field);
}

/** Sets one TIDieR field of the intervention description. */
export function setInterventionDescription(db: Db, trialId: string, field: TidierField, body: string, by: string, at: string): void {
  loadTrial(db, trialId);
  if (!(TIDIER_FIELDS as readonly string[]).includes(field)) throw new ValidationError(`"${field}" is not a TIDieR field.`, [{ pointer: '/field', detail: `one of ${TIDIER_FIELDS.join(', ')}` }]);
  db.prepare(`INSERT INTO intervention_descriptions (trial_id, field, body, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (trial_id, field) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by`).run(trialId, field, body, at, by);
}
