// The arm-comparison report's multilevel effect sizes (issue 15): off by default (report unchanged), and when the report settings ask, a table of EEF Hedges' g (total and within) per survey outcome, leading with the chosen one, equal to the mixed model fitted directly.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDb } from '../helpers/temp';
import type { Db } from '../../server/storage/db';
import { fixtureClock, seedReportFixture } from './fixture';
import { loadReportData, loadReportSettings, saveReportSettings } from '../../server/storage/report-data-repo';
import { buildArmComparison } from '../../reports/view-models/arm-comparison';
import { mixedModelItt } from '../../reports/analysis/mixed-model-itt';
import { renderReportHtml } from '../../reports/render';
import { parseSettings } from '../../server/domain/report-inputs/parse';
import { fmtCi, fmtNumber, fmtP } from '../../reports/view-models/format';
import fs from 'node:fs';
import path from 'node:path';
import { ittAnalysis } from '../../reports/analysis';
import { mlmSection, type Analysed } from '../../reports/view-models/arm-comparison';
import { dataRows, fixtureDir } from '../analysis/r-fixtures';

const clock = fixtureClock;
let t: ReturnType<typeof tempDb>;
let db: Db;
let DEMO_TRIAL_ID: string;
beforeEach(() => { t = tempDb(); db = t.db; DEMO_TRIAL_ID = seedReportFixture(db).trialId; });
afterEach(() => t.cleanup());

describe('multilevel effect sizes in the arm-comparison report', () => {
  it('are off by default: no table, no section', async () => {
    expect(loadReportSettings(db, DEMO_TRIAL_ID).mlmEffectSize).toBe('off');
    const data = loadReportData(db, DEMO_TRIAL_ID);
    expect(buildArmComparison(data, clock()).mlm).toBeNull();
    expect(await renderReportHtml(data, 'arm-comparison', { clock })).not.toMatch(/Multilevel model effect sizes/);
  });
  it('when set, lead with the chosen Hedges\' g and equal the mixed model fitted on the same rows (DSL rows of tests/fixtures/r/data/mlm-dsl.csv)', async () => {
    saveReportSettings(db, DEMO_TRIAL_ID, parseSettings({ mlmEffectSize: 'within' }, loadReportSettings(db, DEMO_TRIAL_ID)), clock().toISOString());
    const data = loadReportData(db, DEMO_TRIAL_ID);
    expect(data.settings.mlmEffectSize).toBe('within');
    // the report fixture has no endline survey answers yet, so the survey outcome is given as the report's dataset rows
    const rows = dataRows('mlm-dsl.csv').map((r) => ({ urn: r.school, arm: r.arm === '1' ? 'intervention' : 'control', y: r.y === 'NA' ? null : Number(r.y), baseline: Number(r.base), stratum: r.region }));
    const dataset = { key: 'wellbeing:total', label: 'Wellbeing (total)', kind: 'score', rows, hasBaseline: true } as unknown as Analysed['dataset'];
    const itt = ittAnalysis(rows, { outcome: 'y', arm: 'arm', cluster: 'urn', baseline: 'baseline', strata: ['stratum'] });
    const view = mlmSection([{ dataset, result: itt, problem: null, pending: false }], data)!;
    expect(view.leadName).toMatch(/within-school variance/);
    // R: lmerTest::lmer(y ~ arm + base + factor(region) + (1 | school), REML) on the same rows (make-analysis-fixtures.R, mlm.two_level_reml)
    const R = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'analysis-fixtures.json'), 'utf8')).mlm.two_level_reml;
    expect(view.rows[0].lead).toBe(`${fmtNumber(R.hedges_g_within.value, 3)} ${fmtCi(R.hedges_g_within.ci, 3)}`);
    expect(view.rows[0].other).toBe(`${fmtNumber(R.hedges_g_total.value, 3)} ${fmtCi(R.hedges_g_total.ci, 3)}`);
    expect(view.note).toMatch(/fitted by REML \(as R lme4::lmer\)/);
    const m = mixedModelItt(rows, { outcome: 'y', arm: 'arm', cluster: 'urn', levels: ['urn'], baseline: 'baseline', strata: ['stratum'] });
    expect(view.rows[0].p).toBe(fmtP(m.p));
  });
  it('a bad setting is refused with one sentence', () => {
    expect(() => parseSettings({ mlmEffectSize: 'both' }, loadReportSettings(db, DEMO_TRIAL_ID))).toThrow(/report settings were not saved/);
  });
});
