// The report settings for randomisation inference (issue 15) over HTTP and the CLI: saved and audited, refused field by field in GOV.UK words, nothing saved; and the report with them on is axe-clean in Chromium.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import { staffFixture, signIn, request, type Signed, type StaffFixture } from '../staff/fixture';
import { runCli } from '../../server/cli';
import { loadReportData, loadReportSettings, saveReportSettings } from '../../server/storage/report-data-repo';
import { parseSettings } from '../../server/domain/report-inputs/parse';
import { renderReport } from '../../server/reports/render-trial-report';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../server/cli/commands/report';
import { captureIo, tempDb } from '../helpers/temp';
import { axeViolations } from '../helpers/browser';
import { fixtureClock, seedReportFixture } from './fixture';

describe('parseSettings: the inference fields', () => {
  const t = tempDb();
  const { trialId } = seedReportFixture(t.db);
  afterAll(() => t.cleanup());
  const current = () => loadReportSettings(t.db, trialId);
  const problems = (fields: Record<string, string>) => {
    try { parseSettings(fields, current()); return []; } catch (err) { return ((err as { problems?: Array<{ pointer: string; detail: string }> }).problems ?? []).map((p) => `${p.pointer}: ${p.detail}`); }
  };
  it('accepts "10,000" and keeps fields not given', () => {
    const s = parseSettings({ permutation: 'on', permutationDraws: '10,000', permutationSeed: ' 42 ' }, current());
    expect(s.permutation).toEqual({ on: true, draws: 10000, seed: 42 });
    expect(s.bootstrap).toEqual({ on: false, draws: 2000, seed: null });
    expect(s.cace).toEqual({ on: false, threshold: null });
  });
  it('a test switched on needs its seed (or number of sessions); numbers out of range name their field', () => {
    expect(problems({ permutation: 'on', bootstrap: 'on', cace: 'on' })).toEqual([
      '/permutation-seed: Enter a seed for the permutation test, like 20261201',
      '/bootstrap-seed: Enter a seed for the bootstrap, like 20261202',
      '/cace-threshold: Enter the number of formal sessions a school must receive to count as receiving supervision, like 3',
    ]);
    expect(problems({ permutation: 'maybe', permutationDraws: '99', permutationSeed: '-1', bootstrapDraws: '20001', bootstrapSeed: '1.5', caceThreshold: '0' })).toEqual([
      '/permutation: Select whether the report adds the permutation test: yes or no',
      '/permutation-draws: The number of re-randomisations must be a whole number between 100 and 100,000',
      '/permutation-seed: The permutation test seed must be a whole number between 1 and 2,147,000,000',
      '/bootstrap-draws: The number of bootstrap resamples must be a whole number between 100 and 20,000',
      '/bootstrap-seed: The bootstrap seed must be a whole number between 1 and 2,147,000,000',
      '/cace-threshold: The number of sessions must be a whole number between 1 and 50',
    ]);
  });
});

