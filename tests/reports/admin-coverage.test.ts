// No wrong answer without a word (issue 11): monthly LA outcome data with gaps are not summed as if complete. The reproduction: deleting 9 of the 12 outcome-window months for 40 intervention schools gave a spurious p < 0.001 with no warning; now those schools are left out of the administrative analyses by default, the report says how many and why with a month-by-month coverage table, and pro-rating is an explicit setting named in the report. Contacts = NFA + referrals (Bolton Table 4 footnote) are derived when only the parts were imported, and the report says so.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp';
import { openDatabase, type Db } from '../../server/storage/db';
import { seedDemo, DEMO_TRIAL_ID } from '../../server/domain/demo/seed-demo';
import { loadReportData } from '../../server/storage/report-data-repo';
import { buildArmComparison } from '../../reports/view-models/arm-comparison';
import { renderReportHtml } from '../../reports/render';
import { monthsBetween } from '../../reports/view-models/admin-coverage';
import { runCli } from '../../server/cli';
import { captureIo } from '../helpers/temp';

const clock = () => new Date('2026-11-20T12:00:00Z');
let dir: ReturnType<typeof tempDir>;
let db: Db;
beforeEach(() => {
  dir = tempDir();
  db = openDatabase(path.join(dir.dir, 'c.db'));
  seedDemo(db, { clock, secret: Buffer.alloc(32, 7) });
});
afterEach(() => { db.close(); dir.cleanup(); });

const interventionUrns = (n: number) => (db.prepare("SELECT urn FROM allocations WHERE trial_id = 'demo' AND arm = 'intervention' ORDER BY urn LIMIT ?").all(n) as { urn: number }[]).map((r) => r.urn);
function deleteMonths(urns: number[], months: string[]): number {
  const del = db.prepare(`DELETE FROM admin_outcomes WHERE urn = ? AND period IN (${months.map(() => '?').join(',')})`);
  return urns.reduce((n, u) => n + del.run(u, ...months).changes, 0);
}

