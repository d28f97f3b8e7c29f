// Forms belong to supervision sessions: each attending DSL has their own time-log and preparation-sheet link per session (derived tokens,
// stored hashed), answered through the same respondent API; every entry is stored and reaches the IPE report; nothing answers 2xx for a
// write it did not store (a second, different submission is refused), and a wave asking the time log beside the evaluation form still counts it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { responseCounts, seedSurveyFixture, type SurveyFixture } from '../helpers/survey-fixture';
import { captureIo } from '../helpers/temp';
import { logSession } from '../../server/storage/supervision-repo';
import { issueSessionForms } from '../../server/storage/session-form-repo';
import { deriveSessionFormToken } from '../../server/domain/session-forms/tokens';
import { hashToken } from '../../server/domain/invitation-tokens';
import { findSurveyInvitation } from '../../server/storage/survey-access-repo';
import { createWave } from '../../server/storage/wave-repo';
import { loadReportData } from '../../server/storage/report-data-repo';
import { buildIpe } from '../../reports/view-models/ipe';
import { runCli } from '../../server/cli';
import { parseCsv } from '../../server/domain/csv';
import { loadOrCreateSecret, secretFileFor } from '../../server/storage/secret-file';

const now = new Date('2025-03-01T09:00:00.000Z');
let srv: TestServer;
let fx: SurveyFixture;
let shared: SurveyFixture;
let sessions: number[];

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: () => any }> {
  const res = await fetch(srv.url + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: () => JSON.parse(text) };
}
const log = (session: number, minutes: number, mode = 'face_to_face') => ({ dsl_time_log_session: session, dsl_time_log_date: '2025-02-01', dsl_time_log_mode: mode, dsl_time_log_duration: minutes });

beforeAll(async () => {
  srv = await startTestServer({ clock: () => now });
  const db = srv.deps.db;
  // the server and the command share the secret file beside the database, as in production
  srv.deps.secret = loadOrCreateSecret(secretFileFor(db.name));
  // 'fixture': two intervention DSLs; an evaluation-form wave (session forms are no longer asked in waves)
  fx = seedSurveyFixture(db, srv.deps.secret, { instruments: ['dsl-evaluation@1'], dsls: 2 });
  const [a, b] = fx.allDsls.map((d) => d.dslId);
  const at = now.toISOString();
  sessions = [
    logSession(db, { trialId: 'fixture', supervisorUserId: null, kind: 'formal', mode: 'face_to_face', heldOn: '2025-01-10', durationMinutes: 90, dslIds: [a], at, actor: 'test' }),
    logSession(db, { trialId: 'fixture', supervisorUserId: null, kind: 'formal', mode: 'face_to_face', heldOn: '2025-02-10', durationMinutes: 120, dslIds: [a, b], at, actor: 'test' }),
    logSession(db, { trialId: 'fixture', supervisorUserId: null, kind: 'adhoc', mode: 'phone', heldOn: '2025-02-20', durationMinutes: 15, dslIds: [a], at, actor: 'test' }),
  ];
  // a database from before session forms: a wave asking the evaluation form and the time log together
  shared = seedSurveyFixture(db, srv.deps.secret, { trialId: 'sharedwave', instruments: ['dsl-evaluation@1', 'dsl-time-log@1'], dsls: 1 });
});
afterAll(async () => { await srv.close(); });

