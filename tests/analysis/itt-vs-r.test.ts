// ittAnalysis against R (estimatr lm_robust se_type="stata", clubSandwich CR2 Satterthwaite) on seeded designs with 10, 300 and 1,500 clusters.
import { describe, it, expect } from 'vitest';
import { ittAnalysis, type IttOptions, type IttResult } from '../../reports/analysis';
import { dataRows, expectClose, fixtures, termIndex, type RModel } from './r-fixtures';

const M = fixtures.models;

function expectArmMatches(res: IttResult, m: RModel, rTerm: string) {
  const i = termIndex(m, rTerm);
  expectClose(res.estimate, m.estimate[i], 1e-8, `${m.name} estimate`);
  expectClose(res.se, m.se[i], 1e-8, `${m.name} se`);
  expectClose(res.df, m.df[i], 1e-8, `${m.name} df`);
  expectClose(res.t, m.t[i], 1e-8, `${m.name} t`);
  expectClose(res.p, m.p[i], 1e-8, `${m.name} p`);
  expectClose(res.ci[0], m.ci_low[i], 1e-8, `${m.name} ci low`);
  expectClose(res.ci[1], m.ci_high[i], 1e-8, `${m.name} ci high`);
}

function expectAllCoefficients(res: IttResult, m: RModel) {
  const rTerms = m.terms.filter((t) => !m.aliased.includes(t));
  expect(res.coefficients.length).toBe(rTerms.length);
  rTerms.forEach((t, k) => {
    const i = termIndex(m, t);
    expectClose(res.coefficients[k].estimate, m.estimate[i], 1e-8, `${m.name} ${t} estimate`);
    expectClose(res.coefficients[k].se, m.se[i], 1e-8, `${m.name} ${t} se`);
    expectClose(res.coefficients[k].df, m.df[i], 1e-8, `${m.name} ${t} df`);
  });
}

describe('10 local authorities randomised (few clusters)', () => {
  const rows = dataRows('la10.csv');
  const base: IttOptions = { outcome: 'y', arm: 'arm', cluster: 'la', baseline: 'base', strata: ['region'] };

  it('unweighted CR2 + Satterthwaite matches clubSandwich', () => {
    // R 4.2.2 clubSandwich 0.5.8 coef_test(vcov="CR2", test="Satterthwaite")
    const res = ittAnalysis(rows, { ...base, se: 'cr2' });
    expectArmMatches(res, M.la10_unweighted_cr2, 'treat');
    expectAllCoefficients(res, M.la10_unweighted_cr2);
    expect(res.clusters).toBe(10);
  });
  it('unweighted CR1 matches estimatr se_type="stata" (df = G - 1 = 9)', () => {
    // R 4.2.2 estimatr 1.0.0 lm_robust(clusters=la, se_type="stata")
    const res = ittAnalysis(rows, base);
    expectArmMatches(res, M.la10_unweighted_cr1, 'treat');
    expect(res.df).toBe(9);
  });
  it('frequency-weighted CR2 matches clubSandwich on the pupil-level expansion', () => {
    // R clubSandwich coef_test on lm(...) fitted to the rows repeated `pupils` times
    const res = ittAnalysis(rows, { ...base, weight: 'pupils', se: 'cr2' });
    expectArmMatches(res, M.la10_frequency_cr2, 'treat');
    expectAllCoefficients(res, M.la10_frequency_cr2);
  });
  it('frequency-weighted CR1 matches estimatr on the expansion (N = sum of pupils), with unadjusted means and SDs', () => {
    // R estimatr lm_robust(se_type="stata") on the pupil-level expansion; means from lm_robust(y ~ 1) per arm; sd() of expanded y
    const m = M.la10_frequency_cr1;
    const res = ittAnalysis(rows, { ...base, weight: 'pupils' });
    expectArmMatches(res, m, 'treat');
    expect(res.n_effective).toBe(m.nobs);
    expectClose(res.control_mean, m.control!.mean, 1e-10, 'control mean');
    expectClose(res.treatment_mean, m.intervention!.mean, 1e-10, 'treatment mean');
    expectClose(res.control_mean_ci![0], m.control!.ci_low, 1e-8, 'control mean ci');
    expectClose(res.control_mean_ci![1], m.control!.ci_high, 1e-8, 'control mean ci');
    expectClose(res.treatment_mean_ci![0], m.intervention!.ci_low, 1e-8, 'treatment mean ci');
    expectClose(res.treatment_mean_ci![1], m.intervention!.ci_high, 1e-8, 'treatment mean ci');
    expectClose(res.control_sd, m.control_sd!, 1e-10, 'control sd');
    expectClose(res.treatment_sd, m.treatment_sd!, 1e-10, 'treatment sd');
    expectClose(res.effect_size.value, res.estimate / m.control_sd!, 1e-10, 'glass delta');
    expect(res.effect_size.kind).toBe('glass_delta');
  });
  it('analytic weights CR1 matches estimatr lm_robust(weights=) on school rows (N = rows)', () => {
    // R estimatr lm_robust(weights=pupils, clusters=la, se_type="stata")
    const res = ittAnalysis(rows, { ...base, weight: 'pupils', weightKind: 'analytic' });
    expectArmMatches(res, M.la10_analytic_cr1, 'treat');
    expect(res.n_effective).toBe(300);
  });
});

