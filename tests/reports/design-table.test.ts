// The arm-comparison report's design table names the blocking the allocation used (the FSM-median blocks the models adjust for, an imported file's blocks, LA clusters), where the allocation came from, the answer key the CSA survey was scored with (and scores not rescored since it changed), and each outcome with its measure and data source: on the demo trial, an imported allocation and an LA-cluster allocation.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo, tempDb, tempDir } from '../helpers/temp';
import { runCli } from '../../server/cli';
import { openDatabase } from '../../server/storage/db';
import { renderReport } from '../../server/reports/render-trial-report';
import { buildArmComparison, type ArmComparisonView } from '../../reports/view-models/arm-comparison';
import { loadReportData } from '../../server/storage/report-data-repo';
import { setAnswerKey } from '../../server/storage/answer-key-repo';
import { rescoreTrial } from '../../server/storage/rescore-repo';
import type { Db } from '../../server/storage/db';
import { fixtureClock, seedReportFixture } from './fixture';

const fact = (v: ArmComparisonView, label: string) => v.design.find((d) => d.label === label)?.value ?? `(no "${label}" row)`;
const view = (db: Db, trialId: string) => buildArmComparison(loadReportData(db, trialId), fixtureClock());

describe('design table on the demo trial (niesr-fsm-median allocation)', () => {
  let t: ReturnType<typeof tempDb>;
  let trialId: string;
  beforeEach(() => { t = tempDb(); trialId = seedReportFixture(t.db).trialId; });
  afterEach(() => t.cleanup());

  it('names the two FSM-median blocks with their schools, the models\' block dummies and the dslkit allocation', () => {
    const v = view(t.db, trialId);
    const blocks = t.db.prepare('SELECT stratum, count(*) AS n, min(s.fsm_percent) AS lo, max(s.fsm_percent) AS hi FROM allocations a JOIN schools s ON s.urn = a.urn WHERE a.trial_id = ? GROUP BY stratum ORDER BY stratum').all(trialId) as Array<{ stratum: string; n: number; lo: number; hi: number }>;
    expect(blocks.map((b) => b.stratum)).toEqual(['fsm-high', 'fsm-low']);
    const text = fact(v, 'Blocking and strata');
    expect(text).not.toMatch(/None|unstratified/);
    const [high, low] = blocks;
    expect(text).toContain(`“fsm-low” (${low.n} schools, ${low.lo.toFixed(1)}–${low.hi.toFixed(1)}% FSM)`);
    expect(text).toContain(`“fsm-high” (${high.n} schools, ${high.lo.toFixed(1)}–${high.hi.toFixed(1)}% FSM)`);
    expect(text).toContain('the outcome models include a dummy for each of them (strata dummies)');
    // The model the report fits does include them: the method note names the strata dummies.
    expect(v.primary!.methodNote).toContain('strata dummies');
    expect(fact(v, 'Allocation source')).toMatch(/^Made by dslkit: niesr-fsm-median \(algorithm dslkit-randomise\/1, seed 20240901\), run 22 August 2024; input SHA-256 [0-9a-f]{12}…/);
    expect(v.design.some((d) => d.label === 'Strata' || d.label === 'Randomisation')).toBe(false);
  });

  it('names the bundled CSA answer key, then the trial\'s own key by version, and says which scores predate it until a rescore', () => {
    const bundled = fact(view(t.db, trialId), 'CSA survey answer key');
    expect(bundled).toMatch(/^Recognising and responding to possible child sexual abuse \(dslkit\), version 1 \(csa-identification@1\), scales Knowledge of signs and indicators \(proportion correct\); Vignette actions matching the key \(proportion\): the bundled key, not replaced for this trial \(illustrative/);
    const at1 = '2026-02-01T09:00:00.000Z';
    setAnswerKey(t.db, { trialId, instrument: 'csa-identification@1', key: { csa_identification_know_01: 'false' }, at: at1, actor: 'cli:test' });
    // Every csa-identification knowledge/vignette score in the demo was computed before that (the waves were scored when seeded).
    const keyedScores = Number(t.db.prepare(`SELECT count(*) FROM scores s JOIN responses r ON r.id = s.response_id JOIN waves w ON w.id = r.wave_id
      WHERE w.trial_id = ? AND s.instrument = 'csa-identification@1' AND s.scale IN ('knowledge', 'vignettes') AND s.computed_at < ?`).pluck().get(trialId, at1));
    expect(keyedScores).toBeGreaterThan(0);
    const own = fact(view(t.db, trialId), 'CSA survey answer key');
    expect(own).toContain('the trial\'s own key, version 1, stored 1 February 2026; it replaces 1 entry of the bundled key');
    expect(own).toContain(`${keyedScores.toLocaleString('en-GB')} scores of these scales were computed before this key was stored and not rescored since (dslkit rescore --trial ${trialId})`);
    const fingerprint = (s: string) => /key fingerprint ([0-9a-f]{12})/.exec(s)![1];
    expect(fingerprint(own)).not.toBe(fingerprint(bundled));

    setAnswerKey(t.db, { trialId, instrument: 'csa-identification@1', key: { csa_identification_know_01: 'false', csa_identification_know_02: 'true' }, at: '2026-02-02T09:00:00.000Z', actor: 'cli:test' });
    expect(fact(view(t.db, trialId), 'CSA survey answer key')).toContain('version 2, stored 2 February 2026; it replaces 2 entries');
    rescoreTrial(t.db, { trialId, dryRun: false, at: '2026-02-03T09:00:00.000Z', actor: 'cli:test' });
    const after = fact(view(t.db, trialId), 'CSA survey answer key');
    expect(after).toContain('Every score of these scales was computed with it');
    expect(after).not.toContain('not rescored');
  });

  it('lists every outcome with its role, measure and data source, primary first', async () => {
    const v = view(t.db, trialId);
    const rows = v.designOutcomes.rows;
    const analysed = [...(v.primary?.rows ?? []), ...v.secondary.flatMap((s) => s.rows)].map((r) => r.key);
    expect(rows[0]).toMatchObject({ outcome: 'Contacts leading to no further action (NFA)', role: 'Primary' });
    expect(rows[0].source).toBe('Local authority administrative data: children\'s social care records, measure “contacts_nfa”, counted per school and month and imported into dslkit');
    expect(rows[0].measure).toMatch(/^Count per school from September 2024 to August 2025 as a proportion of pupils on roll; baseline: the same count in the 12 months before \(94 of 94 schools with a value so far\)$/);
    expect(rows.filter((r) => r.role === 'Primary')).toHaveLength(1);
    expect(rows.length).toBeGreaterThanOrEqual(analysed.length);
    const pss = rows.find((r) => r.outcome.startsWith('Perceived Stress Scale'))!;
    expect(pss.source).toBe('DSL survey: Perceived Stress Scale (PSS-10), version 1 (pss10@1)');
    expect(pss.measure).toMatch(/^Perceived stress: each responding DSL's score in the endline wave \(19 February 2026 to 31 March 2026\); baseline: the same scale in the baseline wave \(8 August 2024 to 15 September 2024\) \(0 of \d+ DSLs with a value so far\)$/);
    expect(rows.find((r) => r.outcome.includes('Knowledge of signs'))!.source).toContain('(csa-identification@1), scored against the answer key named above');
    const html = await renderReport(t.db, { trialId, kind: 'arm-comparison', clock: fixtureClock });
    expect(html).toContain('<caption>Outcomes, their measures and data sources</caption>');
    expect(html).toContain('<tr><th scope="row">Contacts leading to no further action (NFA)</th><td>Primary</td>');
  });
});

describe('design table on allocations made elsewhere or by LA', () => {
  const sample = path.join(__dirname, '../fixtures/randomisation/schools-gias-sample.csv');
  let dir: ReturnType<typeof tempDir>;
  let dbFile: string;
  beforeEach(() => { dir = tempDir(); dbFile = path.join(dir.dir, 'a.db'); });
  afterEach(() => dir.cleanup());
  const cli = async (...args: string[]) => {
    const c = captureIo();
    const code = await runCli(args, c.io, { DSLKIT_DB: dbFile, DSLKIT_SECRET_FILE: path.join(dir.dir, 'secret.key') }, () => new Date('2026-03-02T09:00:00Z'));
    expect(code, c.err()).toBe(0);
  };
  const urns = () => fs.readFileSync(sample, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
  const provenance = ['--method', 'blocked by median pnumfsmever, alternating within blocks (Appendix D)', '--seed', '3837398', '--software', 'Stata 16.1', '--date', '2019-09-20'];

  it('an imported allocation: the file\'s blocks, its provenance and file name', async () => {
    await cli('trial', 'create', '--id', 'imp', '--title', 'Imported');
    await cli('import', 'schools', sample, '--trial', 'imp');
    const file = path.join(dir.dir, 'stata-allocation.csv');
    fs.writeFileSync(file, `URN,T,fsmblock\n${urns().map((u, i) => `${u},${i % 2},${i < 120 ? 1 : 2}`).join('\n')}\n`);
    await cli('allocation', 'import', '--trial', 'imp', '--file', file, ...provenance);
    const db = openDatabase(dbFile);
    try {
      const v = view(db, 'imp');
      expect(fact(v, 'Blocking and strata')).toBe('2 blocks from the imported file\'s “fsmblock” column: “1” (120 schools), “2” (80 schools); the outcome models include a dummy for each of them (strata dummies)');
      expect(fact(v, 'Allocation source')).toMatch(/^Imported: allocation made outside dslkit \(blocked by median pnumfsmever, alternating within blocks \(Appendix D\)\) with Stata 16\.1, seed 3837398, on 20 September 2019; allocation file “stata-allocation\.csv”, SHA-256 [0-9a-f]{12}…$/);
      expect(v.designOutcomes.rows).toEqual([]);
      expect(v.designOutcomes.notes).toEqual(['The trial has no start and end dates, so there is no window for local authority administrative outcomes.', 'The trial has no endline survey wave, so no survey outcomes.']);
    } finally { db.close(); }
  });

  it('an imported allocation without a block column says none was recorded', async () => {
    await cli('trial', 'create', '--id', 'imp2', '--title', 'Imported');
    await cli('import', 'schools', sample, '--trial', 'imp2');
    const file = path.join(dir.dir, 'plain.csv');
    fs.writeFileSync(file, `URN,arm\n${urns().map((u, i) => `${u},${i % 2 ? 'intervention' : 'control'}`).join('\n')}\n`);
    await cli('allocation', 'import', '--trial', 'imp2', '--file', file, ...provenance);
    const db = openDatabase(dbFile);
    try {
      expect(fact(view(db, 'imp2'), 'Blocking and strata')).toBe('None recorded: the imported file has no stratum or block column; with one stratum the models have no stratum dummies');
    } finally { db.close(); }
  });

  it('local authorities randomised as clusters: how many LAs, by which column', async () => {
    await cli('trial', 'create', '--id', 'las', '--title', 'By LA');
    await cli('import', 'schools', sample, '--trial', 'las');
    await cli('randomise', '--trial', 'las', '--seed', '77', '--method', 'stratified', '--cluster', 'LA (code)');
    const db = openDatabase(dbFile);
    try {
      const las = Number(db.prepare("SELECT count(DISTINCT s.la_code) FROM allocations a JOIN schools s ON s.urn = a.urn WHERE a.trial_id = 'las'").pluck().get());
      expect(las).toBeGreaterThan(2);
      const v = view(db, 'las');
      expect(fact(v, 'Blocking and strata')).toBe(`Local authorities randomised as whole clusters (column “LA (code)”): ${las} local authorities, every school in an LA in its arm; with one stratum the models have no stratum dummies`);
      expect(fact(v, 'Allocation source')).toMatch(/^Made by dslkit: stratified \(algorithm dslkit-randomise\/1, seed 77\)/);
    } finally { db.close(); }
  });
});
