// Randomisation inference (issue 15): the trial's own allocation procedure re-run with set.seed(seed + b), or every allocation enumerated, against an R loop over the same re-randomisations.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { runCli } from '../../server/cli';
import { rerandomisationDesign } from '../../server/domain/randomisation/rerandomise';
import { ArmRefit } from '../../reports/stats/arm-refit';
import { cr2Variance, weightedLeastSquares } from '../../reports/stats';
import { seededRandom } from '../../reports/stats/random';
import { dataRows, expectClose, fixtureDir } from './r-fixtures';

const R = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'analysis-fixtures.json'), 'utf8')).permutation;
async function run(args: string[]) {
  let out = '', err = '';
  const code = await runCli(args, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, isTTY: false }, {});
  return { code, out, err };
}
const data = (f: string) => path.join(fixtureDir, 'data', f);

describe('the allocation procedures re-run as R re-runs them', () => {
  it('stratified and niesr-fsm-median with seed 4242 reproduce the allocations R made for perm60.csv', () => {
    // R: alloc_stratified / alloc_fsm in make-analysis-fixtures.R (set.seed(4242); runif ...)
    const rows = dataRows('perm60.csv');
    const units = [...new Map(rows.map((r) => [r.urn, { id: r.urn, stratum: r.stratum, fsm: Number(r.fsm), arm: Number(r.arm), armFsm: Number(r.arm_fsm) }])).values()];
    const s = rerandomisationDesign(units, 'stratified'), f = rerandomisationDesign(units, 'niesr-fsm-median');
    const byId = new Map(units.map((u) => [u.id, u]));
    expect(Array.from(s.draw(4242))).toEqual(s.units.map((u) => byId.get(u.id)!.arm));
    expect(Array.from(f.draw(4242))).toEqual(f.units.map((u) => byId.get(u.id)!.armFsm));
  });
  it('enumeration lists each allocation once, and the draws only ever give enumerated allocations', () => {
    const units = Array.from({ length: 9 }, (_, i) => ({ id: `U${i}`, stratum: i < 5 ? 'x' : 'y', fsm: (i * 37) % 11 }));
    for (const method of ['stratified', 'niesr-fsm-median'] as const) {
      const d = rerandomisationDesign(units, method);
      const all = d.enumerate().map((a) => a.join(''));
      expect(new Set(all).size).toBe(all.length);
      expect(all.length).toBe(d.count());
      const seen = new Set(all);
      for (let s = 1; s <= 300; s++) expect(seen.has(d.draw(s).join(''))).toBe(true);
    }
  });
});

describe('the arm-only refit equals the full CR2 fit', () => {
  it('for small and large clusters, weighted and not', () => {
    const rng = seededRandom(5);
    for (const sizes of [[1, 2, 3, 4, 2, 3, 1, 2, 3, 3, 2, 1], [40, 55, 38, 61, 47, 50]]) {
      const cl: string[] = [], base: number[] = [], st: number[] = [], y: number[] = [], w: number[] = [], arm: number[] = [];
      sizes.forEach((n, g) => { for (let k = 0; k < n; k++) { cl.push(`g${g}`); base.push(rng.normal()); st.push(g % 3 === 0 ? 1 : 0); y.push(rng.normal() + g * 0.1); w.push(1 + Math.floor(rng.uniform() * 5)); arm.push(g % 2); } });
      const fixed = [{ name: '1', values: y.map(() => 1) }, { name: 'base', values: base }, { name: 'st', values: st }];
      for (const weights of [undefined, w]) {
        const refit = new ArmRefit(fixed, y, weights, cl);
        const full = weightedLeastSquares([...fixed, { name: 'arm', values: arm }], y, weights);
        const v = cr2Variance(full, cl);
        const got = refit.statistic(arm, 'cr2');
        expectClose(got.estimate, full.coefficients[3], 1e-10, 'estimate');
        expectClose(got.se, Math.sqrt(v.vcov[3][3]), 1e-10, 'CR2 se');
      }
    }
  });
});

