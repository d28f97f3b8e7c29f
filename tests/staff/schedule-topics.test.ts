// The supervisor's schedule follows the trial's settings (interval, planned sessions, intervention end date, set with dslkit trial set),
// and sessions record topics from the trial's short list plus free text, escaped wherever shown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffFixture, signIn, request, type StaffFixture, type Signed } from './fixture';
import { scheduleRows } from '../../server/http/staff/schedule-view';
import { runCli } from '../../server/cli';
import { captureIo } from '../helpers/temp';

let f: StaffFixture;
let sue: Signed;
const cli = async (...args: string[]) => { const cap = captureIo(); const code = await runCli([...args, '--db', f.server.deps.db.name], cap.io, {}, () => f.now.t); return { code, out: cap.out(), err: cap.err() }; };
const scheduleRow = (html: string, urn: number) => new RegExp(`School ${urn} \\(${urn}\\)(?:</a>)?</th>([\\s\\S]*?)</tr>`).exec(html)?.[1].replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();

beforeAll(async () => {
  f = await staffFixture();
  sue = await signIn(f, 'supervisor');
}, 60_000);
afterAll(async () => { await f.close(); });

describe('scheduleRows', () => {
  const school = [{ urn: 1, name: 'S' }];
  const at = (...days: string[]) => days.map((heldOn, i) => ({ kind: i === 0 ? 'introduction' : 'formal', heldOn, attendees: [{ urn: 1 }] }));
  it('a fixed 4-week interval, due by the end date at the latest', () => {
    expect(scheduleRows(school, at('2025-01-06'), { intervalWeeks: [4, 4], endsOn: '2025-01-31', sessionsIntended: 3 }, '2025-01-20')[0])
      .toEqual({ urn: 1, school: 'S (1)', last: '2025-01-06', held: 1, dueFrom: '', dueBy: '', state: 'intervention ended' });
    expect(scheduleRows(school, at('2025-01-06'), { intervalWeeks: [4, 6], endsOn: '2025-02-10', sessionsIntended: 3 }, '2025-02-04')[0])
      .toMatchObject({ dueFrom: '2025-02-03', dueBy: '2025-02-10', state: 'due now' });
  });
  it('stops once the introduction and the intended formal sessions are held, and after the end date', () => {
    expect(scheduleRows(school, at('2025-01-06', '2025-02-03', '2025-03-03'), { intervalWeeks: [4, 6], endsOn: null, sessionsIntended: 2 }, '2025-06-01')[0].state).toBe('all sessions held');
    expect(scheduleRows(school, at('2025-01-06', '2025-02-03'), { intervalWeeks: [4, 6], endsOn: null, sessionsIntended: 2 }, '2025-06-01')[0].state).toBe('overdue');
    expect(scheduleRows(school, [], { intervalWeeks: [4, 6], endsOn: '2025-05-01', sessionsIntended: 2 }, '2025-06-01')[0].state).toBe('intervention ended');
  });
});

