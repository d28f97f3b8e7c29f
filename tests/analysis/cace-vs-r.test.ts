// CACE by two-stage least squares (arm instruments receipt of at least k sessions, or sessions as a dose) against R estimatr::iv_robust, CR1 and CR2.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { caceAnalysis } from '../../reports/analysis/cace';
import { runCli } from '../../server/cli';
import { dataRows, expectClose, fixtureDir } from './r-fixtures';

const R = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'analysis-fixtures.json'), 'utf8')).cace;
const rows = dataRows('cace.csv');
const base = { outcome: 'y', arm: 'arm', cluster: 'school', baseline: 'base', strata: ['stratum'], received: 'sessions' };
function expectIv(res: { estimate: number; se: number; df: number; p: number; ci: [number, number] }, m: any) {
  expectClose(res.estimate, m.estimate, 1e-8, `${m.call} estimate`);
  expectClose(res.se, m.se, 1e-8, 'se');
  expectClose(res.df, m.df, 1e-8, 'df');
  expectClose(res.p, m.p, 1e-8, 'p');
  expectClose(res.ci[0], m.ci[0], 1e-8, 'ci low');
  expectClose(res.ci[1], m.ci[1], 1e-8, 'ci high');
}

describe('CACE against estimatr::iv_robust (make-analysis-fixtures.R)', () => {
  it('received at least 3 sessions, CR1 (se_type = "stata")', () => {
    // R: iv_robust(y ~ base + factor(stratum) + took3 | base + factor(stratum) + arm, clusters = school, se_type = "stata")
    const r = caceAnalysis(rows, { ...base, threshold: 3, se: 'cr1' });
    expectIv(r, R.threshold3_cr1);
    expect(r.threshold).toBe(3);
    expect(r.receipt_by_arm.control).toBe(0);
  });
  it('received at least 3 sessions, CR2', () => {
    // R: iv_robust(..., se_type = "CR2")
    expectIv(caceAnalysis(rows, { ...base, threshold: 3, se: 'cr2' }), R.threshold3_cr2);
  });
  it('sessions as a continuous dose, CR1 and CR2', () => {
    // R: iv_robust(y ~ base + factor(stratum) + sessions | base + factor(stratum) + arm, se_type = "stata" / "CR2")
    expectIv(caceAnalysis(rows, { ...base, se: 'cr1' }), R.dose_cr1);
    expectIv(caceAnalysis(rows, { ...base, se: 'cr2' }), R.dose_cr2);
  });
  it('refuses receipt that does not differ by arm, and blanks', () => {
    const same = rows.map((r) => ({ ...r, sessions: '2' }));
    expect(() => caceAnalysis(same, { ...base, threshold: 1 })).toThrow(/Receipt does not differ between the arms/);
    const blank = rows.map((r, i) => (i === 4 ? { ...r, sessions: '' } : r));
    expect(() => caceAnalysis(blank, { ...base, rowLabels: rows.map((_, i) => `cace.csv: line ${i + 2}`) })).toThrow(/line 6: the received column "sessions" is blank/);
  });
});

describe('dslkit analyse --received', () => {
  it('--json has a cace object beside the ITT estimate', async () => {
    let out = '', err = '';
    const code = await runCli(['analyse', '--data', path.join(fixtureDir, 'data', 'cace.csv'), '--outcome', 'y', '--arm', 'arm', '--cluster', 'school', '--baseline', 'base', '--strata', 'stratum',
      '--received', 'sessions', '--received-threshold', '3', '--se', 'cr1', '--unit', 'dsl', '--json'], { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, isTTY: false }, {});
    expect(err).toBe('');
    expect(code).toBe(0);
    const j = JSON.parse(out);
    expectClose(j.cace.estimate, R.threshold3_cr1.estimate, 1e-8, 'cace');
    expectClose(j.cace.se, R.threshold3_cr1.se, 1e-8, 'cace se');
    expect(j.cace.method).toMatch(/two-stage least squares/);
    expect(typeof j.estimate).toBe('number');
  });
});

describe('CACE with frequency weights (pupils) against iv_robust on the expanded rows (make-report-inference-fixtures.R)', () => {
  const W = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'report-inference-fixtures.json'), 'utf8')).cace_weighted;
  const weighted = dataRows('cace-weighted.csv');
  it('at least 3 sessions and sessions as a dose, CR1 (se_type = "stata", N = sum of weights)', () => {
    // R: iv_robust(y ~ base + factor(stratum) + took3 | base + factor(stratum) + arm, data = rows repeated pupils times, clusters = school, se_type = "stata")
    expectIv(caceAnalysis(weighted, { ...base, weight: 'pupils', threshold: 3, se: 'cr1' }), W.threshold3_cr1);
    expectIv(caceAnalysis(weighted, { ...base, weight: 'pupils', se: 'cr1' }), W.dose_cr1);
  });
  it('CR2 with weights and analytic weights are refused in a sentence', () => {
    expect(() => caceAnalysis(weighted, { ...base, weight: 'pupils', se: 'cr2' })).toThrow(/CR1 standard errors only/);
    expect(() => caceAnalysis(weighted, { ...base, weight: 'pupils', weightKind: 'analytic', se: 'cr1' })).toThrow(/frequency weights/);
  });
});
