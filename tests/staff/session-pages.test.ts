// The supervisor's session page prints each DSL's own session-form links (working links, only for their own sessions); the record of
// supervision uses the form's wording, reopens with its answers and saves again as an update; the evaluator reads records pseudonymised.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffFixture, signIn, request, type StaffFixture, type Signed } from './fixture';
import { deriveSessionFormToken } from '../../server/domain/session-forms/tokens';
import { findSurveyInvitation } from '../../server/storage/survey-access-repo';

let f: StaffFixture;
let sue: Signed;
let sam: Signed;
let eva: Signed;
const HOSTILE = '<script>alert(1)</script> & "quotes"';

beforeAll(async () => {
  f = await staffFixture();
  [sue, sam, eva] = [await signIn(f, 'supervisor'), await signIn(f, 'supervisor2'), await signIn(f, 'evaluator')];
}, 60_000);
afterAll(async () => { await f.close(); });

const sessionPath = () => `/staff/supervision/t1/sessions/${f.ids.session}`;
const links = (html: string) => [...html.matchAll(/\/s\/([A-Za-z0-9_-]{43})/g)].map((m) => m[1]);

describe('the supervisor\'s session page', () => {
  it('prints the DSL\'s time-log and preparation-sheet links for this session, which work in the respondent API', async () => {
    const school = await (await request(f, sue, 'get', '/staff/supervision/t1/schools/100001')).text();
    expect(school).toContain(`href="${sessionPath()}"`);
    expect(school).toMatch(/0 of 2 returned.*0 of 1 written/s);
    // the fixture's session was logged without the staff form: its page only reads, and offers a POST to create the links
    const before = await (await request(f, sue, 'get', sessionPath())).text();
    expect(before).toContain('2 links do not exist yet');
    expect(links(before)).toEqual([]);
    expect(f.server.deps.db.prepare('SELECT count(*) AS n FROM session_forms').get()).toEqual({ n: 0 });
    const created = await request(f, sue, 'post', `${sessionPath()}/forms`);
    expect(created.status).toBe(303);
    const res = await request(f, sue, 'get', sessionPath());
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain('do not exist yet');
    expect(html).toContain('Ann Able');
    expect(html).toMatch(/DSL time log \(not started\)/);
    expect(html).toMatch(/DSL preparation sheet \(not started\)/);
    const secret = f.server.deps.secret;
    expect(links(html)).toEqual([deriveSessionFormToken(secret, f.ids.session, 'dsl-aaaa', 'dsl-time-log@1'), deriveSessionFormToken(secret, f.ids.session, 'dsl-aaaa', 'dsl-preparation@1')]);
    for (const token of links(html)) {
      const api = await fetch(`${f.server.url}/api/s/${token}`);
      expect(api.status).toBe(200);
      expect(findSurveyInvitation(f.server.deps.db, token)?.dslId).toBe('dsl-aaaa');
    }
  });
  it('another supervisor cannot open it (404), and logging a session issues its DSLs\' links at once', async () => {
    expect((await request(f, sam, 'get', sessionPath())).status).toBe(404);
    expect((await request(f, sam, 'post', `${sessionPath()}/forms`)).status).toBe(404);
    const res = await request(f, sue, 'post', '/staff/supervision/t1/sessions', { kind: 'adhoc', mode: 'phone', heldOn: '2026-03-01', durationMinutes: '10', dsls: ['dsl-bbbb'] });
    expect(res.status).toBe(303);
    const id = (f.server.deps.db.prepare("SELECT id FROM supervision_sessions WHERE held_on = '2026-03-01'").get() as { id: number }).id;
    // ad-hoc contact: a time-log entry, no preparation sheet
    expect(f.server.deps.db.prepare('SELECT dsl_id AS dslId, instrument FROM session_forms WHERE session_id = ?').all(id)).toEqual([{ dslId: 'dsl-bbbb', instrument: 'dsl-time-log@1' }]);
  });
});

describe('the record of supervision', () => {
  const recordPath = () => `${sessionPath()}/record`;
  it('labels every field with the form\'s wording, panels included, never a raw id', async () => {
    const html = await (await request(f, sue, 'get', `${recordPath()}?dsl=dsl-aaaa`)).text();
    expect(html).toMatch(/<label class="govuk-label" for="supervision_record_action_01_by_whom">Agreed action 1: By whom<\/label>/);
    expect(html).toContain('>Review of previous actions</label>');
    expect(html).not.toMatch(/>supervision_record_\w+</);
  });
  it('a saved record reopens with its answers (escaped); saving again updates it and keeps the earlier version', async () => {
    const first = await request(f, sue, 'post', recordPath(), { dsl: 'dsl-aaaa', supervision_record_date: '2026-02-01', supervision_record_support: HOSTILE, supervision_record_action_01: 'Call Early Help', supervision_record_action_01_by_whom: 'DSL' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe(sessionPath());
    const reopened = await (await request(f, sue, 'get', `${recordPath()}?dsl=dsl-aaaa`)).text();
    expect(reopened).toContain('This record was saved on 2 March 2026');
    expect(reopened).toMatch(/id="supervision_record_action_01" name="supervision_record_action_01" type="text" value="Call Early Help"/);
    expect(reopened).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;</textarea>');
    expect(reopened).not.toContain('<script>alert(1)');
    expect(await (await request(f, sue, 'get', sessionPath())).text()).toContain('Open the record (written)');
    await request(f, sue, 'post', recordPath(), { dsl: 'dsl-aaaa', supervision_record_date: '2026-02-01', supervision_record_action_01: 'Call Early Help today', supervision_record_action_01_by_whom: 'DSL' });
    const rows = f.server.deps.db.prepare(`SELECT r.id, count(s.id) AS snapshots FROM responses r JOIN response_snapshots s ON s.response_id = r.id
      WHERE r.supervision_session_id = ? GROUP BY r.id`).all(f.ids.session) as Array<{ snapshots: number }>;
    expect(rows.map((r) => r.snapshots)).toEqual([2]);
    expect(await (await request(f, sue, 'get', `${recordPath()}?dsl=dsl-aaaa`)).text()).toContain('value="Call Early Help today"');
  });
  it('the evaluator reads the records from the trial pages with the form\'s wording, by pseudonymous id, escaped and audited', async () => {
    await request(f, sue, 'post', recordPath(), { dsl: 'dsl-aaaa', supervision_record_date: '2026-02-01', supervision_record_management: HOSTILE, supervision_record_action_01: 'Call Early Help today', supervision_record_action_01_by_whom: 'DSL' });
    expect(await (await request(f, eva, 'get', '/staff/trials/t1')).text()).toContain('href="/staff/trials/t1/records"');
    const res = await request(f, eva, 'get', '/staff/trials/t1/records');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('1 February 2026, Formal supervision: DSL dsl-aaaa (school 100001)');
    expect(html).toMatch(/Agreed action 1: By whom<\/dt><dd class="govuk-summary-list__value">DSL<\/dd>/);
    expect(html).toMatch(/Notes: management<\/dt><dd class="govuk-summary-list__value">&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;quotes&quot;<\/dd>/);
    expect(html).not.toContain('Ann Able');
    expect(html).not.toContain('ann@example.org');
    expect((await request(f, sue, 'get', '/staff/trials/t1/records')).status).toBe(403);
    expect(f.server.deps.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'records.view' AND trial_id = 't1'").get()).toEqual({ n: 1 });
  });
});
