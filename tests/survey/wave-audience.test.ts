// Who gets a form: a wave limited by arm and dosage (Bolton: the evaluation form went to the intervention DSLs with three formal
// sessions) invites only those DSLs, and those who reach the dosage later on the next run; an unlimited wave still invites everyone.
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { captureIo, tempDb } from '../helpers/temp';
import { seedSurveyFixture } from '../helpers/survey-fixture';
import { loadOrCreateSecret, secretFileFor } from '../../server/storage/secret-file';
import { logSession } from '../../server/storage/supervision-repo';
import { parseCsv } from '../../server/domain/csv';

const clock = () => new Date('2025-03-01T09:00:00.000Z');
const cleanups: Array<() => void> = [];
afterEach(() => { cleanups.splice(0).forEach((c) => c()); });

function setup() {
  const t = tempDb();
  cleanups.push(t.cleanup);
  const secret = loadOrCreateSecret(secretFileFor(t.file));
  // four DSLs, one school each: 1 and 2 intervention, 3 and 4 control
  const fx = seedSurveyFixture(t.db, secret, { dsls: 4, invite: 0 });
  const [d1, d2, d3, d4] = fx.allDsls;
  // allocations are written once; the fixture trial is a demo trial, whose allocations may be deleted and written again
  for (const urn of [d3.urn, d4.urn]) {
    const row = t.db.prepare('SELECT * FROM allocations WHERE urn = ?').get(urn) as { randomisation_id: number };
    t.db.prepare('DELETE FROM allocations WHERE urn = ?').run(urn);
    t.db.prepare("INSERT INTO allocations (trial_id, urn, randomisation_id, stratum, draw, arm) VALUES ('fixture', ?, ?, 'all', 0.5, 'control')").run(urn, row.randomisation_id);
  }
  const formal = (dslId: string, heldOn: string) => logSession(t.db, { trialId: 'fixture', supervisorUserId: null, kind: 'formal', mode: 'face_to_face', heldOn, durationMinutes: 90, dslIds: [dslId], at: clock().toISOString(), actor: 'test' });
  for (const day of ['2024-10-01', '2024-11-05', '2024-12-10']) formal(d1.dslId, day);
  for (const day of ['2024-10-02', '2024-11-06']) formal(d2.dslId, day);
  logSession(t.db, { trialId: 'fixture', supervisorUserId: null, kind: 'adhoc', mode: 'phone', heldOn: '2024-12-01', durationMinutes: 10, dslIds: [d2.dslId], at: clock().toISOString(), actor: 'test' });
  return { ...t, d1, d2, d3, d4, formal };
}
const run = async (file: string, args: string[]) => { const cap = captureIo(); const code = await runCli([...args, '--db', file], cap.io, {}, clock); return { code, out: cap.out(), err: cap.err() }; };

describe('a wave limited by arm and dosage', () => {
  it('invites only intervention DSLs with at least 3 formal sessions (ad hoc does not count), and later ones on the next run', async () => {
    const { file, db, d1, d2, formal } = setup();
    const created = await run(file, ['wave', 'create', '--trial', 'fixture', '--name', 'midpoint', '--opens', '2025-02-01', '--closes', '2025-06-01', '--instruments', 'dsl-evaluation', '--arm', 'intervention', '--min-sessions', '3']);
    expect(created.code).toBe(0);
    expect(created.out).toContain('for intervention DSLs with at least 3 formal supervision sessions');
    const first = await run(file, ['invitations', '--trial', 'fixture', '--wave', 'midpoint']);
    expect(first.code).toBe(0);
    expect(parseCsv(first.out, 'stdout').rows.map((r) => r.values.dsl_id)).toEqual([d1.dslId]);
    expect(first.err).toContain('fixture midpoint (for intervention DSLs with at least 3 formal supervision sessions): 1 new invitation');
    formal(d2.dslId, '2024-12-11');
    const later = await run(file, ['invitations', '--trial', 'fixture', '--wave', 'midpoint', '--new-only']);
    expect(parseCsv(later.out, 'stdout').rows.map((r) => r.values.dsl_id)).toEqual([d2.dslId]);
    const invited = db.prepare("SELECT i.dsl_id FROM invitations i JOIN waves w ON w.id = i.wave_id WHERE w.name = 'midpoint' ORDER BY i.dsl_id").all();
    expect(invited).toEqual([{ dsl_id: d1.dslId }, { dsl_id: d2.dslId }]);
    const listed = (await run(file, ['wave', 'list', '--trial', 'fixture'])).out;
    expect(listed).toMatch(/midpoint .*dsl-evaluation@1  \(intervention DSLs with at least 3 formal supervision sessions\)/);
  });

  it('an arm alone limits by arm; an unlimited wave still invites every active DSL, control included', async () => {
    const { file, d1, d2, d3, d4 } = setup();
    await run(file, ['wave', 'create', '--trial', 'fixture', '--name', 'endline', '--opens', '2025-02-01', '--closes', '2025-06-01', '--instruments', 'pss10', '--arm', 'control']);
    expect(parseCsv((await run(file, ['invitations', '--trial', 'fixture', '--wave', 'endline'])).out, 'stdout').rows.map((r) => r.values.dsl_id)).toEqual([d3.dslId, d4.dslId]);
    // the fixture's baseline wave has no limits
    expect(parseCsv((await run(file, ['invitations', '--trial', 'fixture', '--wave', 'baseline'])).out, 'stdout').rows.map((r) => r.values.dsl_id)).toEqual([d1, d2, d3, d4].map((d) => d.dslId));
  });

  it('refuses a bad arm or dosage with one line and creates nothing', async () => {
    const { file, db } = setup();
    const arm = await run(file, ['wave', 'create', '--trial', 'fixture', '--name', 'endline', '--opens', '2025-02-01', '--closes', '2025-06-01', '--instruments', 'pss10', '--arm', 'treatment']);
    expect(arm.code).toBe(2);
    expect(arm.err).toContain('--arm: arm "treatment" must be intervention or control');
    const dose = await run(file, ['wave', 'create', '--trial', 'fixture', '--name', 'endline', '--opens', '2025-02-01', '--closes', '2025-06-01', '--instruments', 'pss10', '--min-sessions', '0']);
    expect(dose.code).not.toBe(0);
    expect(dose.err).toMatch(/--min-sessions/);
    expect(db.prepare("SELECT count(*) AS n FROM waves WHERE name = 'endline'").get()).toEqual({ n: 0 });
  });
});
