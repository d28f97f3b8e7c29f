// Hand-built ReportData from an R fixture CSV of school rows (school, la, arm, pupils, base_count, count; optional stratum or fsm_block, fsm, urban_rural, sub_count): the arm-comparison view-model fed exactly the data R analysed.
import type { ReportData, ReportSchool } from '../../reports/view-models/report-data';
import { dataRows } from '../analysis/r-fixtures';

/** One LA outcome measure per school summed over a 12-month window and its baseline year, as the repository gathers it. */
export function reportDataFromCsv(file: string, opts: { unit: 'school' | 'local_authority'; measure?: string }): { data: ReportData; rows: Array<Record<string, string>> } {
  const rows = dataRows(file);
  const measure = opts.measure ?? 'contacts_nfa';
  const schools: ReportSchool[] = rows.map((r, i) => ({
    urn: 700000 + i, name: r.school, laCode: r.la ?? 'LA01', laName: r.la ?? 'LA01', phase: 'Primary', type: null, pupils: Number(r.pupils), fsmPercent: r.fsm ? Number(r.fsm) : null,
    ofstedRating: null, urbanRural: r.urban_rural ?? null, enrolment: 'enrolled', arm: r.arm === '1' || r.arm === 'intervention' ? 'intervention' : 'control', stratum: r.stratum ?? r.fsm_block ?? null,
  }));
  const data: ReportData = {
    trial: { id: 'csv', title: `R fixture ${file}`, kind: 'trial', unit: opts.unit, strata: [], method: 'imported', seed: 1, status: 'analysis', sessionsIntended: 3, sessionIntervalWeeks: [4, 6], startsOn: '2025-09-01', endsOn: '2026-08-31', isDemo: false },
    randomisation: null, schools, dsls: [], waves: [], invitations: [], waveResponses: [], scores: [], sessions: [],
    adminOutcomes: rows.map((r, i) => ({ urn: 700000 + i, measure, outcomeCount: r.count === '' || r.count === 'NA' ? null : Number(r.count), outcomeMonths: r.count === '' || r.count === 'NA' ? 0 : 12, baselineCount: Number(r.base_count), baselineMonths: 12 })),
    adminWindows: { outcome: ['2025-09', '2026-08'], baseline: ['2024-09', '2025-08'] },
    // the sub-window's counts (sub_count), for the schools with outcome data: the latter half of the outcome window
    adminSubWindow: 'sub_count' in (rows[0] ?? {}) ? { months: ['2026-03', '2026-08'], fromSetting: false, counts: rows.flatMap((r, i) => (r.sub_count === '' || r.sub_count === 'NA' ? [] : [{ urn: 700000 + i, measure, count: Number(r.sub_count) }])) } : null,
    forms: [], costs: [], quotes: [], descriptions: {},
    settings: { primaryOutcome: null, effectSize: 'glass', seType: 'auto', adminMissingMonths: 'complete', mlmEffectSize: 'off', protocolMdes: {} },
  };
  return { data, rows };
}

/**
 * Hand-built ReportData from a CSV of DSL rows (dsl, school, region, arm 0/1, base, y with NA): one school per
 * distinct school, PSS-10 total scores at the baseline and endline waves, no LA outcome data.
 */
export function surveyReportDataFromCsv(file: string): ReportData {
  const rows = dataRows(file);
  const schoolIds = [...new Set(rows.map((r) => r.school))];
  const urnOf = new Map(schoolIds.map((id, i) => [id, 800000 + i]));
  const first = new Map(schoolIds.map((id) => [id, rows.find((r) => r.school === id)!]));
  const { data } = reportDataFromCsv('robust160.csv', { unit: 'school' });
  const value = (v: string) => (v === '' || v === 'NA' ? null : Number(v));
  return {
    ...data,
    trial: { ...data.trial, title: `R fixture ${file}` },
    schools: schoolIds.map((id) => ({
      urn: urnOf.get(id)!, name: id, laCode: first.get(id)!.la ?? 'LA01', laName: first.get(id)!.la ?? 'LA01', phase: 'Primary', type: null, pupils: 200, fsmPercent: null,
      ofstedRating: null, urbanRural: null, enrolment: 'enrolled', arm: first.get(id)!.arm === '1' ? 'intervention' : 'control', stratum: first.get(id)!.region,
    })),
    dsls: rows.map((r) => ({ id: r.dsl, urn: urnOf.get(r.school)!, role: 'DSL', status: 'active' as const })),
    waves: [
      { id: 1, name: 'baseline', opensAt: '2025-09-01T00:00:00Z', closesAt: '2025-09-30T00:00:00Z', instruments: ['pss10@1'] },
      { id: 2, name: 'endline', opensAt: '2026-06-01T00:00:00Z', closesAt: '2026-06-30T00:00:00Z', instruments: ['pss10@1'] },
    ],
    scores: rows.flatMap((r) => [
      { waveId: 1, dslId: r.dsl, instrument: 'pss10@1', scale: 'total', value: value(r.base) },
      ...(value(r.y) === null ? [] : [{ waveId: 2, dslId: r.dsl, instrument: 'pss10@1', scale: 'total', value: value(r.y) }]),
    ]),
    adminOutcomes: [], adminSubWindow: null,
  };
}