describe('dslkit analyse --permutations against R', () => {
  it('10 LAs by region: exact enumeration of all 200 allocations, p exactly as R', async () => {
    // R: every allocation of alloc_stratified(LAs, region), clubSandwich coef_test(CR2)$tstat; p = 2/200
    const r = await run(['analyse', '--data', data('la10.csv'), '--outcome', 'y', '--arm', 'arm', '--cluster', 'la', '--baseline', 'base', '--strata', 'region', '--permutations', '10000', '--seed', '1', '--json']);
    expect(r.err).toBe('');
    const j = JSON.parse(r.out);
    expect(j.permutation.exact).toBe(true);
    expect(j.permutation.draws).toBe(R.la10_exact.allocations);
    expect(j.permutation.extreme).toBe(R.la10_exact.extreme);
    expect(j.permutation.p).toBe(R.la10_exact.extreme / R.la10_exact.allocations); // R's p is this ratio (jsonlite writes 15 digits)
    expectClose(j.permutation.observed_t, R.la10_exact.observed_t, 1e-10, 'observed t');
  });
  it('niesr-fsm-median on 13 schools: exact over all 1,400 allocations', async () => {
    // R: every allocation of alloc_fsm (two patterns of block sizes), clubSandwich CR2 t of arm in lm(y ~ base + arm)
    const r = await run(['analyse', '--data', data('perm13.csv'), '--outcome', 'y', '--arm', 'arm', '--cluster', 'urn', '--baseline', 'base', '--unit', 'dsl', '--permutations', '1000', '--seed', '5', '--design', 'niesr-fsm-median', '--fsm', 'fsm', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.permutation).toMatchObject({ exact: true, draws: R.perm13_fsm_exact.allocations, extreme: R.perm13_fsm_exact.extreme });
    expect(j.permutation.p).toBe(R.perm13_fsm_exact.extreme / R.perm13_fsm_exact.allocations);
    expectClose(j.permutation.p, R.perm13_fsm_exact.p, 1e-14, 'p');
  });
  const perm60 = ['analyse', '--data', data('perm60.csv'), '--outcome', 'y', '--cluster', 'urn', '--baseline', 'base', '--unit', 'dsl', '--permutations', '200', '--seed', '100', '--json'];
  it('60 schools, stratified: 200 re-randomisations with set.seed(100 + b), CR2 t, p to 1e-12 as the R loop', async () => {
    // R: for b in 1:200 alloc_stratified(schools, stratum, 100 + b); clubSandwich coef_test(CR2)$tstat
    const j = JSON.parse((await run([...perm60, '--arm', 'arm', '--strata', 'stratum', '--se', 'cr2'])).out);
    const m = R.perm60_stratified_cr2;
    expect(j.permutation.exact).toBe(false);
    expect(j.permutation.draws).toBe(200);
    expect(j.permutation.extreme).toBe(m.extreme);
    expectClose(j.permutation.p, m.p, 1e-12, 'p');
    expectClose(j.permutation.observed_t, m.observed_t, 1e-10, 'observed t');
  });
  it('the same with CR1 (estimatr se_type = "stata"), and niesr-fsm-median re-runs', async () => {
    // R: estimatr lm_robust(clusters = urn, se_type = "stata") t over the same 200 re-randomisations
    const a = JSON.parse((await run([...perm60, '--arm', 'arm', '--strata', 'stratum', '--se', 'cr1'])).out);
    expect(a.permutation.extreme).toBe(R.perm60_stratified_cr1.extreme);
    expectClose(a.permutation.p, R.perm60_stratified_cr1.p, 1e-12, 'p (CR1)');
    // R: for b in 1:200 alloc_fsm(schools, fsm, 100 + b); lm_robust(y ~ base + arm) CR1 t
    const f = JSON.parse((await run([...perm60, '--arm', 'arm_fsm', '--se', 'cr1', '--design', 'niesr-fsm-median', '--fsm', 'fsm'])).out);
    expect(f.permutation.extreme).toBe(R.perm60_fsm_cr1.extreme);
    expectClose(f.permutation.p, R.perm60_fsm_cr1.p, 1e-12, 'p (niesr-fsm-median)');
  });
  it('prints the permutation p with its method in the table, and refuses bad settings', async () => {
    const t = await run(perm60.filter((a) => a !== '--json').concat(['--arm', 'arm', '--strata', 'stratum']));
    expect(t.out).toMatch(/Randomisation inference: 200 re-runs of the stratified procedure/);
    expect(t.out).toMatch(/Permutation p = 0\.\d+/);
    expect((await run([...perm60, '--arm', 'arm', '--permutations', '0'])).err).toMatch(/--permutations "0" must be a whole number at least 1/);
    expect((await run([...perm60.filter((a) => a !== '--seed' && a !== '100'), '--arm', 'arm'])).err).toMatch(/--permutations needs --seed/);
    expect((await run([...perm60, '--arm', 'arm', '--design', 'niesr-fsm-median'])).err).toMatch(/niesr-fsm-median needs --fsm/);
  });
});

describe('the CR1 fit with strata absorbed (Frisch-Waugh-Lovell) equals the fit with dummies', () => {
  it('matches estimatr lm_robust(se_type = "stata") on schools1500 expanded by w (frequency weights)', async () => {
    // R: lm_robust(y ~ base + factor(stratum) + arm, expansion of schools1500 by w, clusters = school, se_type = "stata") (make-fixtures.R)
    const { absorbedCr1 } = await import('../../reports/stats/absorbed-cr1');
    const { fixtures } = await import('./r-fixtures');
    const rows = dataRows('schools1500.csv').filter((r) => r.y !== 'NA');
    const r = absorbedCr1([rows.map((x) => Number(x.base))], rows.map((x) => Number(x.arm)), rows.map((x) => Number(x.y)), rows.map((x) => x.stratum), rows.map((x) => x.school), rows.map((x) => Number(x.w)));
    const m = fixtures.models.schools1500_frequency_cr1;
    const i = m.terms.indexOf('arm');
    expectClose(r.estimate, m.estimate[i], 1e-10, 'estimate');
    expectClose(r.se, m.se[i], 1e-10, 'CR1 se');
    expect(r.df).toBe(m.df[i]);
  });
});

describe('--allocation: the method and strata from the file dslkit randomise wrote', () => {
  it('re-runs the recorded procedure and agrees with --design given by hand', async () => {
    const os = await import('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dslkit-alloc-'));
    const rows = dataRows('perm60.csv');
    const schools = [...new Map(rows.map((r) => [r.urn, r])).values()];
    const gias = path.join(dir, 'schools.csv'), alloc = path.join(dir, 'allocation.csv');
    fs.writeFileSync(gias, 'URN,band\n' + schools.map((s) => `${s.urn},${s.stratum}`).join('\n') + '\n');
    const made = await run(['randomise', gias, '--seed', '4242', '--strata', 'band', '--out', alloc]);
    expect(made.code).toBe(0);
    // the allocation file reproduces perm60's arms (both are alloc_stratified with seed 4242)
    const text = fs.readFileSync(alloc, 'utf8');
    for (const s of schools) expect(text).toMatch(new RegExp(`^${s.urn},[^\\n]*,${s.arm === '1' ? 'intervention' : 'control'}$`, 'm'));
    const args = ['analyse', '--data', data('perm60.csv'), '--outcome', 'y', '--arm', 'arm', '--cluster', 'urn', '--baseline', 'base', '--strata', 'stratum', '--unit', 'dsl', '--se', 'cr2', '--permutations', '200', '--seed', '100', '--json'];
    const withFile = JSON.parse((await run([...args, '--allocation', alloc])).out);
    expect(withFile.permutation.method).toBe('stratified');
    expect(withFile.permutation.extreme).toBe(R.perm60_stratified_cr2.extreme);
  });
});
