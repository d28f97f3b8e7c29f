// Every school has a known status: recorded from the staff school page (evaluators only, CSRF, GOV.UK error summary, audited) and from `dslkit school status`, with dates and reasons; the arm-comparison report's CONSORT flow, attrition table and Table 5 use them (the demo, shaped like Bolton: 46 of 47 intervention schools received the intervention).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffFixture, signIn, request, type StaffFixture, type Signed } from './fixture';
import { runCli } from '../../server/cli';
import { captureIo, tempDir } from '../helpers/temp';
import { openDatabase } from '../../server/storage/db';
import { seedDemo, DEMO_TRIAL_ID } from '../../server/domain/demo/seed-demo';
import { loadReportData } from '../../server/storage/report-data-repo';
import { buildArmComparison } from '../../reports/view-models/arm-comparison';
import { listSchoolStatuses, recordSchoolStatus } from '../../server/storage/school-status-repo';
import { enrolledSchoolsTable } from '../../server/storage/school-repo';

let f: StaffFixture;
let evaluator: Signed;
let supervisor: Signed;
beforeAll(async () => {
  f = await staffFixture();
  evaluator = await signIn(f, 'evaluator');
  supervisor = await signIn(f, 'supervisor');
}, 60_000);
afterAll(async () => { await f.close(); });

