// Balance table, CONSORT counts, multiple imputation with Rubin's rules, exploratory subgroups and Hedges' g.
import { describe, it, expect } from 'vitest';
import { balanceTable, consortCounts, ittAnalysis, multipleImputationItt, subgroupAnalysis } from '../../reports/analysis';
import { hedgesG, standardisedDifference } from '../../reports/stats';
import { dataRows, expectClose, fixtures } from './r-fixtures';

describe('balanceTable', () => {
  it('gives means, SDs, missing and the standardised difference by arm', () => {
    // constructed: control base 1,3 (mean 2, sd sqrt2); intervention 2,4,(missing) (mean 3, sd sqrt2) -> d = 1/sqrt2
    const rows = [{ arm: 0, base: 1 }, { arm: 0, base: 3 }, { arm: 1, base: 2 }, { arm: 1, base: 4 }, { arm: 1, base: null }];
    const [b] = balanceTable(rows, { arm: 'arm', variables: ['base'] });
    expect(b.control).toEqual({ n: 2, missing: 0, mean: 2, sd: Math.SQRT2 });
    expect(b.intervention.missing).toBe(1);
    expectClose(b.standardised_difference!, 1 / Math.SQRT2, 1e-14, 'd');
    expect(standardisedDifference(1, 0, 1, 0)).toBeNull();
  });
  it('matches the unadjusted SDs R gives for the 1,500-school data', () => {
    // R sd(y) by arm on schools1500 complete cases
    const [b] = balanceTable(dataRows('schools1500.csv'), { arm: 'arm', variables: ['y'] });
    expectClose(b.control.sd!, fixtures.models.schools1500_unweighted_cr1.control_sd!, 1e-10, 'control sd');
  });
});

describe('consortCounts', () => {
  it('counts each stage by arm at school and DSL level', () => {
    // constructed CONSORT flow: 2 schools per arm, one intervention school lost; 3 DSLs
    const res = consortCounts([
      { id: 's1', level: 'school', arm: 0, randomised: true, received: false, followedUp: true, analysed: true },
      { id: 's2', level: 'school', arm: 'control', randomised: true, received: false, followedUp: true, analysed: true },
      { id: 's3', level: 'school', arm: 1, randomised: true, received: true, followedUp: true, analysed: true },
      { id: 's4', level: 'school', arm: 'intervention', randomised: true, received: false, followedUp: false, analysed: false },
      { id: 'd1', level: 'dsl', arm: 1, randomised: true, received: true, followedUp: true, analysed: false },
      { id: 'd2', level: 'dsl', arm: 0, randomised: true, received: false, followedUp: true, analysed: true },
      { id: 'd3', level: 'dsl', arm: 1, randomised: true, received: true, followedUp: true, analysed: true },
    ]);
    expect(res.school.intervention).toMatchObject({ randomised: 2, received: 1, followedUp: 1, analysed: 1, lostToFollowUp: 1, attritionRate: 0.5 });
    expect(res.school.control.attritionRate).toBe(0);
    expect(res.school.total.randomised).toBe(4);
    expect(res.differentialAttrition.school).toBe(0.5);
    expect(res.dsl.intervention).toMatchObject({ followedUp: 2, analysed: 1, notAnalysed: 1 });
  });
  it('rejects inconsistent records in one sentence', () => {
    expect(() => consortCounts([{ id: 'x', level: 'dsl', arm: 0, randomised: true, received: false, followedUp: false, analysed: true }])).toThrow(/^The dsl "x" is marked as analysed but not followed up\.$/);
  });
});

describe('multipleImputationItt', () => {
  const rows = dataRows('schools1500.csv');
  const opts = { outcome: 'y', arm: 'arm', cluster: 'school', baseline: 'base', strata: ['stratum'], seed: 42, imputations: 10 };
  it('is reproducible from the seed, imputes every missing outcome and pools by Rubin', () => {
    const a = multipleImputationItt(rows, opts);
    const b = multipleImputationItt(rows, opts);
    expect(a.pooled).toEqual(b.pooled);
    const m = fixtures.models.schools1500_unweighted_cr1;
    expect(a.imputed.control + a.imputed.intervention).toBe(m.missing_control! + m.missing_intervention!);
    expect(a.pooled.dfMethod).toBe('barnard-rubin');
    expect(a.pooled.m).toBe(10);
    // data simulated with arm effect 0.3 and 1.6% of outcomes missing at random: pooled close to complete case, more uncertain
    expect(Math.abs(a.pooled.estimate - a.completeCase.estimate)).toBeLessThan(0.5 * a.completeCase.se);
    expect(a.pooled.se).toBeGreaterThanOrEqual(Math.sqrt(a.pooled.withinVariance));
    expect(a.pooled.ci[0]).toBeLessThan(0.3);
    expect(a.pooled.ci[1]).toBeGreaterThan(0.3);
    expect(a.method).toMatch(/Barnard-Rubin/);
    expect(multipleImputationItt(rows, { ...opts, seed: 43 }).pooled.estimate).not.toBe(a.pooled.estimate);
  });
});

describe('subgroupAnalysis and Hedges g', () => {
  it('estimates the arm x stratum interaction and the ITT within each level', () => {
    const rows = dataRows('schools1500.csv');
    const res = subgroupAnalysis(rows, { outcome: 'y', arm: 'arm', cluster: 'school', baseline: 'base', subgroup: 'stratum' });
    expect(res.interactions.map((c) => c.name)).toEqual(['arm:stratum=s2', 'arm:stratum=s3', 'arm:stratum=s4']);
    expect(res.byLevel).toHaveLength(4);
    expect(res.byLevel.every((l) => l.result !== null && Number.isFinite(l.result.estimate))).toBe(true);
    expect(res.notes[0]).toMatch(/Exploratory/);
  });
  it("Hedges' g applies J = 1 - 3/(4m - 1) to the pooled SD", () => {
    // constructed: sd 2 in both arms, n 10 + 10 -> m = 18, J = 1 - 3/71
    const g = hedgesG(1, [0, 2], { sdTreated: 2, nTreated: 10, sdControl: 2, nControl: 10 });
    expectClose(g.value, (1 - 3 / 71) / 2, 1e-14, 'g');
    const itt = ittAnalysis(dataRows('la10.csv'), { outcome: 'y', arm: 'arm', cluster: 'la', effectSize: 'hedges' });
    expect(itt.effect_size.kind).toBe('hedges_g');
    expect(itt.notes.join(' ')).toMatch(/Hedges' g/);
  });
});
