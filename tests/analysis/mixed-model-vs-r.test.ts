// Linear mixed models against lme4::lmer and lmerTest (REML and ML, two and three levels), Kenward–Roger against pbkrtest, EEF effect sizes and ICC, and `dslkit analyse --model mlm`.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { mixedModelItt } from '../../reports/analysis/mixed-model-itt';
import { runCli } from '../../server/cli';
import { dataRows, expectClose, fixtureDir } from './r-fixtures';

const R = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'analysis-fixtures.json'), 'utf8'));
const dsl = dataRows('mlm-dsl.csv');
const la10 = dataRows('la10.csv');
const TOL = 1e-6; // issue 15: lme4 to 1e-6 relative

function expectMatchesLmer(res: ReturnType<typeof mixedModelItt>, m: any, armTerm: string) {
  expectClose(res.estimate, m.fixef[armTerm], TOL, `${m.call}: arm`);
  expectClose(res.se, m.se[armTerm], TOL, 'se');
  expectClose(res.df, m.df_satterthwaite[armTerm], TOL, 'Satterthwaite df (lmerTest)');
  expectClose(res.p, m.p_satterthwaite[armTerm], TOL, 'p');
  expectClose(res.loglik, m.loglik, TOL, 'logLik');
  expectClose(res.loglik_unconditional, m.null_loglik, TOL, 'logLik of the null model');
  for (const [k, v] of Object.entries(m.variance)) expectClose(res.variance[k], v as number, TOL, `variance ${k}`);
  for (const [k, v] of Object.entries(m.null_variance)) expectClose(res.variance_unconditional[k], v as number, TOL, `unconditional variance ${k}`);
  for (const [k, v] of Object.entries(m.fixef)) {
    const name = k === armTerm ? 'arm' : k === 'factor(region)south' ? 'region=south' : k;
    expectClose(res.coefficients.find((c) => c.name === name)!.estimate, v as number, TOL, `fixef ${k}`);
  }
  expect(res.n).toBe(m.nobs);
  for (const [key, es] of [['hedges_g_total', res.effect_size.hedges_g_total], ['hedges_g_within', res.effect_size.hedges_g_within],
    ['hedges_g_total_conditional', res.effect_size.conditional.hedges_g_total], ['hedges_g_within_conditional', res.effect_size.conditional.hedges_g_within]] as const) {
    expectClose(es.value, m[key].value, TOL, key);
    expectClose(es.ci[0], m[key].ci[0], TOL, `${key} ci low`);
    expectClose(es.ci[1], m[key].ci[1], TOL, `${key} ci high`);
  }
}

const dslOpts = { outcome: 'y', arm: 'arm', cluster: 'school', baseline: 'base', strata: ['region'] };

