// The export bundle: one zip (and each file) from the staff site, the same from dslkit export; pseudonymous ids only; a codebook covering every column; load.R run under Rscript from another folder; load.do labelling after import; the .dta files read back by R's haven and pandas with labels, types and values.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { stataScript } from '../../server/domain/exports/stata-script';
import { parseCsv } from '../../server/domain/csv';
import { captureIo, tempDir } from '../helpers/temp';
import { dataFixture, ons, pss, type DataFixture } from './data-fixture';
import { request, signIn, type Signed } from './fixture';
import { importCovariates } from '../../server/storage/covariate-repo';
import { schoolPseudonym } from '../../server/domain/exports/pseudonyms';

let f: DataFixture;
let ev: Signed;
const files: Record<string, Buffer> = {};
const out = tempDir('dslkit-export-');
const names = ['schools.csv', 'dsls_wide.csv', 'items_long.csv', 'sessions.csv', 'outcomes_monthly.csv', 'codebook.csv', 'codebook.md', 'load.R', 'load.do', 'schools.dta', 'dsls_wide.dta', 'analysis.R'];

function have(cmd: string, args: string[]): boolean {
  try { execFileSync(cmd, args, { stdio: 'ignore' }); return true; } catch { return false; }
}
// In CI (CI=true) R and pandas are installed by .ci/run and these tests must run; elsewhere they are skipped when missing.
const rAvailable = have('Rscript', ['-e', 'library(haven)']) || Boolean(process.env.CI);
const pandasAvailable = have('/usr/bin/python3', ['-c', 'import pandas']) || Boolean(process.env.CI);

/** Covariates imported for t1 (issue 13): ever-FSM and KS2 expected for three of its four schools; EAL, SEN and KS2 higher not held. */
const covariatesCsv = 'URN,PNUMFSMEVER,PTRWM_EXP\n100001,26.7,63\n100002,31.5,SUPP\n100003,12,\n';

beforeAll(async () => {
  f = await dataFixture();
  ev = await signIn(f, 'evaluator');
  importCovariates(f.server.deps.db, covariatesCsv, { trialId: 't1', source: 'census-2019.csv', actor: 'test', at: f.now.t.toISOString() });
  const zip = await request(f, ev, 'get', '/staff/trials/t1/exports/t1-export.zip');
  expect(zip.status).toBe(200);
  expect(zip.headers.get('content-type')).toBe('application/zip');
  const folder = `dslkit-t1-${f.now.t.toISOString().slice(0, 10)}`;
  expect(zip.headers.get('content-disposition')).toContain(`${folder}.zip`);
  const entries = unzipSync(new Uint8Array(await zip.arrayBuffer()));
  for (const [name, bytes] of Object.entries(entries)) {
    expect(name.startsWith(`${folder}/`)).toBe(true);
    files[name.slice(folder.length + 1)] = Buffer.from(bytes);
  }
  fs.mkdirSync(path.join(out.dir, 'unzipped'));
  for (const [name, body] of Object.entries(files)) fs.writeFileSync(path.join(out.dir, 'unzipped', name), body);
}, 60_000);
afterAll(async () => { await f.close(); out.cleanup(); });

const text = (file: string) => files[file].toString('utf8');
const csv = (file: string) => parseCsv(text(file), file);