describe('gaps in monthly LA outcome data', () => {
  it('the reproduction: 40 intervention schools with 9 of 12 months deleted are left out, the report says so, and p is no longer spurious', () => {
    const data0 = loadReportData(db, DEMO_TRIAL_ID);
    const window = monthsBetween(...data0.adminWindows.outcome!);
    // demo timeline for 2026-11-20: the intervention ran September 2025 to August 2026 (server/domain/demo/seed-demo.ts demoTimeline)
    expect(window).toEqual(monthsBetween('2025-09', '2026-08'));
    const clean = buildArmComparison(data0, clock());
    const cleanP = clean.primary!.rows[0].p;
    const urns = interventionUrns(40);
    expect(deleteMonths(urns, window.slice(3))).toBe(40 * 9 * 9); // 9 measures a month in the demo
    const gappy = loadReportData(db, DEMO_TRIAL_ID);
    // what the code did before coverage was tracked (every school taken as covering every month): a spurious effect
    const blind = buildArmComparison({ ...gappy, adminCoverage: undefined }, clock());
    expect(blind.primary!.rows[0].p).toBe('<0.001');
    expect(blind.coverage).toBeNull();
    const view = buildArmComparison(gappy, clock());
    expect(view.coverage!.statement).toMatch(/analysed only for schools with LA data for every month of the outcome window \(September 2025 to August 2026\) and of the baseline window \(September 2024 to August 2025\)/);
    expect(view.coverage!.statement).toContain('54 of 94 allocated schools qualify (intervention 7 of 47, control 47 of 47). 40 schools are left out for gaps in the monthly data (intervention 40, control 0).');
    expect(view.coverage!.excluded).toHaveLength(40);
    expect(view.coverage!.excluded[0]).toEqual({ urn: String(urns[0]), arm: 'Intervention', reason: 'outcome window: 9 of 12 months missing (2025-12, 2026-01, 2026-02 and 6 more)' });
    // the month table: December 2025 onward only 7 intervention schools have data
    expect(view.coverage!.rows.find((r) => r.month === 'December 2025')).toEqual({ month: 'December 2025', window: 'outcome', intervention: '7 of 47', control: '47 of 47' });
    expect(view.coverage!.rows.find((r) => r.month === 'November 2025')).toMatchObject({ intervention: '47 of 47' });
    // the primary analysis uses the 54 complete schools: no spurious p < 0.001 (before the fix it was computed on 3-month sums for 40 schools)
    const primary = view.primary!.rows[0];
    expect(primary.interventionN).toMatch(/^Schools: 7 \(40\)/);
    expect(primary.p).not.toMatch(/< ?0\.001/);
    expect(cleanP).not.toMatch(/< ?0\.001/);
    expect(view.primary!.notes.join(' ')).toContain('40 schools with gaps left out: see Administrative data coverage');
    // CONSORT and attrition count them as not followed up
    expect(view.consort.rows.find((r) => r.stage === 'Followed up')!.intervention).toMatch(/^7 schools/);
  });

  it('a baseline-window gap leaves the school out too, while the baseline covariate is in use', () => {
    const data0 = loadReportData(db, DEMO_TRIAL_ID);
    const [urn] = interventionUrns(1);
    deleteMonths([urn], [data0.adminWindows.baseline![0]]);
    const view = buildArmComparison(loadReportData(db, DEMO_TRIAL_ID), clock());
    expect(view.coverage!.excluded).toEqual([{ urn: String(urn), arm: 'Intervention', reason: 'baseline window: 1 of 12 months missing (2024-09)' }]);
  });

  it('pro-rating is a report setting, named in the report: windows with at least half their months are scaled up', async () => {
    const data0 = loadReportData(db, DEMO_TRIAL_ID);
    const window = monthsBetween(...data0.adminWindows.outcome!);
    const [a, b] = interventionUrns(2);
    deleteMonths([a], window.slice(8)); // 8 of 12 kept: pro-rated x 12/8
    deleteMonths([b], window.slice(3)); // 3 of 12 kept: still left out
    const data = loadReportData(db, DEMO_TRIAL_ID);
    data.settings.adminMissingMonths = 'prorate';
    const view = buildArmComparison(data, clock());
    expect(view.coverage!.statement).toMatch(/^Report setting "pro-rate missing months"/);
    expect(view.coverage!.statement).toContain('1 school is pro-rated.');
    expect(view.coverage!.excluded).toEqual([{ urn: String(b), arm: 'Intervention', reason: 'outcome window: 9 of 12 months missing (2025-12, 2026-01, 2026-02 and 6 more), more than half' }]);
    expect(view.primary!.notes.join(' ')).toContain('pro-rated (report setting');
    const html = await renderReportHtml(data, 'arm-comparison', { clock });
    expect(html).toContain('<section id="coverage"><h2>Administrative data coverage</h2>');
    expect(html).toContain('Report setting &quot;pro-rate missing months&quot;');
  });

  it('the setting is stored with dslkit report-inputs settings set --missing-months (bad values refused) and read by the report', async () => {
    const file = path.join(dir.dir, 'c.db');
    const cli = async (...args: string[]) => { const c = captureIo(); const code = await runCli(args, c.io, { DSLKIT_DB: file }, clock); return { code, out: c.out(), err: c.err() }; };
    const bad = await cli('report-inputs', 'settings', 'set', '--trial', 'demo', '--missing-months', 'guess');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/Select how months missing from LA outcome data are treated/);
    expect(loadReportData(db, DEMO_TRIAL_ID).settings.adminMissingMonths).toBe('complete');
    const ok = await cli('report-inputs', 'settings', 'set', '--trial', 'demo', '--missing-months', 'prorate');
    expect(ok.out).toContain('missing LA outcome months pro-rated');
    expect(loadReportData(db, DEMO_TRIAL_ID).settings.adminMissingMonths).toBe('prorate');
    expect(buildArmComparison(loadReportData(db, DEMO_TRIAL_ID), clock()).coverage!.statement).toMatch(/^Report setting "pro-rate missing months"/);
  });

  it('complete data: nobody left out, and the report says so', () => {
    const view = buildArmComparison(loadReportData(db, DEMO_TRIAL_ID), clock());
    expect(view.coverage!.statement).toContain('94 of 94 allocated schools qualify');
    expect(view.coverage!.statement).toContain('No school is left out for gaps in the monthly data.');
    expect(view.coverage!.rows).toHaveLength(24);
  });
});

describe('contacts = NFA + referrals', () => {
  it('derives contacts when only the parts were imported, with the same numbers, and says so', () => {
    const before = buildArmComparison(loadReportData(db, DEMO_TRIAL_ID), clock());
    const row = (v: typeof before) => v.secondary[0].rows.find((r) => r.key === 'admin:contacts')!;
    // the demo's contacts are exactly contacts_nfa + referrals (seed-demo.ts seedOutcomes), so deriving them must reproduce the imported row
    expect(db.prepare("DELETE FROM admin_outcomes WHERE measure = 'contacts'").run().changes).toBe(94 * 24);
    const data = loadReportData(db, DEMO_TRIAL_ID);
    expect(data.derivedContacts).toEqual({ schools: 94, schoolMonths: 94 * 24 });
    const after = buildArmComparison(data, clock());
    expect({ ...row(after), problem: null }).toEqual({ ...row(before), problem: null });
    expect(after.secondary[0].notes.join(' ')).toContain('Contacts were not imported for 94 schools (2256 school-months): there they are derived as contacts leading to NFA plus contacts leading to referral (Bolton report, Table 4 footnote)');
    expect(before.secondary[0].notes.join(' ')).not.toContain('derived as contacts leading to NFA');
  });
});
