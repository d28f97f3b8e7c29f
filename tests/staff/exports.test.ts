// Tidy exports: long and wide CSV columns, pseudonymous ids only, a codebook covering every variable, load.R run for real under Rscript, load.do shape-checked.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { parseCsv } from '../../server/domain/csv';
import { exportFiles } from '../../server/domain/exports/bundle';
import { captureIo, tempDir } from '../helpers/temp';
import { dataFixture, ons, pss, type DataFixture } from './data-fixture';
import { request, signIn, type Signed } from './fixture';

let f: DataFixture;
let ev: Signed;
const files: Record<string, string> = {};
const out = tempDir('dslkit-export-');

function haveRscript(): boolean {
  try { execFileSync('Rscript', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
}
const rAvailable = haveRscript();
if (!rAvailable) process.stdout.write('load.R test skipped: Rscript is not installed on this machine\n');

beforeAll(async () => {
  f = await dataFixture();
  ev = await signIn(f, 'evaluator');
  for (const file of exportFiles) {
    const res = await request(f, ev, 'get', `/staff/trials/t1/exports/${file}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain(`t1-${file}`);
    files[file] = await res.text();
  }
}, 60_000);
afterAll(async () => { await f.close(); out.cleanup(); });

const csv = (file: string) => parseCsv(files[file], file);
// Scores planted by the fixture: PSS-10 totals 26, 16, 40 (instruments/pss10/cases.json) and ONS4 item values (scale = item).
const pssTotals: number[] = [pss.complete.total, pss.allZero.total, pss.maximum.total];
const onsValues: number[] = [...Object.values(ons['dsl-aaaa']), ...Object.values(ons['dsl-cccc'])];

describe('long and wide CSV', () => {
  it('long: one row per DSL, wave, instrument and scale, with the documented columns', () => {
    const long = csv('long.csv');
    expect(long.header).toEqual(['dsl_id', 'school_urn', 'la_code', 'arm', 'wave', 'instrument', 'scale', 'value']);
    expect(long.rows.length).toBe(3 + 2 * 4); // 3 baseline PSS-10 totals + 2 midpoint ONS4 x 4 scales
    expect(long.rows.filter((r) => r.values.instrument === 'pss10@1').map((r) => Number(r.values.value))).toEqual(pssTotals);
    expect(long.rows.filter((r) => r.values.instrument === 'ons4@1').map((r) => Number(r.values.value)).sort()).toEqual([...onsValues].sort());
    const arms = f.server.deps.db.prepare("SELECT urn, arm FROM allocations WHERE trial_id = 't1'").all() as Array<{ urn: number; arm: string }>;
    for (const r of long.rows) expect(r.values.arm).toBe(arms.find((a) => String(a.urn) === r.values.school_urn)!.arm);
  });
  it('wide: one row per DSL and wave, one column per instrument scale, blanks where not asked', () => {
    const wide = csv('wide.csv');
    expect(wide.header).toEqual(['dsl_id', 'school_urn', 'la_code', 'arm', 'wave', 'ons4_anxious', 'ons4_happy', 'ons4_life_satisfaction', 'ons4_worthwhile', 'pss10_total']);
    expect(wide.rows.map((r) => `${r.values.dsl_id}/${r.values.wave}`)).toEqual(['dsl-aaaa/baseline', 'dsl-aaaa/midpoint', 'dsl-bbbb/baseline', 'dsl-cccc/baseline', 'dsl-cccc/midpoint']);
    const aMid = wide.rows[1].values;
    expect([aMid.ons4_life_satisfaction, aMid.ons4_worthwhile, aMid.ons4_happy, aMid.ons4_anxious, aMid.pss10_total]).toEqual(['7', '8', '6', '3', '']);
  });
  it('no names, emails or roles anywhere in the bundle: pseudonymous ids only', () => {
    const bundle = Object.values(files).join('\n');
    for (const s of Object.values(f.personal).flat()) expect(bundle).not.toContain(s);
    expect(bundle).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/); // no email-shaped text ('pss10@1' has no dot after the @)
    expect(bundle).not.toMatch(/headteacher|senco/i);
    expect(new Set(csv('long.csv').rows.map((r) => r.values.dsl_id))).toEqual(new Set(['dsl-aaaa', 'dsl-bbbb', 'dsl-cccc']));
  });
  it('dslkit export writes the same five files', async () => {
    const c = captureIo();
    const code = await runCli(['export', '--db', f.server.deps.db.name, '--trial', 't1', '--out', out.dir], c.io, {}, () => f.now.t);
    expect(c.err()).toBe('');
    expect(code).toBe(0);
    for (const file of exportFiles) expect(fs.readFileSync(path.join(out.dir, file), 'utf8')).toBe(files[file]);
    const audits = f.server.deps.db.prepare("SELECT actor FROM audit_log WHERE action = 'export'").all() as Array<{ actor: string }>;
    expect(audits.length).toBe(exportFiles.length + 1); // each download above and the CLI run
  });
});

describe('codebook', () => {
  it('lists every variable of both files with a label, and value labels for every coded value', () => {
    const book = csv('codebook.csv');
    expect(book.header).toEqual(['file', 'variable', 'label', 'type', 'values']);
    const entries = new Map(book.rows.map((r) => [r.values.variable, r.values]));
    for (const [file, kind] of [['long.csv', 'long'], ['wide.csv', 'wide']] as const) {
      for (const column of csv(file).header) {
        const e = entries.get(column);
        expect(e, `${column} of ${file}`).toBeDefined();
        expect(['both', kind]).toContain(e!.file);
        expect(e!.label.length).toBeGreaterThan(5);
      }
    }
    expect(entries.get('pss10_total')!.label).toContain('Perceived Stress Scale');
    for (const coded of ['arm', 'wave']) {
      const labelled = entries.get(coded)!.values.split(';').map((v) => v.split('=')[0].trim());
      for (const file of ['long.csv', 'wide.csv']) for (const r of csv(file).rows) expect(labelled).toContain(r.values[coded]);
    }
  });
});

describe('load.R', () => {
  it.skipIf(!rAvailable)('runs under Rscript on the exported files and reproduces row counts, means and labels', () => {
    const check = 'source("load.R"); cat("", nrow(long), nrow(wide), ncol(wide), mean(wide$pss10_total, na.rm = TRUE), mean(long$value), paste(levels(wide$arm), collapse = "|"), attr(wide$pss10_total, "label"), sep = "\\n")';
    const stdout = execFileSync('Rscript', ['-e', check], { cwd: out.dir, encoding: 'utf8', timeout: 30_000 });
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('dslkit export t1: long 11 rows, wide 5 rows x 10 columns'); // the script's own summary line
    const [nLong, nWide, nCol, meanPss, meanLong, levels, label] = lines.slice(2);
    expect(Number(nLong)).toBe(csv('long.csv').rows.length);
    expect(Number(nWide)).toBe(csv('wide.csv').rows.length);
    expect(Number(nCol)).toBe(csv('wide.csv').header.length);
    // means computed here from the planted answers: (26 + 16 + 40) / 3 and (82 + 24 + 22) / 11
    expect(Number(meanPss)).toBeCloseTo(pssTotals.reduce((a, b) => a + b) / 3, 4);
    expect(Number(meanLong)).toBeCloseTo([...pssTotals, ...onsValues].reduce((a, b) => a + b) / 11, 4);
    expect(levels).toBe('Control|Intervention|Unallocated');
    expect(label).toContain('Perceived Stress Scale');
  });
});

describe('load.do', () => {
  // There is no Stata on this machine or in CI, so the do-file cannot be run: this checks it is Stata-shaped only
  // (known commands, balanced quotes, every CSV column labelled, both files imported and saved).
  it('uses only known Stata commands, balanced quotes, and labels every exported variable', () => {
    const lines = files['load.do'].split('\n').filter((l) => l.trim() && !l.startsWith('*'));
    const known = /^(version|label define|label variable|capture label variable|import delimited|encode|save|display)\b/;
    for (const l of lines) {
      expect(l, l).toMatch(known);
      expect((l.match(/"/g) ?? []).length % 2, l).toBe(0);
    }
    for (const file of ['long', 'wide']) {
      expect(files['load.do']).toContain(`import delimited using "${file}.csv", varnames(1)`);
      expect(files['load.do']).toContain(`save "${file}.dta", replace`);
    }
    for (const column of new Set([...csv('long.csv').header, ...csv('wide.csv').header])) expect(files['load.do']).toMatch(new RegExp(`label variable ${column} "`));
    // stringcols(1 3) must point at dsl_id and la_code, the two text ids that look numeric-ish
    expect([csv('long.csv').header[0], csv('long.csv').header[2]]).toEqual(['dsl_id', 'la_code']);
  });
});
