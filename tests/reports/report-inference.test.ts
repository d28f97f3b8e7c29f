// The arm-comparison report's permutation p, bootstrap CIs and CACE (issue 15): off by default; when set, the same numbers as `dslkit analyse` on the report's own export; the LA-randomised design shows the permutation p beside CR2 unasked (equal to R's exact enumeration); impossible cases are sentences, never NaN.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { openDatabase, type Db } from '../../server/storage/db';
import { loadOrCreateSecret, secretFileFor } from '../../server/storage/secret-file';
import { seedDemo, DEMO_TRIAL_ID } from '../../server/domain/demo/seed-demo';
import { insertCompleteResponse } from '../../server/storage/response-repo';
import { loadReportData, loadReportSettings, saveReportSettings } from '../../server/storage/report-data-repo';
import { parseSettings } from '../../server/domain/report-inputs/parse';
import { parseCsv, toCsv } from '../../server/domain/csv';
import { schoolPseudonym } from '../../server/domain/exports/pseudonyms';
import { inferenceTools } from '../../server/domain/randomisation/inference-tools';
import { buildArmComparison } from '../../reports/view-models/arm-comparison';
import { inferenceCacheStats } from '../../reports/view-models/inference';
import { renderReportHtml } from '../../reports/render';
import { fmtP } from '../../reports/view-models/format';
import type { ReportData } from '../../reports/view-models/report-data';
import { completeAnswers, seededRandom } from '../../bench/helpers/fixture';
import { captureIo, tempDir } from '../helpers/temp';
import { dataRows, expectClose, fixtureDir } from '../analysis/r-fixtures';

const now = new Date('2026-11-20T12:00:00Z');
const clock = () => now;
const dir = tempDir('dslkit-report-inference-');
const dbFile = path.join(dir.dir, 'demo.db');
let db: Db;
let secret: Buffer;

beforeAll(() => {
  secret = loadOrCreateSecret(secretFileFor(dbFile));
  db = openDatabase(dbFile);
  seedDemo(db, { clock, secret });
  // The demo's endline is open with no answers: complete it for most DSLs so survey outcomes are analysed too (as tests/exports/analysis-reproduces-report.test.ts).
  const endline = db.prepare("SELECT id, instruments FROM waves WHERE trial_id = 'demo' AND name = 'endline'").get() as { id: number; instruments: string };
  const instruments = JSON.parse(endline.instruments) as string[];
  const invites = db.prepare('SELECT id, dsl_id FROM invitations WHERE wave_id = ? ORDER BY dsl_id').all(endline.id) as Array<{ id: number; dsl_id: string }>;
  invites.forEach((inv, i) => {
    if (i % 5 === 4) return;
    insertCompleteResponse(db, { invitationId: inv.id, dslId: inv.dsl_id, waveId: endline.id, instruments, answers: completeAnswers(instruments, seededRandom(500 + i)), at: now.toISOString() });
  });
}, 120_000);
afterAll(() => { db.close(); dir.cleanup(); });

async function cli(...args: string[]): Promise<string> {
  const c = captureIo();
  const code = await runCli(args[0] === 'analyse' ? args : [...args, '--db', dbFile], c.io, {}, clock);
  expect(c.err().replace(/^Warning: .*\n/gm, ''), args.join(' ')).toBe('');
  expect(code, `${args.join(' ')}: ${c.err()}`).toBe(0);
  return c.out();
}