describe('trial settings on the supervisor\'s pages', () => {
  it('dslkit trial set changes the interval, sessions intended, end date and topics; bad values are one line', async () => {
    const ok = await cli('trial', 'set', 't1', '--interval-weeks', '4', '--sessions-intended', '2', '--ends-on', '2026-04-15', '--topic', 'thresholds=Thresholds and referrals', '--topic', 'early-help=Early Help');
    expect(ok.code).toBe(0);
    expect(ok.out).toBe('t1: 2 formal sessions intended after the introduction, every 4 weeks, until 2026-04-15; topics: Thresholds and referrals; Early Help\n');
    expect((await cli('trial', 'show', 't1')).out).toContain('session topics: thresholds (Thresholds and referrals), early-help (Early Help)');
    const bad = await cli('trial', 'set', 't1', '--interval-weeks', '6-4');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--interval-weeks: the interval "6-4" must be from 1 to 52 weeks, the shorter first');
    expect((await cli('trial', 'set', 't1', '--topic', 'Thresholds')).err).toContain('must be written code=Label');
    expect(f.server.deps.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'trial.settings' AND trial_id = 't1'").get()).toEqual({ n: 1 });
  });
  it('the schedule says the plan and follows it: 4 weeks after 2026-02-01 is overdue on 2026-03-02; nothing is due after the end date', async () => {
    const html = await (await request(f, sue, 'get', '/staff/supervision')).text();
    expect(html).toContain('The plan: a session every 4 weeks, the introduction and 2 formal sessions, until 15 April 2026.');
    expect(scheduleRow(html, 100001)).toBe('Overdue 1 (last 1 February 2026) by 1 March 2026 2 DSL forms, 1 record outstanding at School 100001 Log a session for School 100001');
    // the intervention ended yesterday
    expect((await cli('trial', 'set', 't1', '--ends-on', '2026-03-01')).code).toBe(0);
    try {
      const later = await (await request(f, sue, 'get', '/staff/supervision')).text();
      expect(scheduleRow(later, 100001)).toBe('Intervention ended 1 (last 1 February 2026) – 2 DSL forms, 1 record outstanding at School 100001 Log a session for School 100001');
      expect(scheduleRow(later, 100002)).toBe('Intervention ended None yet – None Log a session for School 100002');
      expect(later).not.toMatch(/need a session now|>Overdue<|OVERDUE/);
      expect(later).toContain('The intervention ended on 1 March 2026: no more sessions are due.');
    } finally { await cli('trial', 'set', 't1', '--ends-on', '2026-04-15'); }
  });
});

describe('session topics', () => {
  it('the log form offers the trial\'s topics; a session stores them with free text, shown escaped', async () => {
    const form = await (await request(f, sue, 'get', '/staff/supervision/t1/sessions/new')).text();
    expect(form).toMatch(/name="topics" type="checkbox" value="thresholds"><label class="govuk-label govuk-checkboxes__label" for="topics">Thresholds and referrals<\/label>/);
    const res = await request(f, sue, 'post', '/staff/supervision/t1/sessions', { kind: 'formal', mode: 'online', heldOn: '2026-03-01', durationMinutes: '60', dsls: ['dsl-bbbb'], topics: ['early-help', 'thresholds'], topicsNote: 'Attendance <b>and</b> "exclusions"' });
    expect(res.status).toBe(303);
    const stored = f.server.deps.db.prepare("SELECT s.topics_note AS note, group_concat(t.code) AS codes FROM supervision_sessions s JOIN session_topics t ON t.session_id = s.id WHERE s.held_on = '2026-03-01' GROUP BY s.id").get();
    expect(stored).toEqual({ note: 'Attendance <b>and</b> "exclusions"', codes: expect.stringMatching(/^(early-help,thresholds|thresholds,early-help)$/) });
    const home = await (await request(f, sue, 'get', res.headers.get('location')!)).text(); // the new session's page
    expect(home).toContain('Thresholds and referrals; Early Help; Attendance &lt;b&gt;and&lt;/b&gt; &quot;exclusions&quot;');
    expect(home).not.toContain('<b>and</b>');
  });
  it('an unknown topic or an over-long note is refused with the reason, storing nothing', async () => {
    const before = f.server.deps.db.prepare('SELECT count(*) AS n FROM supervision_sessions').get();
    const unknown = await request(f, sue, 'post', '/staff/supervision/t1/sessions', { kind: 'formal', mode: 'online', heldOn: '2026-03-01', durationMinutes: '60', dsls: ['dsl-bbbb'], topics: ['gossip'] });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('&quot;gossip&quot; is not one of this trial&#x27;s session topics.');
    const long = await request(f, sue, 'post', '/staff/supervision/t1/sessions', { kind: 'formal', mode: 'online', heldOn: '2026-03-01', durationMinutes: '60', dsls: ['dsl-bbbb'], topicsNote: 'x'.repeat(1001) });
    expect(long.status).toBe(400);
    expect(await long.text()).toContain('Other topics must be 1000 characters or fewer.');
    expect(f.server.deps.db.prepare('SELECT count(*) AS n FROM supervision_sessions').get()).toEqual(before);
  });
});