describe('mixed model against lme4 1.1-31 / lmerTest 3.1-3 (fixtures: make-analysis-fixtures.R)', () => {
  it('two levels (DSLs in schools), REML', () => {
    // R: lmerTest::lmer(y ~ arm + base + factor(region) + (1 | school), REML = TRUE); null model y ~ 1 + (1 | school)
    expectMatchesLmer(mixedModelItt(dsl, { ...dslOpts, levels: ['school'] }), R.mlm.two_level_reml, 'arm');
  });
  it('two levels, ML', () => {
    // R: lmerTest::lmer(..., REML = FALSE)
    const res = mixedModelItt(dsl, { ...dslOpts, levels: ['school'], reml: false });
    expect(res.method).toBe('ML');
    expectMatchesLmer(res, R.mlm.two_level_ml, 'arm');
  });
  it('three levels (DSLs in schools in LAs), REML and ML', () => {
    // R: lmerTest::lmer(y ~ arm + base + factor(region) + (1 | la) + (1 | school)), school ids unique so = (1 | la/school)
    expectMatchesLmer(mixedModelItt(dsl, { ...dslOpts, levels: ['school', 'la'] }), R.mlm.three_level_reml, 'arm');
    expectMatchesLmer(mixedModelItt(dsl, { ...dslOpts, levels: ['school', 'la'], reml: false }), R.mlm.three_level_ml, 'arm');
  });
  it('school rows in 10 LAs (two levels, arm at the LA level: few groups, small Satterthwaite df)', () => {
    // R: lmerTest::lmer(y ~ treat + base + factor(region) + (1 | la), la10, REML = TRUE)
    const res = mixedModelItt(la10, { outcome: 'y', arm: 'arm', cluster: 'la', baseline: 'base', strata: ['region'], levels: ['la'] });
    expectMatchesLmer(res, R.mlm.la10_reml, 'treat');
    expect(res.df).toBeLessThan(10);
  });
  it('agrees with lmer under its default optimiser settings to the accuracy lme4 itself reaches', () => {
    // R: lmerTest::lmer(y ~ arm + base + factor(region) + (1 | school)) with default lmerControl()
    const res = mixedModelItt(dsl, { ...dslOpts, levels: ['school'] });
    const m = R.mlm.default_control;
    expectClose(res.estimate, m.fixef.arm, 1e-6, 'arm');
    expectClose(res.loglik, m.loglik, 1e-9, 'logLik');
    expectClose(res.variance.school, m.variance.school, 1e-4, 'school variance (default bobyqa stops early)');
  });
  it('ICC with its CI by Searle\'s F method', () => {
    // R: anova(lm(y ~ factor(school))) -> F, n0; CI ((F/qf(.975) - 1)/(n0 + F/qf(.975) - 1), same with qf(.025))
    const res = mixedModelItt(dsl, { ...dslOpts, levels: ['school'] });
    const m = R.mlm.two_level_reml;
    expectClose(res.icc.school.unconditional, m.null_variance.school / (m.null_variance.school + m.null_variance.residual), TOL, 'ICC (null model)');
    expectClose(res.icc.school.ci![0], R.icc_searle.lower, 1e-9, 'ICC CI low');
    expectClose(res.icc.school.ci![1], R.icc_searle.upper, 1e-9, 'ICC CI high');
  });
  it('refuses what it cannot fit, in one sentence', () => {
    expect(() => mixedModelItt(dsl, { ...dslOpts, levels: ['la', 'school'] })).toThrow(/levels must be nested: la "LA01" is in both/);
    expect(() => mixedModelItt(la10, { outcome: 'y', arm: 'arm', cluster: 'la', weight: 'pupils', levels: ['la'] })).toThrow(/does not take weights/);
    expect(() => mixedModelItt(dsl, { ...dslOpts, levels: ['trust'] })).toThrow(/The level column "trust" is not in the data/);
  });
});

function expectMatchesKr(res: ReturnType<typeof mixedModelItt>, m: any, armTerm: string) {
  const kr = m.kenward_roger;
  expect(res.df_method).toBe('kenward-roger');
  expect(res.se_method).toBe('kenward-roger');
  expectClose(res.se, kr.se[armTerm], TOL, `${m.call}: Kenward-Roger adjusted SE (pbkrtest::vcovAdj)`);
  expectClose(res.df, kr.df[armTerm], TOL, 'Kenward-Roger df (pbkrtest::Lb_ddf)');
  expectClose(res.p, kr.p[armTerm], TOL, 'p');
  expectClose(res.se_unadjusted!, kr.se_unadjusted[armTerm], TOL, 'unadjusted SE');
  expectClose(res.ci[0], kr.arm_ci[0], TOL, 'CI low');
  expectClose(res.ci[1], kr.arm_ci[1], TOL, 'CI high');
  for (const k of Object.keys(kr.se)) {
    const name = k === armTerm ? 'arm' : k === 'factor(region)south' ? 'region=south' : k;
    const c = res.coefficients.find((x) => x.name === name)!;
    expectClose(c.se, kr.se[k], TOL, `KR se ${k}`);
    expectClose(c.df, kr.df[k], TOL, `KR df ${k}`);
    expectClose(c.p, kr.p[k], TOL, `KR p ${k}`);
  }
}

