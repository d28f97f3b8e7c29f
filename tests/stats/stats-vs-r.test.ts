// reports/stats estimators against R: t distribution (pt/qt), classical and HC1 variance, ICC, Rubin's rules.
import { describe, it, expect } from 'vitest';
import {
  classicalVariance, coefficientTable, hc1Variance, icc, rubinsRules, tLowerTail, tQuantile, twoSidedP, weightedLeastSquares,
  type DesignColumn, type VarianceEstimate, type LeastSquaresFit, type WeightKind,
} from '../../reports/stats';
import { dataRows, expectClose, fixtures, type RModel } from '../analysis/r-fixtures';

describe('t distribution', () => {
  const { cdf, quantile } = fixtures.t_distribution;
  it('lower tail agrees with R pt() to 1e-12 relative for df 1..100,000 (including 27,351)', () => {
    // R 4.2.2 pt(t, df)
    cdf.value.forEach((v, k) => expectClose(tLowerTail(cdf.t[k], cdf.df[k]), v, 1e-12, `pt(${cdf.t[k]}, ${cdf.df[k]})`));
    expect(cdf.df).toContain(27351);
  });
  it('quantile agrees with R qt() to 1e-12 relative', () => {
    // R 4.2.2 qt(p, df)
    quantile.value.forEach((v, k) => expectClose(tQuantile(quantile.p[k], quantile.df[k]), v, 1e-12, `qt(${quantile.p[k]}, ${quantile.df[k]})`));
  });
  it('two-sided p from the lower tail keeps tiny p-values', () => {
    // R: 2 * pt(-12, 27351) (about 4e-33; 1 - pt(12, df) would round to 0)
    const k = cdf.t.findIndex((t, i) => t === -12 && cdf.df[i] === 27351);
    expectClose(twoSidedP(12, 27351), 2 * cdf.value[k], 1e-12, 'p');
    expect(twoSidedP(12, 27351)).toBeLessThan(1e-30);
    expect(twoSidedP(-12, 27351)).toBe(twoSidedP(12, 27351));
  });
  it('rejects non-positive df', () => { expect(() => tLowerTail(1, 0)).toThrow(/degrees of freedom/); });
});

function design(rows: Array<Record<string, string>>, strataCol: string, levels: string[], armCol: string, armValue: (v: string) => number): DesignColumn[] {
  return [
    { name: '(Intercept)', values: rows.map(() => 1) },
    { name: 'base', values: rows.map((r) => Number(r.base)) },
    ...levels.map((lv) => ({ name: `${strataCol}=${lv}`, values: rows.map((r) => (r[strataCol] === lv ? 1 : 0)) })),
    { name: armCol, values: rows.map((r) => armValue(r[armCol])) },
  ];
}

function expectModel(fit: LeastSquaresFit, v: VarianceEstimate, m: RModel) {
  const table = coefficientTable(fit, v);
  table.forEach((c, i) => {
    expectClose(c.estimate, m.estimate[i], 1e-8, `${m.name} ${m.terms[i]} estimate`);
    expectClose(c.se, m.se[i], 1e-8, `${m.name} ${m.terms[i]} se`);
    expectClose(c.df, m.df[i], 1e-12, `${m.name} df`);
    expectClose(c.p, m.p[i], 1e-8, `${m.name} ${m.terms[i]} p`);
    expectClose(c.ci[1], m.ci_high[i], 1e-8, `${m.name} ${m.terms[i]} ci`);
  });
}