describe('the bundle', () => {
  it('holds every file the codebook names, the zip and each single download alike', async () => {
    expect(Object.keys(files).sort()).toEqual([...names].sort());
    for (const name of ['schools.csv', 'load.R', 'dsls_wide.dta']) {
      const one = await request(f, ev, 'get', `/staff/trials/t1/exports/${name}`);
      expect(one.status).toBe(200);
      expect(one.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="?${name}"?$`)); // the name load.R and load.do look for
      const body = Buffer.from(await one.arrayBuffer());
      if (!name.endsWith('.dta')) expect(body.toString('utf8')).toBe(text(name));
    }
    expect((await request(f, ev, 'get', '/staff/trials/t1/exports/long.csv')).status).toBe(404);
  });

  it('uses pseudonymous ids only: no names, emails, roles or school URNs', () => {
    const all = Object.entries(files).filter(([n]) => !n.endsWith('.dta')).map(([, b]) => b.toString('utf8')).join('\n');
    for (const s of Object.values(f.personal).flat()) expect(all).not.toContain(s);
    expect(all).not.toMatch(/[\w.+-]+@[\w-]+\.[a-z]{2,}/); // no email-shaped text ('pss10@1' has no dot after the @)
    expect(all).not.toMatch(/headteacher|senco/i);
    for (const urn of [100001, 100002, 100003, 100004]) expect(all).not.toContain(String(urn));
    const schools = csv('schools.csv').rows.map((r) => r.values.school_id);
    expect(schools).toHaveLength(4);
    for (const id of schools) expect(id).toMatch(/^sch-[a-z2-9]{10}$/);
    // dsls_wide and the other files use the same school ids
    for (const r of csv('dsls_wide.csv').rows) expect(schools).toContain(r.values.school_id);
  });

  it('dsls_wide: one row per DSL, each scale at each wave side by side, and why a score is blank', () => {
    const wide = csv('dsls_wide.csv');
    expect(wide.rows.map((r) => r.values.dsl_id)).toEqual(['dsl-aaaa', 'dsl-bbbb', 'dsl-cccc']);
    const byId = new Map(wide.rows.map((r) => [r.values.dsl_id, r.values]));
    // PSS-10 totals planted (instruments/pss10/cases.json: 26, 16, 40); ONS4 scale = item value.
    expect(['dsl-aaaa', 'dsl-bbbb', 'dsl-cccc'].map((d) => byId.get(d)!.pss10_total_bl)).toEqual([String(pss.complete.total), String(pss.allZero.total), String(pss.maximum.total)]);
    expect(byId.get('dsl-aaaa')!.ons4_life_satisfaction_mid).toBe(String(ons['dsl-aaaa'].ons4_01));
    expect(byId.get('dsl-bbbb')!.ons4_life_satisfaction_mid).toBe('');
    expect(byId.get('dsl-bbbb')!.ons4_life_satisfaction_mid_why).toBe('no_response');
    expect(byId.get('dsl-bbbb')!.response_mid).toBe('not_started');
    expect(byId.get('dsl-aaaa')!.response_bl).toBe('complete');
  });

  it('items_long: every item answer with its instrument version, and the codebook gives each question and its answer labels', () => {
    const items = csv('items_long.csv');
    expect(items.header).toEqual(['dsl_id', 'school_id', 'arm', 'wave', 'session_id', 'instrument', 'item', 'value']);
    const a = items.rows.filter((r) => r.values.dsl_id === 'dsl-aaaa' && r.values.instrument === 'pss10@1');
    expect(Object.fromEntries(a.map((r) => [r.values.item, Number(r.values.value)]))).toEqual(pss.complete.answers);
    const book = csv('codebook.csv').rows.find((r) => r.values.variable === 'item:pss10_01')!.values;
    expect(book.label).toBe('In the last month, how often have you been upset because of something that happened unexpectedly?');
    expect(book.values).toBe('0 = Never; 1 = Almost never; 2 = Sometimes; 3 = Fairly often; 4 = Very often');
  });

  it('the codebook describes every column of every CSV, with scoring and missing-item rules for scores, and the export\'s provenance', () => {
    const book = csv('codebook.csv');
    expect(book.header).toEqual(['file', 'variable', 'label', 'type', 'unit', 'values', 'range', 'direction', 'scoring_rule', 'missing_rule', 'source']);
    for (const file of names.filter((n) => n.endsWith('.csv') && n !== 'codebook.csv')) {
      for (const column of csv(file).header) {
        const e = book.rows.find((r) => r.values.file === file && r.values.variable === column);
        expect(e, `${column} of ${file}`).toBeDefined();
        expect(e!.values.label.length).toBeGreaterThan(3);
      }
    }
    const pssEntry = book.rows.find((r) => r.values.variable === 'pss10_total_bl')!.values;
    expect(pssEntry.direction).toBe('higher is worse');
    expect(pssEntry.scoring_rule).toMatch(/^sum of pss10_01, .*pss10_10 \(pss10@1\)$/);
    expect(pssEntry.missing_rule).toMatch(/of 10 items/);
    const md = text('codebook.md');
    expect(md).toContain(`- Exported: ${f.now.t.toISOString()}`);
    expect(md).toMatch(/- dslkit version: \d+\.\d+\.\d+/);
    expect(md).toMatch(/- Database schema version: \d+/);
  });

  it('dslkit export writes the same files to a folder (mode 0600) and to a zip', async () => {
    // The command derives school ids from the secret file beside the database, as the server does.
    fs.writeFileSync(f.server.deps.config.secretFile, `${f.server.deps.secret.toString('hex')}\n`, { mode: 0o600 });
    const c = captureIo();
    const folder = path.join(out.dir, 'cli');
    expect(await runCli(['export', '--db', f.server.deps.db.name, '--trial', 't1', '--out', folder], c.io, {}, () => f.now.t)).toBe(0);
    expect(c.err()).toBe('');
    for (const name of names) {
      expect(fs.readFileSync(path.join(folder, name)).equals(files[name]), name).toBe(true);
      expect((fs.statSync(path.join(folder, name)).mode & 0o777).toString(8)).toBe('600');
    }
    const zipFile = path.join(out.dir, 'bundle.zip');
    expect(await runCli(['export', '--db', f.server.deps.db.name, '--trial', 't1', '--out', zipFile], captureIo().io, {}, () => f.now.t)).toBe(0);
    expect(Object.keys(unzipSync(fs.readFileSync(zipFile))).length).toBe(names.length);
    expect((fs.statSync(zipFile).mode & 0o777).toString(8)).toBe('600');
    const audits = f.server.deps.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'export'").get() as { n: number };
    expect(audits.n).toBe(1 + 3 + 2); // the zip, three single files and two CLI runs (the 404 is not an export)
  });
});

describe('covariates in the bundle', () => {
  /** The planted values by the school's pseudonymous id, in schools.csv's row order. */
  const planted = () => {
    const id = (urn: number) => schoolPseudonym(f.server.deps.secret, 't1', urn);
    const want: Record<string, [number | null, string | null, number | null, string | null]> = {
      [id(100001)]: [26.7, null, 63, null], [id(100002)]: [31.5, null, null, 'SUPP'], [id(100003)]: [12, null, null, 'blank'], [id(100004)]: [null, 'not_imported', null, 'not_imported'],
    };
    return csv('schools.csv').rows.map((r) => ({ row: r.values, want: want[r.values.school_id] }));
  };

  it('schools.csv holds every covariate imported (and only those), with why a value is blank; the codebook names the file as the source', () => {
    const header = csv('schools.csv').header;
    expect(header).toEqual(expect.arrayContaining(['fsm_percent', 'fsm_ever_percent', 'fsm_ever_missing', 'ks2_expected_percent', 'ks2_expected_missing']));
    for (const absent of ['eal_percent', 'sen_support_percent', 'ks2_higher_percent']) expect(header).not.toContain(absent);
    for (const { row, want } of planted()) {
      expect([row.fsm_ever_percent, row.fsm_ever_missing, row.ks2_expected_percent, row.ks2_expected_missing]).toEqual(want.map((v) => (v === null ? '' : String(v))));
    }
    const book = new Map(csv('codebook.csv').rows.filter((r) => r.values.file === 'schools.csv').map((r) => [r.values.variable, r.values]));
    expect(book.get('fsm_ever_percent')).toMatchObject({ label: '% pupils ever eligible for FSM in the past 6 years', type: 'number', unit: 'percent', range: '0 to 100' });
    expect(book.get('fsm_ever_percent')!.source).toMatch(/^dslkit import covariates, column PNUMFSMEVER of census-2019\.csv \(SHA-256 [0-9a-f]{64}, imported \d{4}-\d{2}-\d{2}\)$/);
    expect(book.get('ks2_expected_percent')!.label).toBe('KS2: % reaching the expected standard in reading, writing and maths');
    expect(book.get('ks2_expected_missing')!.values).toContain('SUPP = Suppressed by the DfE (SUPP)');
    expect(text('load.R')).toContain('fsm_ever_percent = "% pupils ever eligible for FSM in the past 6 years"');
    expect(text('load.do')).toContain('capture label variable ks2_expected_percent `"KS2: % reaching the expected standard in reading, writing and maths"\'');
    expect(text('load.do')).toContain('encode ks2_expected_missing, generate(_dslkit_code) label(sch_ks2_expected_missing) noextend');
  });

  it.skipIf(!rAvailable)('load.R and schools.dta (R haven) carry the covariates with their labels and every value', () => {
    const dir = path.join(out.dir, 'unzipped');
    const script = `suppressPackageStartupMessages(library(haven)); source(${JSON.stringify(path.join(dir, 'load.R'))}); d <- read_dta(${JSON.stringify(path.join(dir, 'schools.dta'))});
      cat(attr(schools$fsm_ever_percent, "label"), paste(ifelse(is.na(schools$fsm_ever_percent), "NA", sprintf("%.10g", schools$fsm_ever_percent)), collapse = ","), paste(as.character(schools$ks2_expected_missing), collapse = ","),
        attr(d$ks2_expected_percent, "label"), paste(ifelse(is.na(d$fsm_ever_percent), "NA", sprintf("%.10g", d$fsm_ever_percent)), collapse = ","),
        paste(as.character(as_factor(d$ks2_expected_missing)), collapse = ","), sep = "\n")`;
    const lines = execFileSync('Rscript', ['-e', script], { cwd: '/tmp', encoding: 'utf8', timeout: 60_000 }).split('\n').slice(1); // after load.R's summary line
    const p = planted();
    const num = (i: 0 | 2) => p.map(({ want }) => (want[i] === null ? 'NA' : String(want[i]))).join(',');
    const why = p.map(({ want }) => ({ SUPP: 'Suppressed by the DfE (SUPP)', blank: 'The imported file left the cell blank', not_imported: 'No imported file held the school' } as Record<string, string>)[want[3] ?? ''] ?? 'NA').join(',');
    expect(lines[0]).toBe('% pupils ever eligible for FSM in the past 6 years');
    expect(lines[1].replace(/ /g, '')).toBe(num(0));
    expect(lines[2]).toBe(why);
    expect(lines[3]).toBe('KS2: % reaching the expected standard in reading, writing and maths');
    expect(lines[4].replace(/ /g, '')).toBe(num(0));
    expect(lines[5]).toBe(why);
  });

  it.skipIf(!pandasAvailable)('schools.dta (pandas read_stata) carries the covariates with their labels and every value', () => {
    const py = `import json, pandas as pd
r = pd.io.stata.StataReader(${JSON.stringify(path.join(out.dir, 'unzipped', 'schools.dta'))})
d = r.read(convert_categoricals=True)
print(json.dumps({"labels": r.variable_labels(), "fsm": [None if pd.isna(x) else float(x) for x in d["fsm_ever_percent"]], "ks2": [None if pd.isna(x) else float(x) for x in d["ks2_expected_percent"]], "why": [None if pd.isna(x) else str(x) for x in d["fsm_ever_missing"]]}))`;
    const got = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8', timeout: 60_000 })) as { labels: Record<string, string>; fsm: Array<number | null>; ks2: Array<number | null>; why: Array<string | null> };
    const p = planted();
    expect(got.labels.fsm_ever_percent).toBe('% pupils ever eligible for FSM in the past 6 years');
    expect(got.labels.ks2_expected_missing).toBe('Why ks2_expected_percent is blank');
    expect(got.fsm).toEqual(p.map(({ want }) => want[0]));
    expect(got.ks2).toEqual(p.map(({ want }) => want[2]));
    expect(got.why).toEqual(p.map(({ want }) => (want[1] === 'not_imported' ? 'No imported file held the school' : null)));
  });
});

describe('load.R', () => {
  it.skipIf(!rAvailable)('loads every CSV from its own folder when run from elsewhere, with labels and factor levels in order', () => {
    const dir = path.join(out.dir, 'unzipped');
    const summary = execFileSync('Rscript', [path.join(dir, 'load.R')], { cwd: '/', encoding: 'utf8', timeout: 60_000 });
    expect(summary.trim()).toBe(`dslkit export t1: schools 4 rows, dsls_wide 3 rows, items_long ${csv('items_long.csv').rows.length} rows, sessions 2 rows, outcomes_monthly 0 rows`);
    // 3 PSS-10 responses x 10 items and 2 ONS4 x 4, at least (the supervision record's items come on top)
    expect(csv('items_long.csv').rows.filter((r) => /^(pss10|ons4)@1$/.test(r.values.instrument)).length).toBe(3 * 10 + 2 * 4);
    const check = `source(${JSON.stringify(path.join(dir, 'load.R'))}); cat(paste(levels(schools$arm), collapse = "|"), attr(dsls_wide$pss10_total_bl, "label"), sprintf("%.12f", mean(dsls_wide$pss10_total_bl)), class(schools$pupils), sep = "\\n")`;
    const lines = execFileSync('Rscript', ['-e', check], { cwd: '/tmp', encoding: 'utf8', timeout: 60_000 }).split('\n').slice(1);
    expect(lines[0]).toBe('Control (business as usual)|Intervention (supervision)');
    expect(lines[1]).toBe('Perceived Stress Scale (PSS-10): Perceived stress (baseline)');
    // mean of the planted totals (26 + 16 + 40) / 3
    expect(Number(lines[2])).toBeCloseTo((pss.complete.total + pss.allZero.total + pss.maximum.total) / 3, 10);
    expect(lines[3]).toBe('integer');
  });
});

describe('load.do', () => {
  // There is no Stata here or in CI, so the do-file cannot be run: these check what made the old one wrong.
  it('imports each CSV as UTF-8 before defining the labels it uses, and keeps labels within Stata\'s limits', () => {
    const doFile = text('load.do');
    for (const t of ['schools', 'dsls_wide', 'items_long', 'sessions', 'outcomes_monthly']) {
      const imp = doFile.indexOf(`import delimited using "${t}.csv", varnames(1) case(preserve) encoding("utf-8")`);
      expect(imp, t).toBeGreaterThan(0);
      const next = doFile.indexOf('import delimited', imp + 1);
      const block = doFile.slice(imp, next < 0 ? undefined : next);
      expect(block).toContain(`save "${t}_from_csv.dta", replace`);
      if (t === 'schools') {
        expect(block).toMatch(/label define sch_arm 1 `"control"' 2 `"intervention"', replace/);
        expect(block).toContain('encode arm, generate(_dslkit_code) label(sch_arm) noextend');
      }
    }
    expect(doFile.indexOf('label define')).toBeGreaterThan(doFile.indexOf('import delimited')); // import clears labels: define after
    const labels = new Map<string, string[]>();
    for (const r of csv('codebook.csv').rows) labels.set(r.values.variable, [...(labels.get(r.values.variable) ?? []), r.values.label]);
    let cut = 0;
    for (const m of doFile.matchAll(/capture label variable (\S+) `"(.*)"'/g)) {
      const [, v, shown] = m;
      expect(Buffer.byteLength(shown), shown).toBeLessThanOrEqual(80);
      if (labels.get(v)!.includes(shown)) continue;
      const full = labels.get(v)!.find((l) => l.startsWith(shown.slice(0, -3)))!;
      // cut at a word: what is shown, less the "...", is the label up to a space
      cut++;
      expect(shown.endsWith('...'), shown).toBe(true);
      expect(full.startsWith(shown.slice(0, -3)), shown).toBe(true);
      expect(full[shown.length - 3], `${shown} | ${full}`).toBe(' ');
    }
    // (how many were cut depends on the fixture's labels; the cut itself is checked on a known label below)
    void cut;
    const long = 'Contacts leading to no further action (NFA): baseline covariate as analysed in the report (count / pupils)';
    const one = stataScript('x', [{ name: 'schools', title: 't', rows: [], variables: [{ variable: 'v', label: long, type: 'number', source: 's' }] }]);
    const shown = /capture label variable v `"(.*)"'/.exec(one)![1];
    expect(shown).toBe('Contacts leading to no further action (NFA): baseline covariate as analysed...');
    expect(Buffer.byteLength(shown)).toBeLessThanOrEqual(80);
    const schoolsVars = csv('schools.csv').header;
    for (const v of schoolsVars) expect(doFile).toContain(`capture label variable ${v} `);
  });
});

describe('.dta files', () => {
  const dta = (name: string) => path.join(out.dir, 'unzipped', name);
  it.skipIf(!rAvailable)('read back with R haven: variable labels, value labels, types and every value', () => {
    const script = `suppressPackageStartupMessages(library(haven)); d <- read_dta(${JSON.stringify(dta('schools.dta'))});
      w <- read_dta(${JSON.stringify(dta('dsls_wide.dta'))});
      cat(attr(d$arm, "label"), paste(names(attr(d$arm, "labels")), collapse = "|"), paste(as.numeric(d$arm), collapse = ","),
        paste(d$school_id, collapse = ","), class(d$pupils)[1], attr(w$pss10_total_bl, "label"), paste(w$pss10_total_bl, collapse = ","),
        paste(w$dsl_id, collapse = ","), sep = "\\n")`;
    const lines = execFileSync('Rscript', ['-e', script], { encoding: 'utf8', timeout: 60_000 }).split('\n');
    const schools = csv('schools.csv').rows.map((r) => r.values);
    expect(lines[0]).toBe('Randomised arm of the school');
    expect(lines[1]).toBe('Control (business as usual)|Intervention (supervision)');
    expect(lines[2]).toBe(schools.map((s) => (s.arm === 'control' ? 1 : 2)).join(','));
    expect(lines[3]).toBe(schools.map((s) => s.school_id).join(','));
    expect(lines[4]).toBe('numeric');
    expect(lines[5]).toBe('Perceived Stress Scale (PSS-10): Perceived stress (baseline)');
    expect(lines[6]).toBe(csv('dsls_wide.csv').rows.map((r) => r.values.pss10_total_bl).join(','));
    expect(lines[7]).toBe('dsl-aaaa,dsl-bbbb,dsl-cccc');
  });

  it.skipIf(!pandasAvailable)('read back with pandas read_stata: the same values, variable labels and value labels', () => {
    const py = `import json, pandas as pd
r = pd.io.stata.StataReader(${JSON.stringify(dta('schools.dta'))})
d = r.read(convert_categoricals=True)
w = pd.read_stata(${JSON.stringify(dta('dsls_wide.dta'))})
print(json.dumps({"labels": r.variable_labels(), "values": {k: {str(c): t for c, t in v.items()} for k, v in r.value_labels().items()}, "arm": [str(x) for x in d["arm"]], "pupils": [None if pd.isna(x) else float(x) for x in d["pupils"]],
  "ids": list(d["school_id"]), "pss": [None if pd.isna(x) else float(x) for x in w["pss10_total_bl"]]}))`;
    const got = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8', timeout: 60_000 })) as { labels: Record<string, string>; values: Record<string, Record<string, string>>; arm: string[]; pupils: Array<number | null>; ids: string[]; pss: number[] };
    const schools = csv('schools.csv').rows.map((r) => r.values);
    expect(got.labels.pupils).toBe('Pupils on roll');
    expect(got.values.sch_arm).toEqual({ 1: 'Control (business as usual)', 2: 'Intervention (supervision)' });
    expect(got.arm).toEqual(schools.map((s) => (s.arm === 'control' ? 'Control (business as usual)' : 'Intervention (supervision)')));
    expect(got.pupils).toEqual(schools.map((s) => Number(s.pupils)));
    expect(got.ids).toEqual(schools.map((s) => s.school_id));
    expect(got.pss).toEqual([pss.complete.total, pss.allZero.total, pss.maximum.total]);
  });
});
