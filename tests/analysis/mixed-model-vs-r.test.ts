// Linear mixed models against lme4::lmer and lmerTest (REML and ML, two and three levels), EEF effect sizes and ICC, and `dslkit analyse --model mlm`.
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
  it('prints a readable table, and --ml fits by maximum likelihood', async () => {
    const r = await run(['analyse', '--data', file, '--outcome', 'y', '--arm', 'arm', '--cluster', 'school', '--baseline', 'base', '--strata', 'region', '--model', 'mlm', '--ml']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Linear mixed model \(ML\)/);
    expect(r.out).toMatch(/Hedges' g \(total variance\)/);
    expect(r.out).toMatch(/ICC school/);
  });
});