describe('Kenward-Roger against pbkrtest 0.5.2 (lmerTest summary(fit, ddf = "Kenward-Roger"); fixtures: make-analysis-fixtures.R)', () => {
  const kr = { df: 'kenward-roger' as const };
  it('two levels (DSLs in schools), REML: adjusted SE, df and p of every coefficient', () => {
    // R: summary(lmerTest::lmer(y ~ arm + base + factor(region) + (1 | school), REML = TRUE), ddf = "Kenward-Roger")
    expectMatchesKr(mixedModelItt(dsl, { ...dslOpts, ...kr, levels: ['school'] }), R.mlm.two_level_reml, 'arm');
  });
  it('three levels (DSLs in schools in LAs), REML', () => {
    // R: summary(lmerTest::lmer(y ~ arm + base + factor(region) + (1 | la) + (1 | school), REML = TRUE), ddf = "Kenward-Roger")
    const res = mixedModelItt(dsl, { ...dslOpts, ...kr, levels: ['school', 'la'] });
    expectMatchesKr(res, R.mlm.three_level_reml, 'arm');
    // the region contrast lies between 12 LAs: KR's df are those of the LA level, not of the DSLs
    expect(res.coefficients.find((c) => c.name === 'region=south')!.df).toBeLessThan(11);
  });
  it('school rows in 10 LAs (arm at the LA level, few groups: KR df about 7)', () => {
    // R: summary(lmerTest::lmer(y ~ treat + base + factor(region) + (1 | la), la10, REML = TRUE), ddf = "Kenward-Roger")
    const res = mixedModelItt(la10, { outcome: 'y', arm: 'arm', cluster: 'la', baseline: 'base', strata: ['region'], levels: ['la'], ...kr });
    expectMatchesKr(res, R.mlm.la10_reml, 'treat');
    expect(res.se).toBeGreaterThan(res.se_unadjusted!);
  });
  it('a school variance estimated at 0 (the boundary): Kenward-Roger and Satterthwaite still equal R', () => {
    // R: lmerTest::lmer(y ~ arm + base + (1 | school), mlm-boundary, REML = TRUE) gives theta = 0; summary(ddf = "Kenward-Roger")
    const rows = dataRows('mlm-boundary.csv'), m = R.mlm.boundary_reml;
    const opts = { outcome: 'y', arm: 'arm', cluster: 'school', baseline: 'base', levels: ['school'] };
    const res = mixedModelItt(rows, { ...opts, ...kr });
    expect(m.theta).toBe(0);
    expect(res.variance.school).toBeLessThan(1e-10 * res.variance.residual);
    expect(res.notes.join(' ')).toMatch(/school variance is estimated at 0/);
    for (const k of ['(Intercept)', 'arm', 'base']) {
      const c = res.coefficients.find((x) => x.name === k)!;
      expectClose(c.se, m.kenward_roger.se[k], TOL, `KR se ${k}`);
      expectClose(c.df, m.kenward_roger.df[k], TOL, `KR df ${k}`);
    }
    const satt = mixedModelItt(rows, opts);
    for (const k of ['(Intercept)', 'arm', 'base']) {
      const c = satt.coefficients.find((x) => x.name === k)!;
      expectClose(c.se, m.se[k], TOL, `se ${k}`);
      expectClose(c.df, m.df_satterthwaite[k], TOL, `Satterthwaite df ${k}`);
    }
  });
  it('the default stays Satterthwaite with the model SE', () => {
    const res = mixedModelItt(dsl, { ...dslOpts, levels: ['school'] });
    expect(res.df_method).toBe('satterthwaite');
    expect(res.se_method).toBe('model');
    expect(res.se_unadjusted).toBeUndefined();
  });
  it('refuses Kenward-Roger on a maximum-likelihood fit', () => {
    expect(() => mixedModelItt(dsl, { ...dslOpts, ...kr, levels: ['school'], reml: false })).toThrow(/Kenward–Roger degrees of freedom are defined for REML fits/);
  });
});

