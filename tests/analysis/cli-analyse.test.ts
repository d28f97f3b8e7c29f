// `dslkit analyse` and `dslkit mdes` run in-process: the JSON contract of issue 4 and one clear sentence per bad input.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { runCli } from '../../server/cli';
import { fixtureDir, fixtures, expectClose } from './r-fixtures';

async function run(args: string[]) {
  let out = '', err = '';
  const code = await runCli(args, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, isTTY: false }, {});
  return { code, out, err };
}
const la10 = path.join(fixtureDir, 'data', 'la10.csv');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dslkit-analyse-'));
function csv(name: string, text: string) { const f = path.join(tmp, name); fs.writeFileSync(f, text); return f; }

describe('dslkit analyse', () => {
  it('--json prints the contract keys and matches R (CR2, 10 clusters, frequency weights)', async () => {
    // R clubSandwich coef_test(CR2, Satterthwaite) on the pupil-level expansion of la10
    const r = await run(['analyse', '--data', la10, '--outcome', 'y', '--arm', 'arm', '--cluster', 'la', '--baseline', 'base', '--strata', 'region', '--weight', 'pupils', '--se', 'cr2', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    for (const k of ['n', 'clusters', 'estimate', 'se', 'df', 't', 'p', 'ci', 'control_mean', 'treatment_mean', 'control_sd', 'effect_size', 'dropped']) expect(j).toHaveProperty(k);
    expect(j.effect_size).toHaveProperty('glass_delta');
    expect(j.effect_size.ci).toHaveLength(2);
    const m = fixtures.models.la10_frequency_cr2;
    expectClose(j.se, m.se[3], 1e-8, 'se');
    expectClose(j.df, m.df[3], 1e-8, 'df');
    expect(JSON.stringify(j)).not.toMatch(/NaN|null,"se"/);
  });
  it('prints a readable table without --json', async () => {
    const r = await run(['analyse', '--data', la10, '--outcome', 'y', '--arm', 'arm', '--cluster', 'la', '--se', 'cr1']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Intention-to-treat analysis of y/);
    expect(r.out).toMatch(/Glass's delta/);
    expect(r.out).toMatch(/df = 9/);
  });
  it('accepts --dosage and labels it exploratory', async () => {
    const f = csv('dose.csv', 'id,arm,y,dose\n' + Array.from({ length: 40 }, (_, i) => `${i},${i % 2},${(i * 7) % 11},${i % 2 ? ((i % 4) + 1) / 4 : 0}`).join('\n') + '\n');
    const r = await run(['analyse', '--data', f, '--outcome', 'y', '--arm', 'arm', '--cluster', 'id', '--dosage', 'dose', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.term).toBe('dosage');
    expect(j.exploratory).toBe(true);
  });

  const bad: Array<[string, string, string[], RegExp]> = [
    ['unknown column', 'id,arm,y\n1,0,1\n2,1,2\n3,0,3\n4,1,4\n', ['--outcome', 'score'], /^The outcome column "score" is not in the data \(columns: id, arm, y\)\.\n$/],
    ['non-numeric value', 'id,arm,y\n1,0,1\n2,1,abc\n3,0,3\n4,1,4\n', [], /line 3: the outcome column "y" has the non-numeric value "abc"\.\n$/],
    ['one arm empty', 'id,arm,y\n1,0,1\n2,0,2\n3,0,3\n4,0,4\n', [], /^The intervention arm has no rows with an outcome, so the arms cannot be compared\.\n$/],
    ['a single cluster', 'id,arm,y\n1,0,1\n1,1,2\n1,0,3\n1,1,4\n', [], /^Only one cluster \("1"\) has data, and cluster-robust standard errors need at least two\.\n$/],
    ['collinear arm', 'id,arm,y,block\n1,0,1,a\n2,1,2,b\n3,0,3,a\n4,1,4,b\n', ['--strata', 'block'], /^The arm "arm" is collinear with the other covariates \(baseline or strata\), so its effect cannot be estimated\.\n$/],
    ['bad arm value', 'id,arm,y\n1,0,1\n2,maybe,2\n', [], /line 3: the arm column "arm" has the value "maybe", but it must be 0\/1 or control\/intervention\.\n$/],
  ];
  for (const [what, text, extra, message] of bad) {
    it(`bad input (${what}): one sentence, exit 1, no stack trace`, async () => {
      const f = csv(`${what.replace(/\W+/g, '-')}.csv`, text);
      const args = ['analyse', '--data', f, '--outcome', 'y', '--arm', 'arm', '--cluster', 'id', ...extra];
      const i = extra.indexOf('--outcome');
      if (i >= 0) args.splice(args.indexOf('--outcome'), 2);
      const r = await run(args);
      expect(r.code).toBe(1);
      expect(r.out).toBe('');
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).not.toMatch(/NaN|at .*\.ts:/);
    });
  }
  it('usage errors exit 2', async () => {
    expect((await run(['analyse', '--data', la10, '--outcome', 'y', '--arm', 'arm'])).code).toBe(2);
    expect((await run(['analyse', '--data', la10, '--outcome', 'y', '--arm', 'arm', '--cluster', 'la', '--se', 'hc3'])).err).toMatch(/--se must be auto, cr1 or cr2/);
  });
});

describe('dslkit mdes', () => {
  it('reproduces the Bolton MDES table (0.10 and 0.06)', async () => {
    // Bolton report MDES table: J = 94, P = 0.5, alpha 0.05, power 0.8
    const a = JSON.parse((await run(['mdes', '--clusters', '94', '--cluster-size', '325', '--icc', '0.05', '--r2-cluster', '0.5', '--json'])).out);
    expect(a.mdes.toFixed(2)).toBe('0.10');
    const b = await run(['mdes', '--clusters', '94', '--cluster-size', '291', '--icc', '0.01', '--r2-cluster', '0.2']);
    expect(b.out).toMatch(/MDES with 94 clusters of 291: 0\.06\d SD/);
  });
  it('--target gives the smallest number of clusters', async () => {
    const r = JSON.parse((await run(['mdes', '--target', '0.1', '--cluster-size', '325', '--icc', '0.05', '--r2-cluster', '0.5', '--json'])).out);
    expect(r.mdes).toBeLessThanOrEqual(0.1);
    expect(r.clusters).toBeLessThan(94);
  });
  it('rejects bad settings with one sentence', async () => {
    const r = await run(['mdes', '--clusters', '94', '--cluster-size', '325', '--icc', '1.5']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--icc "1.5" must be a number at least 0 and at most 1/);
    expect((await run(['mdes', '--cluster-size', '325', '--icc', '0.05'])).err).toMatch(/exactly one of --clusters or --target/);
  });
});