function setSettings(fields: Record<string, string>): void {
  saveReportSettings(db, DEMO_TRIAL_ID, parseSettings(fields, loadReportSettings(db, DEMO_TRIAL_ID)), now.toISOString());
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('off by default', () => {
  it('no inference tables in the report and no permutation, bootstrap or cace fields in --json', async () => {
    const s = loadReportSettings(db, DEMO_TRIAL_ID);
    expect([s.permutation?.on, s.bootstrap?.on, s.cace?.on]).toEqual([false, false, false]);
    const view = buildArmComparison(loadReportData(db, DEMO_TRIAL_ID), now, inferenceTools);
    expect(view.inference).toEqual({ primary: null, secondary: null, cace: null });
    const json = JSON.parse(await cli('report', 'arm-comparison', '--trial', 'demo', '--json')) as Json;
    for (const e of [json.primary, ...json.secondary]) expect(Object.keys(e).filter((k) => ['permutation', 'bootstrap', 'cace'].includes(k))).toEqual([]);
  });
});

describe('with every setting on, the report equals dslkit analyse on its own export', () => {
  let json: Json;
  let html: string;
  const folder = path.join(dir.dir, 'export');
  const files: Record<string, string> = {};
  beforeAll(async () => {
    setSettings({ permutation: 'on', permutationDraws: '400', permutationSeed: '7', bootstrap: 'on', bootstrapDraws: '300', bootstrapSeed: '8', cace: 'on', caceThreshold: '2' });
    json = JSON.parse(await cli('report', 'arm-comparison', '--trial', 'demo', '--json')) as Json;
    html = await renderReportHtml(loadReportData(db, DEMO_TRIAL_ID), 'arm-comparison', { clock, inference: inferenceTools });
    await cli('export', '--trial', 'demo', '--out', folder);
    // The export names schools by pseudonym; the allocation drew in URN order, so the URN goes back in (the test holds the key).
    const urnOf = new Map(loadReportData(db, DEMO_TRIAL_ID).schools.map((s) => [schoolPseudonym(secret, DEMO_TRIAL_ID, s.urn), s.urn]));
    const schools = parseCsv(fs.readFileSync(path.join(folder, 'schools.csv'), 'utf8'), 'schools.csv');
    const intended = loadReportData(db, DEMO_TRIAL_ID).trial.sessionsIntended ?? 3;
    const bySchool = new Map<string, Record<string, string>>();
    const schoolRows = schools.rows.map((r) => {
      const v: Record<string, string> = { ...r.values, urn: String(urnOf.get(r.values.school_id)) };
      // dosage as the report's dose-response defines it: sessions attended with the introduction counted, over intended + 1
      const dose = Math.min(1, ((Number(v.sessions_introduction) > 0 ? 1 : 0) + Number(v.sessions_formal)) / (intended + 1));
      const out = { ...v, dose: v.attendance_missing === '1' ? '' : String(dose), received: v.attendance_missing === '1' ? '' : v.sessions_formal };
      bySchool.set(r.values.school_id, out);
      return out;
    });
    files.schools = path.join(dir.dir, 'schools-urn.csv');
    fs.writeFileSync(files.schools, toCsv(Object.keys(schoolRows[0]), schoolRows));
    const dsls = parseCsv(fs.readFileSync(path.join(folder, 'dsls_wide.csv'), 'utf8'), 'dsls_wide.csv');
    const dslRows = dsls.rows.map((r) => {
      const s = bySchool.get(r.values.school_id)!;
      return { ...r.values, urn: s.urn, fsm_percent: s.fsm_percent, received: s.received, dose: s.dose, attendance_missing: s.attendance_missing };
    });
    files.dsls = path.join(dir.dir, 'dsls-urn.csv');
    fs.writeFileSync(files.dsls, toCsv(Object.keys(dslRows[0]), dslRows));
  }, 240_000);

  // Every allocated school is in the administrative data, so the FSM-median procedure re-runs as recorded; the survey
  // outcome has the schools with DSLs only, whose % FSM ranks into other blocks, so it re-runs within the recorded blocks.
  const cases = [
    { key: 'admin:contacts_nfa', file: 'schools', design: 'niesr-fsm-median', args: ['--outcome', 'contacts_nfa_y', '--baseline', 'contacts_nfa_baseline', '--weight', 'pupils', '--proportion'] },
    { key: 'pss10:total', file: 'dsls', design: 'stratified', args: ['--outcome', 'pss10_total_end', '--baseline', 'pss10_total_bl'] },
  ];
  for (const c of cases) {
    it(`${c.key}: permutation p (the trial's allocation re-run, ${c.design}), bootstrap percentile and BCa, and the CACE`, async () => {
      const e = [json.primary, ...json.secondary].find((x: Json) => x.key === c.key) as Json;
      expect(e, c.key).toBeTruthy();
      const common = ['analyse', '--data', files[c.file], '--arm', 'arm', '--cluster', 'urn', '--strata', 'stratum', '--se', e.model.se_type, ...c.args, '--json'];
      const perm = JSON.parse(await cli(...common, '--permutations', '400', '--seed', '7', '--design', c.design, ...(c.design === 'niesr-fsm-median' ? ['--fsm', 'fsm_percent'] : []))) as Json;
      expect(e.permutation.method).toBe(c.design);
      if (c.design === 'stratified') expect(e.permutation.procedure_note).toMatch(/does not give the allocation's two FSM blocks, so its re-runs are complete randomisation within the recorded blocks/);
      else expect(e.permutation.procedure_note).toBeNull();
      expect(e.permutation.exact).toBe(false);
      for (const k of ['p', 'draws', 'extreme', 'observed_t', 'units', 'seeds']) expect(e.permutation[k], `permutation ${k}`).toEqual(perm.permutation[k]);
      expect(e.permutation.model_p).toBe(perm.p);
      expect(e.permutation.model_p).toBe(e.p); // clustered by school: the very p of Tables 3 and 4
      const boot = JSON.parse(await cli(...common, '--bootstrap', '300', '--seed', '8')) as Json;
      for (const k of ['percentile', 'bca', 'draws', 'acceleration', 'bias_correction_z0']) expect(e.bootstrap[k], `bootstrap ${k}`).toEqual(boot.bootstrap[k]);
      const keep = ['--filter', 'attendance_missing=0'];
      const threshold = JSON.parse(await cli(...common, ...keep, '--received', 'received', '--received-threshold', '2')) as Json;
      const dose = JSON.parse(await cli(...common, ...keep, '--received', 'dose')) as Json;
      for (const [got, want] of [[e.cace.sessions, threshold.cace], [e.cace.dosage, dose.cace]] as const) {
        for (const k of ['estimate', 'se', 'df', 'p']) expectClose(got[k], want[k], 1e-12, `cace ${k}`);
        expect(got.ci).toEqual(want.ci);
        expect(got.receipt_by_arm).toEqual(want.receipt_by_arm);
      }
    }, 240_000);
  }

  it('the HTML shows them beside Tables 3 and 4 and the dose-response, each with its method note, and no NaN', () => {
    expect(html).toContain('Table 3b. Primary outcome: randomisation inference and bootstrap confidence interval');
    expect(html).toContain('Table 4a. Secondary outcomes');
    expect(html).toContain('Table 5b. Complier average causal effect (CACE) of receiving supervision');
    const primary = json.primary as Json;
    const row = html.slice(html.indexOf('Table 3b.'), html.indexOf('</table>', html.indexOf('Table 3b.')));
    expect(row).toContain(`<td class="num">${fmtP(primary.permutation.p)}</td>`);
    expect(html).toMatch(/Permutation p: 400 re-runs of the trial&#x27;s NIESR FSM-median allocation [^<]*set.seed\(7 \+ b\)/);
    expect(html).toMatch(/Bootstrap CIs: 300 resamples of the \d+ schools with replacement within the 2 strata \(set.seed\(8\)/);
    expect(html).toMatch(/CACE: two-stage least squares, the randomised arm instrumenting receipt \(a school attended at least 2 formal sessions/);
    const cace = html.slice(html.indexOf('Table 5b.'), html.indexOf('</table>', html.indexOf('Table 5b.')));
    expect(cace).toContain(`<th scope="row">${primary.label}</th><td>At least 2 formal sessions</td>`);
    expect(cace).not.toContain('n/a');
    expect(/\bNaN\b|undefined/.exec(html)?.[0] ?? null).toBe(null);
  });
});

describe('the result cache', () => {
  it('a second render of unchanged data reuses every outcome\'s results; a changed outcome value is recomputed', () => {
    setSettings({ permutation: 'on', permutationDraws: '300', permutationSeed: '5', bootstrap: 'off', cace: 'off' });
    const data = loadReportData(db, DEMO_TRIAL_ID);
    const first = buildArmComparison(data, now, inferenceTools).inference;
    const before = inferenceCacheStats();
    const again = buildArmComparison(data, now, inferenceTools).inference;
    const after = inferenceCacheStats();
    expect(again).toEqual(first);
    expect(after.misses).toBe(before.misses);
    expect(after.hits - before.hits).toBeGreaterThan(5);
    // one school's count changes: that outcome's rows change, so it is refitted (a miss), the others are hits
    const changed = { ...data, adminOutcomes: data.adminOutcomes.map((o, i) => (i === 0 ? { ...o, outcomeCount: (o.outcomeCount ?? 0) + 3 } : o)) };
    buildArmComparison(changed, now, inferenceTools);
    expect(inferenceCacheStats().misses - after.misses).toBe(1);
  });
});

describe('impossible cases are sentences', () => {
  it('with no sessions logged the CACE says so, and nothing reads NaN', async () => {
    setSettings({ permutation: 'off', bootstrap: 'off', cace: 'on', caceThreshold: '3' });
    const data = { ...loadReportData(db, DEMO_TRIAL_ID), sessions: [] };
    const view = buildArmComparison(data, now, inferenceTools);
    expect(view.inference.primary).toBeNull();
    expect(view.inference.cace!.notes.join(' ')).toMatch(/no supervision sessions are logged, so receipt is 0 in both arms and the CACE cannot be estimated/);
    expect(view.inference.cace!.rows.every((r) => r.estimate === 'n/a')).toBe(true);
    const html = await renderReportHtml(data, 'arm-comparison', { clock, inference: inferenceTools });
    expect(/\bNaN\b/.test(html)).toBe(false);
  });
});

/** The ten-LA design of tests/fixtures/r/data/la10.csv as a trial: 300 schools in 10 LAs, LAs randomised within 2 regions; a survey outcome (one DSL per school) and an administrative one (pupils as weights). */
function laTrial(base: ReportData): ReportData {
  const rows = dataRows('la10.csv');
  const schools = rows.map((r, i) => ({
    urn: 500001 + i, name: r.school, laCode: r.la, laName: r.la, phase: 'Primary', type: null, pupils: Number(r.pupils), fsmPercent: 10, ofstedRating: null, urbanRural: null,
    enrolment: 'enrolled' as const, arm: r.arm as 'control' | 'intervention', stratum: r.region,
  }));
  const dsls = schools.map((s) => ({ id: `dsl-${s.urn}`, urn: s.urn, role: 'headteacher', status: 'active' as const }));
  const waves = [{ id: 1, name: 'baseline' as const, opensAt: '2025-01-01', closesAt: '2025-02-01', instruments: ['pss10@1'] }, { id: 2, name: 'endline' as const, opensAt: '2025-07-01', closesAt: '2025-08-01', instruments: ['pss10@1'] }];
  const scores = rows.flatMap((r, i) => [
    { waveId: 1, dslId: dsls[i].id, instrument: 'pss10@1', scale: 'total', value: Number(r.base) },
    { waveId: 2, dslId: dsls[i].id, instrument: 'pss10@1', scale: 'total', value: Number(r.y) },
  ]);
  const adminOutcomes = rows.map((r, i) => ({ urn: schools[i].urn, measure: 'contacts_nfa', outcomeCount: Number(r.y) * Number(r.pupils), outcomeMonths: 12, baselineCount: Number(r.base) * Number(r.pupils), baselineMonths: 12 }));
  return {
    ...base,
    trial: { ...base.trial, unit: 'local_authority', strata: ['region'], startsOn: '2025-01-01', endsOn: '2025-12-31' },
    randomisation: { method: 'stratified', algorithmVersion: 'dslkit-randomise/1', seed: 5, inputSha256: '0'.repeat(64), strata: ['region'], cluster: 'LA (code)', createdAt: '2024-12-01T00:00:00Z', imported: false, previews: 0 },
    schools, dsls, waves, invitations: [], waveResponses: [], scores, sessions: [], forms: [], quotes: [],
    adminOutcomes, adminWindows: { outcome: ['2025-01', '2025-12'], baseline: ['2024-01', '2024-12'] }, adminCoverage: undefined, derivedContacts: null,
    settings: { ...base.settings, primaryOutcome: 'admin:contacts_nfa', seType: 'auto', permutation: { on: false, draws: 10000, seed: null }, bootstrap: { on: false, draws: 2000, seed: null }, cace: { on: false, threshold: null } },
  };
}

describe('local authorities randomised (the ten-LA design)', () => {
  const R = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'analysis-fixtures.json'), 'utf8'));
  it('shows the exact permutation p beside CR2 although the settings do not ask, and says why; equal to R\'s enumeration', () => {
    const data = laTrial(loadReportData(db, DEMO_TRIAL_ID));
    const view = buildArmComparison(data, now, inferenceTools);
    const secondary = view.inference.secondary!;
    const row = secondary.rows.find((r) => r.label.startsWith('Perceived Stress'))!;
    // R: make-analysis-fixtures.R la10_exact: every allocation of the stratified procedure on the 10 LAs (200), clubSandwich CR2 t
    expect(R.permutation.la10_exact.p).toBe(0.01);
    expect(row.permutation).toBe(`${fmtP(R.permutation.la10_exact.p)} (exact)`);
    expect(row.modelP).toMatch(/\(CR2, by local authority\)$/);
    const notes = secondary.notes.join(' ');
    expect(notes).toContain("Permutation p exact: every one of the 200 allocations the trial's stratified allocation (complete randomisation within the recorded strata) can make on these 10 local authorities");
    expect(notes).toContain('Shown although the report settings do not ask for it: the trial randomised 10 local authorities');
  });

  it('an imported allocation is re-run by its declared method, and the note names it', () => {
    const base = laTrial(loadReportData(db, DEMO_TRIAL_ID));
    const data = { ...base, randomisation: { ...base.randomisation!, method: 'imported: LAs stratified by region, Stata 16', imported: true } };
    const view = buildArmComparison(data, now, inferenceTools);
    const row = view.inference.secondary!.rows.find((r) => r.label.startsWith('Perceived Stress'))!;
    expect(row.permutation).toBe(`${fmtP(R.permutation.la10_exact.p)} (exact)`);
    expect(view.inference.secondary!.notes.join(' ')).toContain('the imported allocation\'s declared method ("LAs stratified by region, Stata 16"), re-run as a stratified allocation');
  });

  it('--json carries it too, with the observed t of R\'s CR2 fit clustered by LA; the bootstrap resamples LAs within regions as R does', async () => {
    const { reportEstimates } = await import('../../reports/view-models/arm-comparison');
    const base = laTrial(loadReportData(db, DEMO_TRIAL_ID));
    const data = { ...base, settings: { ...base.settings, bootstrap: { on: true, draws: 400, seed: 11 } } };
    const est = reportEstimates(data, inferenceTools);
    const survey = est.secondary.find((e) => e.key === 'pss10:total')!;
    const p = survey.permutation as Json;
    expect([p.exact, p.draws, p.extreme, p.cluster, p.forced]).toEqual([true, 200, R.permutation.la10_exact.extreme, 'local authority', true]);
    expectClose(p.observed_t, R.permutation.la10_exact.observed_t, 1e-10, 'observed t');
    // R: la10_weighted: boot_cluster(la10, lm(y ~ base + factor(region) + treat, weights = pupils), la within region, set.seed(11), 400)
    const b = est.primary!.bootstrap as Json;
    const want = R.bootstrap.la10_weighted;
    expect(b.draws).toBe(want.draws);
    expectClose(b.percentile[0], want.percentile[0], 1e-9, 'percentile low'); expectClose(b.percentile[1], want.percentile[1], 1e-9, 'percentile high');
    expectClose(b.bca[0], want.bca[0], 1e-9, 'BCa low'); expectClose(b.bca[1], want.bca[1], 1e-9, 'BCa high');
  });
});