describe('dslkit analyse --model mlm', () => {
  async function run(args: string[]) {
    let out = '', err = '';
    const code = await runCli(args, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, isTTY: false }, {});
    return { code, out, err };
  }
  const file = path.join(fixtureDir, 'data', 'mlm-dsl.csv');
  it('--levels school,la --json gives the OLS keys plus variance, icc, loglik and the EEF effect sizes', async () => {
    // R: lmerTest::lmer(y ~ arm + base + factor(region) + (1 | la) + (1 | school), REML = TRUE)
    const r = await run(['analyse', '--data', file, '--outcome', 'y', '--arm', 'arm', '--cluster', 'school', '--baseline', 'base', '--strata', 'region', '--model', 'mlm', '--levels', 'school,la', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    const m = R.mlm.three_level_reml;
    for (const k of ['estimate', 'se', 'df', 'p', 'ci', 'variance', 'icc', 'loglik', 'effect_size']) expect(j).toHaveProperty(k);
    expect(Object.keys(j.variance).sort()).toEqual(['la', 'residual', 'school']);
    expectClose(j.se, m.se.arm, TOL, 'se');
    expectClose(j.df, m.df_satterthwaite.arm, TOL, 'df');
    expectClose(j.variance.la, m.variance.la, TOL, 'la variance');
    expectClose(j.loglik, m.loglik, TOL, 'loglik');
    expectClose(j.effect_size.hedges_g_total.value, m.hedges_g_total.value, TOL, 'g total');
    expect(j.effect_size.hedges_g_within.ci).toHaveLength(2);
  });
  it('--df kr --json: Kenward-Roger df and adjusted SE, with the method named', async () => {
    // R: summary(lmerTest::lmer(y ~ arm + base + factor(region) + (1 | la) + (1 | school), REML = TRUE), ddf = "Kenward-Roger")
    const r = await run(['analyse', '--data', file, '--outcome', 'y', '--arm', 'arm', '--cluster', 'school', '--baseline', 'base', '--strata', 'region', '--model', 'mlm', '--levels', 'school,la', '--df', 'kr', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    const kr = R.mlm.three_level_reml.kenward_roger;
    expect(j.df_method).toBe('kenward-roger');
    expect(j.se_method).toBe('kenward-roger');
    expectClose(j.df, kr.df.arm, TOL, 'KR df');
    expectClose(j.se, kr.se.arm, TOL, 'KR adjusted SE');
    expectClose(j.se_unadjusted, kr.se_unadjusted.arm, TOL, 'model SE');
    const table = await run(['analyse', '--data', file, '--outcome', 'y', '--arm', 'arm', '--cluster', 'school', '--baseline', 'base', '--strata', 'region', '--model', 'mlm', '--df', 'kr']);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/Kenward-Roger adjusted; model SE .*Kenward-Roger df = /);
  });
  it('--ml with --df kr, a bad --df, and --df without --model mlm are usage errors that name the fix', async () => {
    const base = ['analyse', '--data', file, '--outcome', 'y', '--arm', 'arm', '--cluster', 'school', '--baseline', 'base'];
    const ml = await run([...base, '--model', 'mlm', '--ml', '--df', 'kr']);
    expect(ml.code).toBe(2);
    expect(ml.out).toBe('');
    expect(ml.err).toMatch(/Kenward-Roger degrees of freedom are defined for REML fits; drop --ml/);
    const bad = await run([...base, '--model', 'mlm', '--df', 'containment']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--df must be satterthwaite or kr/);
    const ols = await run([...base, '--df', 'kr']);
    expect(ols.code).toBe(2);
    expect(ols.err).toMatch(/--levels, --ml and --df belong to --model mlm/);
  });
  it('prints a readable table, and --ml fits by maximum likelihood', async () => {
    const r = await run(['analyse', '--data', file, '--outcome', 'y', '--arm', 'arm', '--cluster', 'school', '--baseline', 'base', '--strata', 'region', '--model', 'mlm', '--ml']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Linear mixed model \(ML\)/);
    expect(r.out).toMatch(/Hedges' g \(total variance\)/);
    expect(r.out).toMatch(/ICC school/);
  });
});
