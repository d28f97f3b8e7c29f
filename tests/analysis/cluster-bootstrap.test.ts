// Cluster bootstrap (clusters resampled within strata with R's Mersenne Twister) against the same resamples in R: percentile and BCa intervals.
import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { clusterBootstrap } from '../../reports/analysis/cluster-bootstrap';
import { RMersenneTwister } from '../../server/domain/randomisation/mersenne-twister';
import { runCli } from '../../server/cli';
import { dataRows, expectClose, fixtureDir } from './r-fixtures';

const R = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'analysis-fixtures.json'), 'utf8')).bootstrap;
const mt = (seed: number) => { const g = new RMersenneTwister(seed); return () => g.unifRand(); };

describe('cluster bootstrap against R on the same resamples (make-analysis-fixtures.R boot_cluster)', () => {
  it('DSLs in 300 schools within 2 regions: percentile and BCa', () => {
    // R: set.seed(7); 400 x (within each region: schools[floor(m * runif(m)) + 1]); coef(lm(y ~ base + factor(region) + arm))
    const m = R.mlm_dsl;
    const r = clusterBootstrap(dataRows('mlm-dsl.csv'), { outcome: 'y', arm: 'arm', cluster: 'school', baseline: 'base', strata: ['region'] }, { draws: 400, uniform: mt(7), seedNote: 'set.seed(7)' });
    expectClose(r.itt.estimate, m.estimate, 1e-10, 'estimate');
    expect(r.bootstrap.draws).toBe(m.draws);
    expectClose(r.bootstrap.percentile[0], m.percentile[0], 1e-10, 'percentile low');
    expectClose(r.bootstrap.percentile[1], m.percentile[1], 1e-10, 'percentile high');
    expectClose(r.bootstrap.acceleration, m.acceleration, 1e-8, 'acceleration');
    expectClose(r.bootstrap.bias_correction_z0!, m.z0, 1e-10, 'z0');
    expectClose(r.bootstrap.bca![0], m.bca[0], 1e-10, 'BCa low');
    expectClose(r.bootstrap.bca![1], m.bca[1], 1e-10, 'BCa high');
  });
  it('school rows in 10 LAs with frequency weights', () => {
    // R: set.seed(11); lm(y ~ base + factor(region) + treat, weights = pupils) on LAs resampled within region
    const m = R.la10_weighted;
    const r = clusterBootstrap(dataRows('la10.csv'), { outcome: 'y', arm: 'arm', cluster: 'la', baseline: 'base', strata: ['region'], weight: 'pupils' }, { draws: 400, uniform: mt(11), seedNote: 'set.seed(11)' });
    expect(r.bootstrap.failed).toBe(m.failed); // R: coef NA when a resample puts one arm in each region
    expect(r.bootstrap.draws).toBe(m.draws);
    expectClose(r.bootstrap.percentile[0], m.percentile[0], 1e-10, 'percentile low');
    expectClose(r.bootstrap.percentile[1], m.percentile[1], 1e-10, 'percentile high');
    expectClose(r.bootstrap.bca![0], m.bca[0], 1e-9, 'BCa low');
    expectClose(r.bootstrap.bca![1], m.bca[1], 1e-9, 'BCa high');
  });
  it('dslkit analyse --bootstrap 400 --seed 7 --json has bootstrap.percentile and bootstrap.bca', async () => {
    let out = '', err = '';
    const code = await runCli(['analyse', '--data', path.join(fixtureDir, 'data', 'mlm-dsl.csv'), '--outcome', 'y', '--arm', 'arm', '--cluster', 'school', '--baseline', 'base', '--strata', 'region', '--unit', 'dsl', '--bootstrap', '400', '--seed', '7', '--json'],
      { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, isTTY: false }, {});
    expect(err).toBe('');
    expect(code).toBe(0);
    const j = JSON.parse(out);
    expectClose(j.bootstrap.bca[1], R.mlm_dsl.bca[1], 1e-10, 'BCa high');
    expect(j.bootstrap.method).toMatch(/400 resamples of the \d+ clusters with replacement within the 2 strata \(set.seed\(7\)/);
  });
});