describe('session forms', () => {
  it('each attending DSL gets a time log per session and a preparation sheet per introduction or formal session; tokens are derived and stored only hashed', () => {
    const forms = issueSessionForms(srv.deps.db, srv.deps.secret, sessions, now.toISOString());
    const [a, b] = fx.allDsls.map((d) => d.dslId);
    expect(forms.map((f) => [f.sessionId, f.dslId, f.instrument])).toEqual([
      [sessions[0], a, 'dsl-time-log@1'], [sessions[0], a, 'dsl-preparation@1'],
      [sessions[1], a, 'dsl-time-log@1'], [sessions[1], a, 'dsl-preparation@1'], [sessions[1], b, 'dsl-time-log@1'], [sessions[1], b, 'dsl-preparation@1'],
      [sessions[2], a, 'dsl-time-log@1'],
    ]);
    for (const f of forms) expect(f.token).toBe(deriveSessionFormToken(srv.deps.secret, f.sessionId, f.dslId, f.instrument));
    expect(new Set(forms.map((f) => f.token)).size).toBe(forms.length);
    const stored = JSON.stringify(srv.deps.db.prepare('SELECT * FROM session_forms').all());
    for (const f of forms) { expect(stored).not.toContain(f.token); expect(stored).toContain(hashToken(f.token)); }
    // issuing again re-derives the same links and creates nothing
    expect(issueSessionForms(srv.deps.db, srv.deps.secret, sessions, now.toISOString()).map((f) => f.token)).toEqual(forms.map((f) => f.token));
    expect((srv.deps.db.prepare('SELECT count(*) AS n FROM session_forms').get() as { n: number }).n).toBe(7);
  });

  it('two sessions\' time-log entries are both stored through the respondent API, each on its own link', async () => {
    const forms = issueSessionForms(srv.deps.db, srv.deps.secret, sessions, now.toISOString());
    const a = fx.allDsls[0].dslId;
    const logs = forms.filter((f) => f.dslId === a && f.instrument === 'dsl-time-log@1');
    const got = await call('GET', `/api/s/${logs[0].token}`);
    expect(got.status).toBe(200);
    expect(got.json().survey.pages.map((p: { name: string }) => p.name)).toEqual(['dsl-time-log__dsl_time_log_page1']);
    expect(got.json().status).toBe('new');
    expect((await call('PUT', `/api/s/${logs[0].token}/progress`, { data: { dsl_time_log_duration: 80 }, page: 0 })).status).toBe(204);
    expect((await call('GET', `/api/s/${logs[0].token}`)).json().data).toEqual({ dsl_time_log_duration: 80 });
    expect((await call('POST', `/api/s/${logs[0].token}/submit`, { data: log(1, 85) })).status).toBe(200);
    expect((await call('POST', `/api/s/${logs[1].token}/submit`, { data: log(2, 110) })).status).toBe(200);
    const rows = srv.deps.db.prepare(`SELECT f.session_id AS sessionId, r.status, r.wave_id AS waveId FROM responses r JOIN session_forms f ON f.id = r.session_form_id ORDER BY f.session_id`).all();
    expect(rows).toEqual([{ sessionId: sessions[0], status: 'complete', waveId: null }, { sessionId: sessions[1], status: 'complete', waveId: null }]);
    // the page behind the link is the respondent client, as for a wave invitation
    expect((await fetch(`${srv.url}/s/${logs[1].token}`)).status).toBe(200);
    expect(findSurveyInvitation(srv.deps.db, logs[1].token)).toMatchObject({ invitationId: null, sessionFormId: logs[1].sessionFormId, dslId: a, instruments: ['dsl-time-log@1'] });
  });

  it('a second, different submission on a link is refused with 409 and the first answers stay; a retry of the same answers is 200', async () => {
    const forms = issueSessionForms(srv.deps.db, srv.deps.secret, sessions, now.toISOString());
    const first = forms.find((f) => f.sessionId === sessions[0] && f.instrument === 'dsl-time-log@1')!;
    const counts = responseCounts(srv.deps.db);
    const again = await call('POST', `/api/s/${first.token}/submit`, { data: log(3, 30, 'phone') });
    expect(again.status).toBe(409);
    expect(again.json().detail).toMatch(/already been submitted.*nothing was saved/);
    expect(responseCounts(srv.deps.db)).toEqual(counts);
    expect((await call('GET', `/api/s/${first.token}`)).json().data).toEqual(log(1, 85));
    expect((await call('POST', `/api/s/${first.token}/submit`, { data: log(1, 85) })).status).toBe(200);
    expect(responseCounts(srv.deps.db)).toEqual(counts);
  });

  it('the same holds for a wave invitation: different answers after submitting are 409, not a 200 that drops them', async () => {
    const token = shared.dsls[0].token;
    const answers = { dsl_evaluation_hours: 6, ...log(1, 90) };
    expect((await call('POST', `/api/s/${token}/submit`, { data: answers })).status).toBe(200);
    expect((await call('POST', `/api/s/${token}/submit`, { data: { ...answers, dsl_time_log_session: 2, dsl_time_log_duration: 60 } })).status).toBe(409);
  });

  it('the IPE report counts the wave-shared time log, and gives time per session, preparation and record rates from the session forms', async () => {
    const view = buildIpe(loadReportData(srv.deps.db, 'sharedwave'), now);
    expect(view.timeLogs.empty).toBeNull();
    expect(view.timeLogs.rows.find((r) => r.label === 'Time-log entries')?.value).toBe('1');
    expect(view.evaluation.summary).toMatch(/^1 evaluation form completed/);

    const forms = issueSessionForms(srv.deps.db, srv.deps.secret, sessions, now.toISOString());
    const prep = forms.find((f) => f.sessionId === sessions[1] && f.instrument === 'dsl-preparation@1' && f.dslId === fx.allDsls[1].dslId)!;
    expect((await call('POST', `/api/s/${prep.token}/submit`, { data: { dsl_preparation_topic_01: 'How to <b>escalate</b> a concern' } })).status).toBe(200);
    const ipe = buildIpe(loadReportData(srv.deps.db, 'fixture'), now);
    const fact = (label: RegExp) => ipe.sessionForms.rows.find((r) => label.test(r.label))?.value;
    // attendances: session 1 (a), session 2 (a, b), ad hoc (a) = 4; time logs returned for a at sessions 1 and 2
    expect(fact(/^Session attendances/)).toBe('4');
    expect(fact(/time-log entry for that session/)).toBe('2 of 4 (50%)');
    // DSL logged 85 and 110 minutes (mean 97.5, shown as 98); the supervisor logged 90 and 120 for those sessions (mean 105)
    expect(fact(/^Time per session/)).toBe('98 and 105 minutes on average (2 entries)');
    // introduction/formal attendances: 3; one preparation sheet (b at session 2); no records yet
    expect(fact(/^Preparation sheets returned/)).toBe('1 of 3 (33%)');
    expect(fact(/^Records of supervision written/)).toBe('0 of 3 (0%)');
    expect(ipe.timeLogs.rows.find((r) => r.label === 'Time-log entries')?.value).toBe('2');
  });

  it('a survey wave can no longer ask a session form', () => {
    expect(() => createWave(srv.deps.db, { trialId: 'fixture', name: 'endline', opensAt: '2025-03-01', closesAt: '2025-04-01', instruments: ['dsl-evaluation@1', 'dsl-time-log@1'] }))
      .toThrow(/dsl-time-log belongs to supervision sessions, not to a survey wave/);
  });
});