describe('1,500 schools randomised (many clusters), DSL rows, 4 strata, missing outcomes', () => {
  const rows = dataRows('schools1500.csv');
  const base: IttOptions = { outcome: 'y', arm: 'arm', cluster: 'school', baseline: 'base', strata: ['stratum'] };
  it('unweighted CR1 matches estimatr, with missing counts by arm', () => {
    // R estimatr lm_robust(se_type="stata") on complete cases; missing counts from is.na(y) by arm
    const m = M.schools1500_unweighted_cr1;
    const res = ittAnalysis(rows, base);
    expectArmMatches(res, m, 'arm');
    expectAllCoefficients(res, m);
    expect(res.clusters).toBeGreaterThan(1000);
    expect(res.missingByArm).toEqual({ control: m.missing_control, intervention: m.missing_intervention });
    expect(res.dropped).toBe(m.missing_control! + m.missing_intervention!);
    expect(res.n).toBe(m.nobs);
    expectClose(res.control_mean_ci![0], m.control!.ci_low, 1e-8, 'control mean ci');
    expectClose(res.treatment_mean_ci![1], m.intervention!.ci_high, 1e-8, 'treatment mean ci');
    expectClose(res.control_sd, m.control_sd!, 1e-10, 'control sd');
  });
  it('unweighted CR2 matches clubSandwich', () => {
    // R clubSandwich coef_test(vcov="CR2", test="Satterthwaite"), 1,500 clusters
    const res = ittAnalysis(rows, { ...base, se: 'cr2' });
    expectArmMatches(res, M.schools1500_unweighted_cr2, 'arm');
    expectAllCoefficients(res, M.schools1500_unweighted_cr2);
  });
  it('frequency-weighted CR1 and CR2 match R on the expansion', () => {
    // R estimatr (stata) and clubSandwich (CR2) on the rows repeated w times
    const m1 = M.schools1500_frequency_cr1;
    const r1 = ittAnalysis(rows, { ...base, weight: 'w' });
    expectArmMatches(r1, m1, 'arm');
    expectClose(r1.control_sd, m1.control_sd!, 1e-10, 'control sd');
    expectClose(r1.treatment_mean_ci![0], m1.intervention!.ci_low, 1e-8, 'treatment mean ci');
    const r2 = ittAnalysis(rows, { ...base, weight: 'w', se: 'cr2' });
    expectArmMatches(r2, M.schools1500_frequency_cr2, 'arm');
  });
});

describe('aliased strata column', () => {
  const rows = dataRows('aliased40.csv');
  it('drops block2=y as R lm() does and still matches CR1 and CR2 for the arm', () => {
    // R lm(): factor(block2)y NA; estimatr pivots differently (drops factor(block)c) but the arm and baseline are invariant
    const opts: IttOptions = { outcome: 'y', arm: 'arm', cluster: 'cl', baseline: 'base', strata: ['block', 'block2'] };
    const r1 = ittAnalysis(rows, opts);
    expect(r1.dropped_columns).toEqual(['block2=y']);
    expect(r1.notes.join(' ')).toMatch(/block2=y/);
    expectArmMatches(r1, M.aliased40_cr1, 'arm');
    const r2 = ittAnalysis(rows, { ...opts, se: 'cr2' });
    expectArmMatches(r2, M.aliased40_cr2, 'arm');
    expectAllCoefficients(r2, M.aliased40_cr2);
  });
});

describe('Bolton-like proportion outcome (300 schools, pupils as weights)', () => {
  // the CSV's nfa is rounded to 8 decimals; the pupil-level data in R hold exactly count ones per school
  const rows = dataRows('bolton300.csv').map((r) => ({ ...r, nfa: String(Number(r.count) / Number(r.pupils)) }));
  const opts: IttOptions = { outcome: 'nfa', arm: 'arm', cluster: 'school', baseline: 'base', strata: ['fsm_block'], weight: 'pupils', proportion: true };
  it('school proportions weighted by pupils equal the pupil-level 0/1 regression (CR1) and its control SD', () => {
    // R estimatr lm_robust(y01 ~ ..., se_type="stata") on 91,277 pupil rows; sd(y01) in the control arm
    const m = M.bolton300_pupil_cr1;
    const res = ittAnalysis(rows, opts);
    expectArmMatches(res, m, 'arm');
    expect(res.n_effective).toBe(m.nobs);
    expectClose(res.control_sd, m.control_sd!, 1e-9, 'pupil-level control SD sqrt(p(1-p)N/(N-1))');
    expectClose(res.control_mean, m.control!.mean, 1e-8, 'control mean');
    expectClose(res.control_mean_ci![0], m.control!.ci_low, 1e-7, 'control mean ci');
    expectClose(res.effect_size.ci[0], res.ci[0] / m.control_sd!, 1e-9, 'glass ci');
  });
  it('CR2 clustered by school equals clubSandwich inverse_var=TRUE on the weighted rows', () => {
    // R clubSandwich coef_test(lm(nfa ~ ..., weights=pupils), "CR2", inverse_var=TRUE)
    const res = ittAnalysis(dataRows('bolton300.csv'), { ...opts, se: 'cr2' }); // R fitted the CSV's nfa as written
    expectArmMatches(res, M.bolton300_inverse_var_cr2, 'arm');
  });
});
