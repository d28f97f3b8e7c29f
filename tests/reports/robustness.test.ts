// The arm-comparison report's robustness section (issue 16): the primary model on a sub-window of months, unweighted at school level, by multiple imputation and by subgroup, each row checked against R; an empty sub-window is said in a sentence.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildArmComparison } from '../../reports/view-models/arm-comparison';
import { MI_IMPUTATIONS, MI_SEED } from '../../reports/view-models/robustness';
import { fmtCi, fmtNumber, fmtP } from '../../reports/view-models/format';
import { rubinsRules } from '../../reports/stats';
import { multipleImputationItt } from '../../reports/analysis';
import { adminDatasets } from '../../reports/view-models/outcomes';
import { fixtureDir } from '../analysis/r-fixtures';
import { reportDataFromCsv, surveyReportDataFromCsv } from './csv-report-data';

// Expected values: tests/fixtures/r/robustness-fixtures.json, written by tests/fixtures/r/make-robustness-fixtures.R
// (R 4.2.2, estimatr 1.0.0 lm_robust se_type "stata" on the pupil-level expansion; clubSandwich 0.5.8 CR2 below 40 schools).
const R = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'robustness-fixtures.json'), 'utf8'));
const clock = () => new Date('2026-11-20T12:00:00Z');
interface RRow { estimate: number; se: number; p: number; ci: [number, number]; n: number }
/** The row as the report prints it from R's numbers: percentage points to 3 decimals. */
const printed = (r: RRow) => ({ estimate: fmtNumber(r.estimate * 100, 3), se: fmtNumber(r.se * 100, 3), ci: fmtCi([r.ci[0] * 100, r.ci[1] * 100], 3), p: fmtP(r.p) });
const pick = (row: { estimate: string; se: string; ci: string; p: string }) => ({ estimate: row.estimate, se: row.se, ci: row.ci, p: row.p });

describe('robustness checks of an LA outcome (160 schools, 9 without outcome data)', () => {
  const { data } = reportDataFromCsv('robust160.csv', { unit: 'school' });
  const view = buildArmComparison(data, clock()).robustness!;
  const row = (label: string) => { const r = view.rows.find((x) => x.label.startsWith(label)); expect(r, label).toBeDefined(); return r!; };

  it('one unit: every estimate in percentage points, named in the view', () => {
    expect(view.unit).toBe('percentage points');
  });

  it('the primary row, the sub-window and the unweighted school-level model equal R', () => {
    expect(pick(row('Primary analysis'))).toEqual(printed(R.primary));
    expect(pick(row('Outcome months March 2026 to August 2026 only'))).toEqual(printed(R.sub_window));
    expect(row('Outcome months').method).toContain('the latter half of the outcome window, the default');
    expect(pick(row('Unweighted, school level'))).toEqual(printed(R.unweighted));
    expect(row('Unweighted, school level').n).toBe(`${R.unweighted.n} schools`);
  });

  it('the subgroup rows and interactions equal R (CR2 for the small rural subgroup, as the report\'s auto rule)', () => {
    const m = fmtNumber(R.fsm_median, 1);
    expect(pick(row(`% FSM: at or below the median (${m}%)`))).toEqual(printed(R.fsm['at or below']));
    expect(pick(row(`% FSM: above the median (${m}%)`))).toEqual(printed(R.fsm.above));
    expect(pick(row('% FSM: difference between the subgroups'))).toEqual(printed(R.fsm.interaction));
    expect(pick(row('Location: rural'))).toEqual(printed(R.location.rural));
    expect(R.location.rural.n).toBeLessThan(40);
    expect(row('Location: rural').method).toMatch(/CR2/);
    expect(pick(row('Location: urban'))).toEqual(printed(R.location.urban));
    expect(pick(row('Location: difference between the subgroups'))).toEqual(printed(R.location.interaction));
  });

  it('the multiple-imputation row names its imputations and seed, imputes the 9 schools, and pools by Rubin\'s rules', () => {
    const mi = row('Multiple imputation');
    expect(mi.method).toContain(`${MI_IMPUTATIONS} imputations, seed ${MI_SEED}`);
    expect(mi.n).toBe('160 schools (9 imputed)');
    // Rubin's rules are checked against R in tests/stats (fixtures.json rubin); here the row is the pooled per-imputation fits.
    const nfa = adminDatasets(data)[0];
    expect(nfa.rows.filter((r) => r.y === null)).toHaveLength(9);
    const again = multipleImputationItt(nfa.rows.map((r) => (r.y === null ? { ...r, baseline: (Number(data.adminOutcomes.find((o) => o.urn === r.urn)!.baselineCount)) / (r.pupils as number) } : r)),
      { outcome: 'y', arm: 'arm', cluster: 'urn', baseline: 'baseline', strata: ['stratum'], weight: 'pupils', proportion: true, se: 'cr1', imputations: MI_IMPUTATIONS, seed: MI_SEED });
    const pooled = rubinsRules(again.perImputation.map((x) => x.estimate), again.perImputation.map((x) => x.se ** 2), { dfComplete: again.completeCase.df });
    expect(mi.estimate).toBe(fmtNumber(pooled.estimate * 100, 3));
    expect(mi.se).toBe(fmtNumber(pooled.se * 100, 3));
    // the complete-case fit inside the imputation is the primary model (R: primary)
    expect(fmtNumber(again.completeCase.estimate * 100, 3)).toBe(printed(R.primary).estimate);
  });
});

describe('when the sub-window has no data', () => {
  it('says so in a sentence instead of a row', () => {
    const { data } = reportDataFromCsv('robust160.csv', { unit: 'school' });
    const view = buildArmComparison({ ...data, adminSubWindow: { ...data.adminSubWindow!, months: ['2026-06', '2026-08'], fromSetting: true, counts: [] } }, clock()).robustness!;
    expect(view.rows.some((r) => r.label.startsWith('Outcome months'))).toBe(false);
    expect(view.sentences).toContain('The sub-window June 2026 to August 2026 has no LA outcome data yet, so the primary model could not be re-run on it.');
  });
});

describe('robustness checks of a survey outcome (mlm-dsl.csv: DSLs in 300 schools, 25 endline scores missing)', () => {
  const view = buildArmComparison(surveyReportDataFromCsv('mlm-dsl.csv'), clock()).robustness!;
  const row = (label: string) => view.rows.find((x) => x.label.startsWith(label))!;
  // survey estimates in scale points to 2 decimals (R: robustness-fixtures.json survey)
  const inPoints = (r: RRow) => ({ estimate: fmtNumber(r.estimate, 2), se: fmtNumber(r.se, 2), ci: fmtCi(r.ci, 2), p: fmtP(r.p) });

  it('the DSL-level primary row and the unweighted model on school means equal R', () => {
    expect(view.unit).toBe('scale points');
    expect(pick(row('Primary analysis'))).toEqual(inPoints(R.survey.primary));
    expect(row('Primary analysis').n).toBe(`${R.survey.primary.n} DSLs in 297 schools`);
    expect(pick(row('Unweighted, school level'))).toEqual(inPoints(R.survey.unweighted));
    expect(row('Unweighted, school level').n).toBe(`${R.survey.unweighted.n} schools`);
  });

  it('no sub-window for a score measured once, said in a sentence; the 25 missing scores are imputed', () => {
    expect(view.rows.some((r) => r.label.startsWith('Outcome months'))).toBe(false);
    expect(view.sentences).toContain('The primary outcome is a survey score measured once at endline, so there is no sub-window of months to re-run it on.');
    expect(row('Multiple imputation').n).toBe(`${R.survey.primary.n + 25} DSLs (25 imputed)`);
  });
});
