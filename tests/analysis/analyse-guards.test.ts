// `dslkit analyse` guards of issue 11 ("No wrong answer without a word"): whole frequency weights, --aweight, --se auto,
// few-cluster and arm-within-cluster warnings, and refusing stacked (long) outcome files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { runCli } from '../../server/cli';
import { fixtureDir, expectClose } from './r-fixtures';

const R = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'analysis-fixtures.json'), 'utf8'));
async function run(args: string[]) {
  let out = '', err = '';
  const code = await runCli(args, { stdout: (t) => { out += t; }, stderr: (t) => { err += t; }, isTTY: false }, {});
  return { code, out, err };
}
const la10 = path.join(fixtureDir, 'data', 'la10.csv');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dslkit-guards-'));
function csv(name: string, text: string) { const f = path.join(tmp, name); fs.writeFileSync(f, text); return f; }
const la10Args = ['analyse', '--data', la10, '--outcome', 'y', '--arm', 'arm', '--cluster', 'la', '--baseline', 'base', '--strata', 'region'];

describe('frequency and analytic weights', () => {
  it('refuses non-integer --weight as frequency weights and points to --aweight', async () => {
    const text = fs.readFileSync(la10, 'utf8').split('\n').map((line, i) => (i === 3 ? line.replace(/,(\d),/, ',$1.5,') : line)).join('\n');
    const r = await run([...la10Args.map((a) => (a === la10 ? csv('fractional.csv', text) : a)), '--weight', 'pupils']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/line 4: the weight column "pupils" has the non-integer value \d\.5, but frequency weights .*whole numbers.*--aweight/);
  });
  it('--aweight with CR1 matches estimatr lm_robust(weights = pupils, se_type = "stata")', async () => {
    // R: estimatr::lm_robust(y ~ base + factor(region) + treat, weights = pupils, clusters = la, se_type = "stata")
    const j = JSON.parse((await run([...la10Args, '--aweight', 'pupils', '--se', 'cr1', '--json'])).out);
    const m = R.aweight.cr1;
    expectClose(j.estimate, m.Estimate, 1e-10, 'estimate');
    expectClose(j.se, m['Std. Error'], 1e-10, 'se');
    expectClose(j.p, m['Pr(>|t|)'], 1e-8, 'p');
    expect(j.n_effective).toBe(300);
    expect(j.notes.join(' ')).toMatch(/Analytic weights "pupils"/);
  });
  it('--aweight with CR2 matches estimatr lm_robust(weights = pupils, se_type = "CR2")', async () => {
    // R: estimatr::lm_robust(..., weights = pupils, clusters = la, se_type = "CR2")
    const j = JSON.parse((await run([...la10Args, '--aweight', 'pupils', '--se', 'cr2', '--json'])).out);
    const m = R.aweight.cr2;
    expectClose(j.se, m['Std. Error'], 1e-10, 'se');
    expectClose(j.df, m.DF, 1e-8, 'df');
    expectClose(j.ci[0], m['CI Lower'], 1e-8, 'ci low');
  });
  it('--weight and --aweight together are refused', async () => {
    const r = await run([...la10Args, '--weight', 'pupils', '--aweight', 'pupils']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/either --weight .* or --aweight/);
  });
});