describe('dslkit invitations --sessions', () => {
  it('prints one row per session, DSL and form with a working link, the same on every run, audited without tokens', async () => {
    const cap = captureIo();
    const file = srv.deps.db.name;
    expect(await runCli(['invitations', '--trial', 'fixture', '--sessions', '--db', file], cap.io, {}, () => now)).toBe(0);
    const table = parseCsv(cap.out(), 'stdout');
    expect(table.header).toEqual(['dsl_id', 'school_urn', 'school_name', 'name', 'email', 'session_id', 'session_date', 'session_kind', 'form', 'state', 'link']);
    expect(table.rows.map((r) => `${r.values.session_date} ${r.values.dsl_id} ${r.values.form} ${r.values.state}`)).toEqual([
      '2025-01-10 dsl-fixture-1 DSL time log returned', '2025-01-10 dsl-fixture-1 DSL preparation sheet not started',
      '2025-02-10 dsl-fixture-1 DSL time log returned', '2025-02-10 dsl-fixture-1 DSL preparation sheet not started',
      '2025-02-10 dsl-fixture-2 DSL time log not started', '2025-02-10 dsl-fixture-2 DSL preparation sheet returned',
      '2025-02-20 dsl-fixture-1 DSL time log not started',
    ]);
    const secret = srv.deps.secret;
    for (const r of table.rows) {
      const token = r.values.link.split('/s/')[1];
      expect(findSurveyInvitation(srv.deps.db, token)?.dslId).toBe(r.values.dsl_id);
      expect(token).toBe(deriveSessionFormToken(secret, Number(r.values.session_id), r.values.dsl_id, r.values.form === 'DSL time log' ? 'dsl-time-log@1' : 'dsl-preparation@1'));
    }
    expect(table.rows[0].values).toMatchObject({ name: 'Fixture DSL 1', email: 'dsl1@school.example', school_name: 'Fixture Primary School 1' });
    const audit = srv.deps.db.prepare("SELECT detail FROM audit_log WHERE action = 'invitations.sessions.export'").all() as Array<{ detail: string }>;
    expect(audit).toHaveLength(1);
    for (const r of table.rows) expect(audit[0].detail).not.toContain(r.values.link.split('/s/')[1]);
    const since = captureIo();
    expect(await runCli(['invitations', '--trial', 'fixture', '--sessions', '--since', '2025-02-15', '--db', file], since.io, {}, () => now)).toBe(0);
    expect(parseCsv(since.out(), 'stdout').rows).toHaveLength(1);
    const bad = captureIo();
    expect(await runCli(['invitations', '--trial', 'fixture', '--sessions', '--since', '15/02/2025', '--db', file], bad.io, {}, () => now)).toBe(1);
    expect(bad.err()).toBe('--since "15/02/2025" must be a date written YYYY-MM-DD\n');
  });
  it('refuses to print links made with another secret (they would not work)', () => {
    expect(() => issueSessionForms(srv.deps.db, Buffer.alloc(32, 1), sessions, now.toISOString())).toThrow(/made with another server secret/);
  });
});