const events = () => (f.server.deps.db.prepare('SELECT count(*) AS n FROM school_status_events').get() as { n: number }).n;
const audits = () => (f.server.deps.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'school.status'").get() as { n: number }).n;

describe('the staff school page', () => {
  it('lists the trial\'s schools with their status and the form, for evaluators only', async () => {
    const res = await request(f, evaluator, 'get', '/staff/trials/t1/schools');
    expect(res.status).toBe(200);
    const html = await res.text();
    for (const urn of [100001, 100002, 100003, 100004]) expect(html).toContain(`>${urn}<`);
    expect(html).toContain('name="status" type="radio" value="attendance-missing"');
    expect((await request(f, supervisor, 'get', '/staff/trials/t1/schools')).status).toBe(403);
    expect((await request(f, supervisor, 'post', '/staff/trials/t1/school-status', { urn: '100004', status: 'excluded', date: '2026-02-01', reason: 'x' })).status).toBe(403);
  });

  it('refuses a bad form with a GOV.UK error summary and field errors, storing nothing', async () => {
    const before = [events(), audits()];
    const res = await request(f, evaluator, 'post', '/staff/trials/t1/school-status', { urn: '100004', status: 'excluded', date: '2026-02-30', reason: '' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('govuk-error-summary');
    expect(html).toContain('<title>Error:');
    expect(html).toContain('<a href="#date">&quot;2026-02-30&quot; is not a date written YYYY-MM-DD.</a>');
    expect(html).toMatch(/<a href="#reason">Enter the reason/);
    expect(html).toContain('id="date-error"');
    expect([events(), audits()]).toEqual(before);
    // a future date is refused too (the fixture clock is 2026-03-02)
    expect((await request(f, evaluator, 'post', '/staff/trials/t1/school-status', { urn: '100004', status: 'excluded', date: '2026-03-03', reason: 'r' })).status).toBe(400);
    // unknown URN in this trial
    const unknown = await request(f, evaluator, 'post', '/staff/trials/t1/school-status', { urn: '200001', status: 'excluded', date: '2026-02-01', reason: 'r' });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('<a href="#urn">URN 200001 is not in this trial</a>');
  });

  it('refuses a post without the CSRF token', async () => {
    const res = await request(f, evaluator, 'post', '/staff/trials/t1/school-status', { urn: '100004', status: 'excluded', date: '2026-02-01', reason: 'r' }, { csrf: null });
    expect(res.status).toBe(403);
    expect(listSchoolStatuses(f.server.deps.db, 't1').find((s) => s.urn === 100004)?.status).toBe('enrolled');
  });

  it('records an exclusion before randomisation with date and reason, audited; the same again changes nothing', async () => {
    const before = [events(), audits()];
    // t2 is not randomised yet (tests/staff/fixture.ts)
    const form = { urn: '200001', status: 'excluded', date: '2026-02-15', reason: 'Closing in July <b>' };
    const res = await request(f, evaluator, 'post', '/staff/trials/t2/school-status', form);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/trials/t2/schools?recorded=200001&changed=1');
    expect(listSchoolStatuses(f.server.deps.db, 't2').find((s) => s.urn === 200001)).toMatchObject({ status: 'excluded', statusOn: '2026-02-15', statusReason: 'Closing in July <b>' });
    expect([events(), audits()]).toEqual([before[0] + 1, before[1] + 1]);
    const page = await (await request(f, evaluator, 'get', res.headers.get('location')!)).text();
    expect(page).toContain('Recorded the new status of URN 200001.');
    expect(page).toContain('Closing in July &lt;b&gt;');
    const again = await request(f, evaluator, 'post', '/staff/trials/t2/school-status', form);
    expect(again.headers.get('location')).toContain('changed=0');
    expect([events(), audits()]).toEqual([before[0] + 1, before[1] + 1]);
    // the excluded school is not randomised: the randomisation input holds enrolled schools only
    expect(enrolledSchoolsTable(f.server.deps.db, 't2').table.rows).toHaveLength(0);
  });

  it('in a randomised trial, refuses to exclude an allocated school and records a control school\'s decline', async () => {
    const refused = await request(f, evaluator, 'post', '/staff/trials/t1/school-status', { urn: '100004', status: 'excluded', date: '2026-03-02', reason: 'x' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('<a href="#status">The school was allocated to the control arm: it cannot be excluded after randomisation');
    const ok = await request(f, evaluator, 'post', '/staff/trials/t1/school-status', { urn: '100004', status: 'declined', date: '2026-03-02', reason: 'Governors declined' });
    expect(ok.status).toBe(303);
    expect(listSchoolStatuses(f.server.deps.db, 't1').find((s) => s.urn === 100004)).toMatchObject({ arm: 'control', status: 'declined', statusReason: 'Governors declined' });
  });
});

describe('dslkit school status', () => {
  it('records statuses on a randomised trial, refusing the ones that do not fit, and lists them', async () => {
    const dir = tempDir();
    const dbFile = path.join(dir.dir, 'demo.db');
    const clock = () => new Date('2026-11-20T12:00:00Z');
    const db = openDatabase(dbFile);
    seedDemo(db, { clock, secret: Buffer.alloc(32, 7) });
    const control = (db.prepare("SELECT urn FROM allocations WHERE trial_id = 'demo' AND arm = 'control' ORDER BY urn LIMIT 1").get() as { urn: number }).urn;
    const intervention = (db.prepare("SELECT a.urn FROM allocations a JOIN trial_schools ts ON ts.trial_id = a.trial_id AND ts.urn = a.urn WHERE a.trial_id = 'demo' AND a.arm = 'intervention' AND ts.status = 'enrolled' AND ts.attendance_missing_on IS NULL ORDER BY a.urn LIMIT 1").get() as { urn: number }).urn;
    const randomisedOn = (db.prepare("SELECT substr(created_at, 1, 10) AS d FROM randomisations WHERE trial_id = 'demo'").get() as { d: string }).d;
    db.close();
    const cli = async (...args: string[]) => { const c = captureIo(); const code = await runCli(args, c.io, { DSLKIT_DB: dbFile }, clock); return { code, out: c.out(), err: c.err() }; };

    const wrongArm = await cli('school', 'status', '--trial', 'demo', '--urn', String(control), '--status', 'attendance-missing', '--date', '2026-07-01', '--reason', 'log lost');
    expect(wrongArm.code).toBe(1);
    expect(wrongArm.err).toMatch(/Only an intervention school has supervision attendance to record/);
    const afterAllocation = await cli('school', 'status', '--trial', 'demo', '--urn', String(intervention), '--status', 'excluded', '--date', randomisedOn, '--reason', 'x');
    expect(afterAllocation.err).toMatch(/cannot be excluded after randomisation/);
    const early = await cli('school', 'status', '--trial', 'demo', '--urn', String(intervention), '--status', 'withdrawn', '--date', '2020-01-01', '--reason', 'x');
    expect(early.err).toMatch(new RegExp(`on or after the randomisation \\(${randomisedOn}\\)`));
    expect((await cli('school', 'status', '--trial', 'demo', '--urn', 'abc', '--status', 'withdrawn', '--date', '2026-07-01', '--reason', 'x')).code).toBe(2);
    const ok = await cli('school', 'status', '--trial', 'demo', '--urn', String(intervention), '--status', 'withdrawn', '--date', '2026-07-01', '--reason', 'Academy conversion');
    expect(ok).toMatchObject({ code: 0, out: `URN ${intervention} in demo: withdrawn from 2026-07-01 (recorded in the audit log)\n` });
    expect((await cli('school', 'status', '--trial', 'demo', '--urn', String(intervention), '--status', 'withdrawn', '--date', '2026-07-01', '--reason', 'Academy conversion')).out).toMatch(/nothing changed/);
    const list = (await cli('school', 'list', '--trial', 'demo')).out.split('\n');
    expect(list[0]).toBe('urn,arm,status,status_on,status_reason,attendance_missing_on,attendance_missing_reason');
    expect(list).toContain(`${intervention},intervention,withdrawn,2026-07-01,Academy conversion,,`);

    const check = openDatabase(dbFile);
    expect(check.prepare("SELECT action, detail FROM audit_log WHERE action = 'school.status' ORDER BY id DESC LIMIT 1").get()).toMatchObject({ action: 'school.status' });
    const view = buildArmComparison(loadReportData(check, DEMO_TRIAL_ID), clock());
    expect(view.consort.notes.join(' ')).toMatch(/Intervention schools that withdrew after allocation: 1 \(Academy conversion \(1\)\)/);
    expect(view.attrition.rows).toContainEqual(expect.objectContaining({ level: 'Schools', stage: 'Withdrew after allocation (kept in arm)', intervention: '1', control: '0' }));
    check.close();
    dir.cleanup();
  });
});

describe('the report uses the statuses (the demo, shaped like Bolton)', () => {
  it('says 46 of 47 intervention schools received the intervention: one declined, one has no attendance record', () => {
    const dir = tempDir();
    const db = openDatabase(path.join(dir.dir, 'r.db'));
    const clock = () => new Date('2026-11-20T12:00:00Z');
    seedDemo(db, { clock, secret: Buffer.alloc(32, 7) });
    const view = buildArmComparison(loadReportData(db, DEMO_TRIAL_ID), clock());
    const row = (stage: string) => view.consort.rows.find((r) => r.stage === stage)!;
    expect(row('Allocated').intervention).toMatch(/^47 schools/);
    expect(row('Received allocated intervention').intervention).toMatch(/^46 schools/);
    expect(row('Did not receive allocated intervention').intervention).toMatch(/^1 school,/);
    const notes = view.consort.notes.join(' ');
    expect(notes).toContain('1 declined after allocation (Headteacher declined: staffing pressures (1))');
    expect(notes).toContain('Attendance record missing: 1 intervention school, counted as having received the intervention');
    expect(view.attrition.rows).toContainEqual(expect.objectContaining({ stage: 'Declined after allocation (kept in arm)', intervention: '1', control: '0', total: '1' }));
    // Table 5 (Bolton): "Declined to participate/missing information on attendance: 2"
    expect(view.compliance.rows).toContainEqual({ category: 'Declined to participate/missing information on attendance', schools: '2' });
    // an exclusion before randomisation cannot be recorded for an allocated school, and is counted under Excluded once made elsewhere
    const urn = (db.prepare("SELECT urn FROM allocations WHERE trial_id = 'demo' LIMIT 1").get() as { urn: number }).urn;
    expect(() => recordSchoolStatus(db, 'demo', urn, { status: 'excluded', date: '2024-01-01', reason: 'x' }, { actor: 'test', at: clock().toISOString() })).toThrow(/cannot be excluded after randomisation/);
    expect(row('Excluded').all).toBe('0 schools, 0 DSLs');
    db.close();
    dir.cleanup();
  });
});