describe('--se auto (the default)', () => {
  it('chooses CR2 with 10 clusters and says why', async () => {
    const r = await run([...la10Args, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.se_type).toBe('cr2');
    expect(j.se_choice.requested).toBe('auto');
    expect(j.se_choice.reason).toMatch(/10 clusters \(fewer than 40\)/);
    const t = await run(la10Args);
    expect(t.out).toMatch(/CR2 chosen by --se auto: 10 clusters \(fewer than 40\)/);
  });
  it('chooses CR2 when the clusters are local authorities, however many', async () => {
    const rows = ['la_code,arm,y'];
    for (let i = 0; i < 60; i++) for (let k = 0; k < 2; k++) rows.push(`${800 + i},${i % 2},${(i * 7 + k * 3) % 11}`);
    const f = csv('las.csv', rows.join('\n') + '\n');
    const j = JSON.parse((await run(['analyse', '--data', f, '--outcome', 'y', '--arm', 'arm', '--cluster', 'la_code', '--json'])).out);
    expect(j.se_type).toBe('cr2');
    expect(j.se_choice.reason).toMatch(/local authorities/);
  });
  it('chooses CR1 with 40 or more school clusters', async () => {
    const rows = ['urn,arm,y'];
    for (let i = 0; i < 50; i++) rows.push(`${100000 + i},${i % 2},${(i * 7) % 11}`);
    const j = JSON.parse((await run(['analyse', '--data', csv('schools50.csv', rows.join('\n') + '\n'), '--outcome', 'y', '--arm', 'arm', '--cluster', 'urn', '--json'])).out);
    expect(j.se_type).toBe('cr1');
    expect(j.se_choice.reason).toMatch(/50 clusters/);
  });
  it('an explicit --se cr1 is kept, with the few-cluster caution in the notes', async () => {
    const j = JSON.parse((await run([...la10Args, '--se', 'cr1', '--json'])).out);
    expect(j.se_type).toBe('cr1');
    expect(j.se_choice.requested).toBe('cr1');
  });
});

describe('design warnings on stderr and in --json', () => {
  it('warns when an arm has fewer than 3 clusters', async () => {
    const rows = ['la,arm,y'];
    for (let i = 0; i < 5; i++) for (let k = 0; k < 6; k++) rows.push(`L${i},${i < 2 ? 1 : 0},${(i * 5 + k * 3) % 7}`);
    const r = await run(['analyse', '--data', csv('few.csv', rows.join('\n') + '\n'), '--outcome', 'y', '--arm', 'arm', '--cluster', 'la', '--json']);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^Warning: the intervention arm has only 2 clusters/m);
    expect(JSON.parse(r.out).warnings.join(' ')).toMatch(/intervention arm has only 2 clusters/);
  });
  it('warns when the arm varies within a cluster', async () => {
    const rows = ['school,arm,y'];
    for (let i = 0; i < 20; i++) for (let k = 0; k < 2; k++) rows.push(`S${i},${i === 3 ? k : i % 2},${(i * 5 + k * 3) % 7}`);
    const r = await run(['analyse', '--data', csv('mixed.csv', rows.join('\n') + '\n'), '--outcome', 'y', '--arm', 'arm', '--cluster', 'school', '--json']);
    expect(r.err).toMatch(/Warning: the arm varies within 1 cluster \("S3"\)/);
    expect(JSON.parse(r.out).warnings).toHaveLength(1);
  });
  it('a sound design has no warnings', async () => {
    const r = await run([...la10Args, '--json']);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out).warnings).toEqual([]);
  });
});

describe('one row per unit and wave', () => {
  const longRows = ['dsl_id,school_urn,la_code,arm,wave,instrument,scale,value'];
  for (let d = 0; d < 30; d++) for (const scale of ['total', 'emotional', 'practical']) {
    longRows.push(`P${d},${100 + d},800,${d % 2 ? 'intervention' : 'control'},endline,scs@1,${scale},${(d * 3 + scale.length) % 9}`);
  }
  const long = () => csv('long.csv', longRows.join('\n') + '\n');
  const args = (f: string) => ['analyse', '--data', f, '--outcome', 'value', '--arm', 'arm', '--cluster', 'school_urn'];
  it('refuses the long export with every scale stacked', async () => {
    const r = await run(args(long()));
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/holds 3 rows for dsl_id "P0" in wave "endline" \(lines 2, 3, 4\).*--filter scale=/);
  });
  it('analyses it once a filter picks one row per unit and wave', async () => {
    const r = await run([...args(long()), '--filter', 'scale=total', '--json']);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out).n).toBe(30);
  });
  it('a filter that leaves duplicates is still refused; a bad filter is a usage error', async () => {
    expect((await run([...args(long()), '--filter', 'wave=endline'])).err).toMatch(/holds 3 rows for dsl_id "P0"/);
    expect((await run([...args(long()), '--filter', 'scale'])).err).toMatch(/--filter "scale" must be column=value/);
    expect((await run([...args(long()), '--filter', 'nope=1'])).err).toMatch(/--filter: no column "nope"/);
  });
});
