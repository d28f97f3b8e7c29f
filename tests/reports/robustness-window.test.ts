// The robustness sub-window is a report setting (issue 16; migration 029): by default the latter half of the outcome window, set with `dslkit report-inputs settings set --robustness-window`, bad values refused; the report re-runs the primary model on those months from the stored monthly counts, or says in a sentence that they have no data.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureIo, tempDir } from '../helpers/temp';
import { openDatabase, type Db } from '../../server/storage/db';
import { seedDemo, DEMO_TRIAL_ID } from '../../server/domain/demo/seed-demo';
import { loadReportData } from '../../server/storage/report-data-repo';
import { buildArmComparison } from '../../reports/view-models/arm-comparison';
import { ittAnalysis } from '../../reports/analysis';
import { adminDatasets } from '../../reports/view-models/outcomes';
import { fmtNumber } from '../../reports/view-models/format';
import { runCli } from '../../server/cli';

const clock = () => new Date('2026-11-20T12:00:00Z');
let dir: ReturnType<typeof tempDir>;
let db: Db;
let file: string;
beforeEach(() => { dir = tempDir(); file = path.join(dir.dir, 'w.db'); db = openDatabase(file); seedDemo(db, { clock, secret: Buffer.alloc(32, 7) }); });
afterEach(() => { db.close(); dir.cleanup(); });
const cli = async (...args: string[]) => { const c = captureIo(); const code = await runCli(args, c.io, { DSLKIT_DB: file }, clock); return { code, out: c.out(), err: c.err() }; };
const subRow = () => buildArmComparison(loadReportData(db, DEMO_TRIAL_ID), clock()).robustness!.rows.find((r) => r.label.startsWith('Outcome months'));

describe('the robustness sub-window', () => {
  it('defaults to the latter half of the outcome window, summed from the monthly counts in the database', () => {
    const data = loadReportData(db, DEMO_TRIAL_ID);
    // demo outcome window September 2025 to August 2026 (admin-coverage.test.ts): the latter half is March to August 2026
    expect(data.adminSubWindow!.months).toEqual(['2026-03', '2026-08']);
    const row = subRow()!;
    expect(row.label).toBe('Outcome months March 2026 to August 2026 only');
    // independently: the NFA counts of those months straight from admin_outcomes, over pupils, in the report's model
    const counts = new Map((db.prepare("SELECT urn, SUM(count) AS n FROM admin_outcomes WHERE measure = 'contacts_nfa' AND period BETWEEN '2026-03' AND '2026-08' GROUP BY urn").all() as { urn: number; n: number }[]).map((r) => [r.urn, r.n]));
    const nfa = adminDatasets(data).find((d) => d.key === 'admin:contacts_nfa')!;
    const rows = nfa.rows.map((r) => ({ ...r, y: (counts.get(Number(r.urn)) ?? 0) / (r.pupils as number) }));
    const r = ittAnalysis(rows, { outcome: 'y', arm: 'arm', cluster: 'urn', baseline: 'baseline', strata: ['stratum'], weight: 'pupils', proportion: true, se: 'cr1' });
    expect(row.estimate).toBe(fmtNumber(r.estimate * 100, 3));
    expect(row.se).toBe(fmtNumber(r.se * 100, 3));
  });

  it('is a report setting: set, named in the report, refused when wrong, cleared with an empty value', async () => {
    const ok = await cli('report-inputs', 'settings', 'set', '--trial', 'demo', '--robustness-window', '2026-01 to 2026-03');
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('robustness months 2026-01 to 2026-03');
    expect(loadReportData(db, DEMO_TRIAL_ID).settings.robustnessWindow).toEqual(['2026-01', '2026-03']);
    expect(subRow()!.label).toBe('Outcome months January 2026 to March 2026 only');
    expect(subRow()!.method).toContain('(report setting)');

    for (const [bad, message] of [['2026-03 to 2026-01', /must not be after its last month/], ['January to March', /like 2026-01 to 2026-03/], ['2026-13 to 2026-14', /like 2026-01 to 2026-03/]] as const) {
      const r = await cli('report-inputs', 'settings', 'set', '--trial', 'demo', '--robustness-window', bad);
      expect(r.code, bad).toBe(1);
      expect(r.err).toMatch(message);
      expect(loadReportData(db, DEMO_TRIAL_ID).settings.robustnessWindow).toEqual(['2026-01', '2026-03']);
    }
    await cli('report-inputs', 'settings', 'set', '--trial', 'demo', '--robustness-window', '');
    expect(loadReportData(db, DEMO_TRIAL_ID).settings.robustnessWindow).toBeNull();
    expect(subRow()!.label).toBe('Outcome months March 2026 to August 2026 only');
  });

  it('months without data: a sentence, no row', async () => {
    // the LA has not sent June to August 2026 yet; the primary analysis pro-rates the 9 months it has (report setting)
    db.prepare("DELETE FROM admin_outcomes WHERE period BETWEEN '2026-06' AND '2026-08'").run();
    expect((await cli('report-inputs', 'settings', 'set', '--trial', 'demo', '--robustness-window', '2026-06 to 2026-08', '--missing-months', 'prorate')).code).toBe(0);
    const view = buildArmComparison(loadReportData(db, DEMO_TRIAL_ID), clock()).robustness!;
    expect(view.rows.some((r) => r.label.startsWith('Outcome months'))).toBe(false);
    expect(view.sentences).toContain('The sub-window June 2026 to August 2026 has no LA outcome data yet, so the primary model could not be re-run on it.');
  });

  it('months outside the outcome window: a sentence saying so, not baseline months taken for outcomes', async () => {
    expect((await cli('report-inputs', 'settings', 'set', '--trial', 'demo', '--robustness-window', '2025-06 to 2025-10')).code).toBe(0);
    const view = buildArmComparison(loadReportData(db, DEMO_TRIAL_ID), clock()).robustness!;
    expect(view.rows.some((r) => r.label.startsWith('Outcome months'))).toBe(false);
    expect(view.sentences.join(' ')).toContain('June 2025 to October 2025, are not all inside the outcome window (September 2025 to August 2026)');
  });
});