describe('the settings page', () => {
  let f: StaffFixture;
  let ev: Signed;
  const base = () => `/staff/trials/${f.ids.trial}/report-inputs`;
  const form = { 'primary-outcome': '', 'effect-size': 'glass', 'se-type': 'auto', icc: '', 'r2-cluster': '', 'r2-individual': '', 'cluster-size': '', alpha: '', power: '' };
  beforeAll(async () => { f = await staffFixture(); ev = await signIn(f, 'evaluator'); }, 60_000);
  afterAll(async () => { await f.close(); });

  it('saves the three settings (audited with before and after) and shows them again', async () => {
    const ok = await request(f, ev, 'post', `${base()}/settings`, { ...form, permutation: 'on', 'permutation-draws': '5,000', 'permutation-seed': '2026', bootstrap: 'on', 'bootstrap-draws': '1000', 'bootstrap-seed': '7', cace: 'on', 'cace-threshold': '3' });
    expect(ok.status).toBe(303);
    const row = f.server.deps.db.prepare("SELECT permutation_test, permutation_draws, permutation_seed, bootstrap_ci, bootstrap_draws, bootstrap_seed, cace, cace_threshold FROM report_settings WHERE trial_id = 't1'").get();
    expect(row).toEqual({ permutation_test: 1, permutation_draws: 5000, permutation_seed: 2026, bootstrap_ci: 1, bootstrap_draws: 1000, bootstrap_seed: 7, cace: 1, cace_threshold: 3 });
    const audit = f.server.deps.db.prepare("SELECT detail FROM audit_log WHERE action = 'report_inputs.settings' ORDER BY id DESC LIMIT 1").pluck().get() as string;
    expect(JSON.parse(audit)).toMatchObject({ before: { permutation: { on: false } }, after: { permutation: { on: true, draws: 5000, seed: 2026 }, cace: { on: true, threshold: 3 } } });
    const page = await (await request(f, ev, 'get', `${base()}/settings`)).text();
    expect(page).toMatch(/id="permutation-1" name="permutation" type="radio" value="on" checked/);
    expect(page).toContain('id="permutation-seed" name="permutation-seed" type="text" inputmode="numeric" spellcheck="false" aria-describedby="permutation-seed-hint" value="2026"');
  });

  it('refuses bad values with an error summary linking to each field and saves nothing', async () => {
    const before = f.server.deps.db.prepare("SELECT * FROM report_settings WHERE trial_id = 't1'").get();
    const audits = f.server.deps.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'report_inputs.settings'").pluck().get();
    const bad = await request(f, ev, 'post', `${base()}/settings`, { ...form, permutation: 'on', 'permutation-draws': 'lots', 'permutation-seed': '', bootstrap: 'on', 'bootstrap-draws': '2000', 'bootstrap-seed': '7', cace: 'on', 'cace-threshold': '99' });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain('govuk-error-summary');
    expect(html).toContain('<a href="#permutation-draws">The number of re-randomisations must be a whole number between 100 and 100,000</a>');
    expect(html).toContain('<a href="#permutation-seed">Enter a seed for the permutation test, like 20261201</a>');
    expect(html).toContain('<a href="#cace-threshold">The number of sessions must be a whole number between 1 and 50</a>');
    expect(html).toMatch(/<p class="govuk-error-message" id="permutation-draws-error"><span class="govuk-visually-hidden">Error:<\/span> The number of re-randomisations/);
    expect(html).toContain('value="lots"'); // what was typed is shown back
    expect(f.server.deps.db.prepare("SELECT * FROM report_settings WHERE trial_id = 't1'").get()).toEqual(before);
    expect(f.server.deps.db.prepare("SELECT count(*) FROM audit_log WHERE action = 'report_inputs.settings'").pluck().get()).toBe(audits);
  });
});

describe('dslkit report-inputs settings set', () => {
  it('sets and refuses the inference settings', async () => {
    const t = tempDb();
    try {
      const { trialId } = seedReportFixture(t.db);
      const cli = async (...args: string[]) => { const c = captureIo(); const code = await runCli(['report-inputs', 'settings', 'set', '--trial', trialId, ...args, '--db', t.file], c.io, {}, fixtureClock); return { code, out: c.out(), err: c.err() }; };
      const ok = await cli('--permutation', 'on', '--permutation-seed', '11', '--cace', 'on', '--cace-threshold', '2');
      expect(ok.code).toBe(0);
      expect(ok.out).toContain('permutation test 10000 re-runs (seed 11), bootstrap off, CACE at least 2 formal sessions and by dosage');
      const bad = await cli('--bootstrap', 'on');
      expect(bad.code).toBe(1);
      expect(bad.err).toContain('Enter a seed for the bootstrap');
      expect(loadReportSettings(t.db, trialId).bootstrap?.on).toBe(false);
    } finally { t.cleanup(); }
  });
});

const hasChromium = fs.existsSync(CHROMIUM_PATH);
describe.skipIf(!hasChromium && !process.env.CI)('the report with inference on, in Chromium', () => {
  it('axe-core finds no violation of any impact', async () => {
    const t = tempDb();
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
    try {
      const { trialId } = seedReportFixture(t.db);
      saveReportSettings(t.db, trialId, parseSettings({ permutation: 'on', permutationDraws: '200', permutationSeed: '3', bootstrap: 'on', bootstrapDraws: '200', bootstrapSeed: '4', cace: 'on', caceThreshold: '2' }, loadReportSettings(t.db, trialId)), fixtureClock().toISOString());
      expect(loadReportData(t.db, trialId).settings.permutation?.on).toBe(true);
      const file = path.join(t.dir, 'report.html');
      const html = await renderReport(t.db, { trialId, kind: 'arm-comparison', clock: fixtureClock });
      expect(html).toContain('Table 3b.');
      expect(html).toContain('Table 5b.');
      fs.writeFileSync(file, html);
      const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
      await page.goto(`file://${file}`);
      const found = (await axeViolations(page)).map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(' ')}`);
      expect(found).toEqual([]);
    } finally { await browser.close(); t.cleanup(); }
  }, 120_000);
});