describe('classical and HC1 variance', () => {
  const la = dataRows('la10.csv');
  const laX = design(la, 'region', ['south'], 'arm', (v) => (v === 'intervention' ? 1 : 0));
  const laY = la.map((r) => Number(r.y));
  const laW = la.map((r) => Number(r.pupils));
  const fit = (kind: WeightKind) => weightedLeastSquares(laX, laY, laW, kind);
  it('analytic weights: classical and HC1 match estimatr lm_robust(weights=) on rows', () => {
    // R estimatr lm_robust(weights=pupils, se_type="classical" / "HC1")
    expectModel(fit('analytic'), classicalVariance(fit('analytic')), fixtures.models.la10_analytic_classical);
    expectModel(fit('analytic'), hc1Variance(fit('analytic')), fixtures.models.la10_analytic_hc1);
  });
  it('frequency weights: classical and HC1 match estimatr on the pupil-level expansion', () => {
    // R estimatr lm_robust(se_type="classical" / "HC1") on rows repeated `pupils` times
    expectModel(fit('frequency'), classicalVariance(fit('frequency')), fixtures.models.la10_frequency_classical);
    expectModel(fit('frequency'), hc1Variance(fit('frequency')), fixtures.models.la10_frequency_hc1);
  });
  it('unweighted classical and HC1 on 3,689 DSL rows match estimatr', () => {
    // R estimatr lm_robust(se_type="classical" / "HC1"), schools1500 complete cases
    const rows = dataRows('schools1500.csv').filter((r) => r.y !== 'NA');
    const f = weightedLeastSquares(design(rows, 'stratum', ['s2', 's3', 's4'], 'arm', Number), rows.map((r) => Number(r.y)));
    expectModel(f, classicalVariance(f), fixtures.models.schools1500_unweighted_classical);
    expectModel(f, hc1Variance(f), fixtures.models.schools1500_unweighted_hc1);
  });
});

describe('weighted least squares', () => {
  it('drops an aliased column in order, as lm(), and says which', () => {
    // constructed: z = 2x + 1 is a linear combination of the intercept and x
    const x = [1, 2, 3, 4, 5, 6], z = x.map((v) => 2 * v + 1), y = [1.1, 1.9, 3.2, 3.9, 5.1, 6.0];
    const fit = weightedLeastSquares([{ name: '(Intercept)', values: x.map(() => 1) }, { name: 'x', values: x }, { name: 'z', values: z }], y);
    expect(fit.dropped).toEqual(['z']);
    expect(fit.rank).toBe(2);
    // closed form OLS slope = Sxy/Sxx = 17.4/17.5
    expectClose(fit.coefficients[1], 17.4 / 17.5, 1e-12, 'slope');
  });
  it('is exact on centred-away offsets (baseline around 1e6)', () => {
    // constructed: y = 3 + 0.5 (x - 1e6) exactly
    const x = [1e6 + 1, 1e6 + 2, 1e6 + 4, 1e6 + 7], y = x.map((v) => 3 + 0.5 * (v - 1e6));
    const fit = weightedLeastSquares([{ name: '(Intercept)', values: x.map(() => 1) }, { name: 'x', values: x }], y);
    expectClose(fit.coefficients[1], 0.5, 1e-9, 'slope');
  });
});

describe('ICC by one-way ANOVA', () => {
  it('matches R anova() mean squares and the n0 formula on 1,500 schools', () => {
    // R 4.2.2 anova(lm(y ~ factor(school))) on schools1500 complete cases
    const rows = dataRows('schools1500.csv').filter((r) => r.y !== 'NA');
    const res = icc(rows.map((r) => Number(r.y)), rows.map((r) => r.school));
    expectClose(res.msb, fixtures.icc.msb, 1e-10, 'MSB');
    expectClose(res.msw, fixtures.icc.msw, 1e-10, 'MSW');
    expectClose(res.n0, fixtures.icc.n0, 1e-12, 'n0');
    expectClose(res.icc, fixtures.icc.icc, 1e-9, 'ICC');
    expect(res.truncated).toBe(false);
  });
  it('truncates a negative estimate at 0 and says so', () => {
    // constructed: cluster means identical, within-cluster spread only -> MSB = 0 < MSW
    const res = icc([1, 3, 1, 3, 1, 3], ['a', 'a', 'b', 'b', 'c', 'c']);
    expect(res.icc).toBe(0);
    expect(res.truncated).toBe(true);
    expect(res.note).toMatch(/negative/);
  });
});

describe("Rubin's rules", () => {
  it('pools as mice (Barnard-Rubin and classic df)', () => {
    // R by hand following mice:::barnard.rubin (tests/fixtures/r/make-fixtures.R)
    const r = fixtures.rubin;
    const br = rubinsRules(r.q, r.u, { dfComplete: r.dfcom });
    expectClose(br.estimate, r.estimate, 1e-14, 'estimate');
    expectClose(br.se, r.se, 1e-13, 'se');
    expectClose(br.df, r.df_barnard_rubin, 1e-12, 'df BR');
    expect(br.dfMethod).toBe('barnard-rubin');
    const classic = rubinsRules(r.q, r.u);
    expectClose(classic.df, r.df_classic, 1e-12, 'df classic');
  });
});
