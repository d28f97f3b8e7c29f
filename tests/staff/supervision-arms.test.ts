// Supervision goes only to intervention schools: assigning a supervisor a control (or unallocated) school is refused, and a
// session for a DSL of a school outside the intervention arm is refused with a clear message on the staff form and the CLI, storing nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffFixture, signIn, request, type StaffFixture, type Signed } from './fixture';
import { assignSchools } from '../../server/storage/user-repo';
import { logSession } from '../../server/storage/supervision-repo';
import { insertDsl } from '../../server/storage/dsl-repo';
import { createProgramme, addPackage } from '../../server/storage/programme-repo';
import { ValidationError } from '../../shared/errors';
import { runCli } from '../../server/cli';
import { captureIo } from '../helpers/temp';

let f: StaffFixture;
let sue: Signed;
let sueId: number;
const count = (sql: string) => (f.server.deps.db.prepare(sql).get() as { n: number }).n;

beforeAll(async () => {
  f = await staffFixture();
  const db = f.server.deps.db;
  sueId = (db.prepare('SELECT id FROM users WHERE email = ?').get(f.emails.supervisor) as { id: number }).id;
  insertDsl(db, { id: 'dsl-eeee', trialId: 't1', urn: 100004, role: 'senco', name: 'Eve Earl', email: 'eve@example.org', createdAt: f.now.t.toISOString() });
  // an assignment made before the rule existed (as in databases from earlier versions): the session must still be refused
  db.prepare("INSERT INTO supervisor_assignments (user_id, trial_id, urn) VALUES (?, 't1', 100004)").run(sueId);
  sue = await signIn(f, 'supervisor');
}, 60_000);
afterAll(async () => { await f.close(); });

describe('assigning schools to a supervisor', () => {
  it('refuses a control school and assigns nothing of the list', () => {
    const before = count('SELECT count(*) AS n FROM supervisor_assignments');
    const sam = f.ids.supervisor2User;
    expect(() => assignSchools(f.server.deps.db, sam, 't1', [100002, 100004], { actor: 'test', at: f.now.t.toISOString() }))
      .toThrow(/School 100004 is in the control arm of trial "t1": only intervention schools receive supervision/);
    expect(count('SELECT count(*) AS n FROM supervisor_assignments')).toBe(before);
  });
  it('refuses a school of a trial not yet randomised', () => {
    const db = f.server.deps.db;
    db.prepare("INSERT INTO trial_schools (trial_id, urn) VALUES ('t2', 100001)").run();
    expect(() => assignSchools(db, f.ids.supervisor2User, 't2', [100001], { actor: 'test', at: f.now.t.toISOString() })).toThrow(/has no allocation in trial "t2"/);
  });
  it('accepts an intervention school', () => {
    assignSchools(f.server.deps.db, f.ids.supervisor2User, 't1', [100002], { actor: 'test', at: f.now.t.toISOString() });
    expect(count(`SELECT count(*) AS n FROM supervisor_assignments WHERE user_id = ${f.ids.supervisor2User} AND urn = 100002`)).toBe(1);
    f.server.deps.db.prepare(`DELETE FROM supervisor_assignments WHERE user_id = ${f.ids.supervisor2User} AND urn = 100002`).run();
  });
  it('dslkit user assign prints one line naming the school and exits 1', async () => {
    const cap = captureIo();
    const code = await runCli(['user', 'assign', '--email', f.emails.supervisor2, '--trial', 't1', '--urn', '100004', '--db', f.server.deps.db.name], cap.io, {}, () => f.now.t);
    expect(code).toBe(1);
    expect(cap.err()).toMatch(/^School 100004 is in the control arm of trial "t1": only intervention schools receive supervision\.\nNothing was assigned\.\n$/);
    expect(cap.err()).not.toMatch(/at .*\.ts/);
  });
  it('a programme outside a trial has no arms: its settings can be assigned', () => {
    const db = f.server.deps.db;
    createProgramme(db, { id: 'prog1', title: 'Programme', laCode: '350', academicYear: '2025/26', at: f.now.t.toISOString(), actor: 'test' });
    addPackage(db, 'prog1', { name: 'P', pricePence: 150000, sessionsIncluded: 10, sessionMinutes: 120, maxSettings: 4, urns: [100004], at: f.now.t.toISOString(), actor: 'test' });
    assignSchools(db, f.ids.supervisor2User, 'prog1', [100004], { actor: 'test', at: f.now.t.toISOString() });
    expect(count(`SELECT count(*) AS n FROM supervisor_assignments WHERE trial_id = 'prog1'`)).toBe(1);
  });
});

describe('logging a session', () => {
  it('refuses a DSL of a control school with the reason, storing nothing', () => {
    const before = count('SELECT count(*) AS n FROM supervision_sessions');
    let err: unknown;
    try {
      logSession(f.server.deps.db, { trialId: 't1', supervisorUserId: null, kind: 'formal', mode: 'online', heldOn: '2026-02-20', durationMinutes: 60, dslIds: ['dsl-aaaa', 'dsl-eeee'], at: f.now.t.toISOString(), actor: 'test' });
    } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).problems).toEqual([{ pointer: '/dsls', detail: 'DSL dsl-eeee: School 100004 is in the control arm of trial "t1": only intervention schools receive supervision. The session was not saved.' }]);
    expect(count('SELECT count(*) AS n FROM supervision_sessions')).toBe(before);
  });
  it('the staff form answers 400 with the reason in the error summary, and saves nothing', async () => {
    const before = count('SELECT count(*) AS n FROM supervision_sessions');
    const res = await request(f, sue, 'post', '/staff/supervision/t1/sessions', { kind: 'formal', mode: 'online', heldOn: '2026-02-20', durationMinutes: '60', dsls: ['dsl-eeee'] });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toMatch(/govuk-error-summary[\s\S]*School 100004 is in the control arm of trial &quot;t1&quot;: only intervention schools receive supervision/);
    expect(count('SELECT count(*) AS n FROM supervision_sessions')).toBe(before);
  });
  it('an intervention school\'s session is still saved', async () => {
    const res = await request(f, sue, 'post', '/staff/supervision/t1/sessions', { kind: 'formal', mode: 'online', heldOn: '2026-02-20', durationMinutes: '60', dsls: ['dsl-aaaa'] });
    expect(res.status).toBe(303);
    expect(count("SELECT count(*) AS n FROM supervision_sessions WHERE held_on = '2026-02-20'")).toBe(1);
  });
});
