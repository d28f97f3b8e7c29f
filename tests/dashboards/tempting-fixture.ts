// A database fixture built to tempt disclosure: an LA where counts of 1 to 5 are everywhere, one school has 3 DSLs,
// the control arm has 9 respondents, the control arm has 3 schools, and a programme has only 5 settings.
import type { Db } from '../../server/storage/db';

export const TEMPT_LA = { code: '990', name: 'Temptingshire' };
export const OTHER_LA = { code: '991', name: 'Otherborough' };
const at = '2025-01-10T09:00:00.000Z';

/** Names of every school in the fixture: none may appear on a public page. */
export const schoolNames: string[] = [];

interface DslSpec { urn: number; arm: 'intervention' | 'control' }

/** Scores for one DSL: deterministic from an index so bins get small counts. */
function swemwbsFor(i: number): number { return [14.08, 19.98, 21.54, 23.21, 24.11, 25.03, 27.03, 29.31, 32.55, 35][i % 10]; }
function confidenceFor(i: number): number { return [2.5, 3.1, 3.4, 3.9, 4.2, 4.6, 1.8, 3.0, 4.9, 3.7][i % 10]; }

export function seedTemptingFixture(db: Db): { dsls: Array<DslSpec & { id: string }>; scoredCount: (wave: string, arm: 'intervention' | 'control') => number } {
  db.prepare('INSERT INTO local_authorities (code, name) VALUES (?, ?), (?, ?)').run(TEMPT_LA.code, TEMPT_LA.name, OTHER_LA.code, OTHER_LA.name);
  const addSchool = db.prepare('INSERT INTO schools (urn, name, la_code, phase, type, pupils, is_synthetic) VALUES (?, ?, ?, ?, ?, ?, 1)');
  db.prepare("INSERT INTO trials (id, title, kind, status, created_at, starts_on, ends_on) VALUES ('tempt', 'Tempting trial', 'trial', 'fieldwork', ?, '2024-09-01', '2025-07-31')").run(at);
  db.prepare("INSERT INTO randomisations (id, trial_id, method, algorithm_version, seed, input_sha256, strata, created_at, created_by) VALUES (1, 'tempt', 'stratified', '1', 1, 'x', '[]', ?, 'test')").run(at);
  const enrol = db.prepare("INSERT INTO trial_schools (trial_id, urn) VALUES (?, ?)");
  const allocate = db.prepare("INSERT INTO allocations (trial_id, urn, randomisation_id, stratum, draw, arm) VALUES ('tempt', ?, 1, 'all', 0.5, ?)");
  const dsls: Array<DslSpec & { id: string }> = [];
  const addDsl = db.prepare("INSERT INTO dsls (id, trial_id, urn, status, created_at) VALUES (?, ?, ?, 'active', ?)");
  // Intervention: 11 schools; school 900010 has 3 DSLs, the others 1 each (13 DSLs).
  for (let k = 0; k < 11; k++) {
    const urn = 900000 + k;
    const name = `Intervention Primary ${k + 1}`;
    schoolNames.push(name);
    addSchool.run(urn, name, TEMPT_LA.code, 'Primary', 'Community school', 180 + k * 20);
    enrol.run('tempt', urn);
    allocate.run(urn, 'intervention');
    for (let d = 0; d < (k === 10 ? 3 : 1); d++) { const id = `dsl-i${k}-${d}`; addDsl.run(id, 'tempt', urn, at); dsls.push({ id, urn, arm: 'intervention' }); }
  }
  // Control: 3 schools with 3 DSLs each (9 DSLs: the group of 9 respondents at baseline).
  for (let k = 0; k < 3; k++) {
    const urn = 900100 + k;
    const name = `Control Academy ${k + 1}`;
    schoolNames.push(name);
    addSchool.run(urn, name, TEMPT_LA.code, 'Secondary', 'Academy converter', 900 + k * 50);
    enrol.run('tempt', urn);
    allocate.run(urn, 'control');
    for (let d = 0; d < 3; d++) { const id = `dsl-c${k}-${d}`; addDsl.run(id, 'tempt', urn, at); dsls.push({ id, urn, arm: 'control' }); }
  }
  const wave = db.prepare("INSERT INTO waves (id, trial_id, name, opens_at, closes_at, instruments) VALUES (?, 'tempt', ?, ?, ?, '[\"swemwbs@1\",\"dsl-confidence@1\"]')");
  wave.run(1, 'baseline', '2024-09-01T00:00:00Z', '2024-10-01T00:00:00Z');
  wave.run(2, 'endline', '2025-06-01T00:00:00Z', '2025-07-01T00:00:00Z');
  const invite = db.prepare('INSERT INTO invitations (id, wave_id, dsl_id, token_hash, created_at) VALUES (?, ?, ?, ?, ?)');
  const respond = db.prepare("INSERT INTO responses (id, invitation_id, dsl_id, wave_id, instruments, status, started_at, updated_at, submitted_at) VALUES (?, ?, ?, ?, '[\"swemwbs@1\",\"dsl-confidence@1\"]', ?, ?, ?, ?)");
  const score = db.prepare('INSERT INTO scores (response_id, instrument, scale, value, computed_at) VALUES (?, ?, ?, ?, ?)');
  // Who completes: baseline: 12 of 13 intervention, all 9 control; endline: 10 of 13 intervention, 4 of 9 control.
  const completes = (waveId: number, d: DslSpec & { id: string }, i: number) => {
    const iIdx = dsls.filter((x) => x.arm === 'intervention').indexOf(d);
    const cIdx = dsls.filter((x) => x.arm === 'control').indexOf(d);
    if (waveId === 1) return d.arm === 'control' || iIdx < 12;
    return d.arm === 'intervention' ? iIdx < 10 : cIdx < 4;
  };
  let id = 0;
  const scored: Record<string, number> = {};
  for (const waveId of [1, 2]) {
    dsls.forEach((d, i) => {
      id++;
      invite.run(id, waveId, d.id, `hash-${id}`, at);
      if (completes(waveId, d, i)) {
        respond.run(id, id, d.id, waveId, 'complete', at, at, at);
        score.run(id, 'swemwbs@1', 'metric', swemwbsFor(i + waveId), at);
        score.run(id, 'dsl-confidence@1', 'mean', confidenceFor(i + waveId), at);
        const key = `${waveId === 1 ? 'baseline' : 'endline'}:${d.arm}`;
        scored[key] = (scored[key] ?? 0) + 1;
      } else if (i % 2 === 0) {
        respond.run(id, id, d.id, waveId, 'partial', at, at, null);
      }
    });
  }
  // Supervision: small counts in most kind × mode cells.
  const session = db.prepare("INSERT INTO supervision_sessions (id, trial_id, kind, mode, format, held_on, duration_minutes, created_at) VALUES (?, 'tempt', ?, ?, ?, '2024-11-01', ?, ?)");
  const attend = db.prepare('INSERT INTO supervision_attendees (session_id, dsl_id, urn) VALUES (?, ?, ?)');
  const plan: Array<[string, string, number]> = [['introduction', 'face_to_face', 3], ['introduction', 'online', 8], ['formal', 'online', 9], ['formal', 'face_to_face', 12], ['formal', 'phone', 2], ['adhoc', 'email', 1], ['adhoc', 'phone', 4]];
  let sid = 0;
  const interventionDsls = dsls.filter((d) => d.arm === 'intervention');
  for (const [kind, mode, n] of plan) for (let k = 0; k < n; k++) {
    sid++;
    const d = interventionDsls[sid % interventionDsls.length];
    session.run(sid, kind, mode, kind === 'formal' && k === 0 ? 'group' : 'individual', kind === 'adhoc' ? 20 : 90, at);
    attend.run(sid, d.id, d.urn);
  }
  // Administrative outcomes: 1 to 3 a month for a few schools.
  const outcome = db.prepare('INSERT INTO admin_outcomes (urn, period, measure, count, imported_at) VALUES (?, ?, ?, ?, ?)');
  for (const urn of [900000, 900001, 900002, 900100]) for (const period of ['2024-10', '2024-11', '2025-02']) {
    outcome.run(urn, period, 'contacts', 1 + (urn % 3), at);
    outcome.run(urn, period, 'referrals', urn % 2, at);
  }
  // A programme in the same LA with 5 settings (too few schools for supervision figures).
  db.prepare("INSERT INTO trials (id, title, kind, status, created_at) VALUES ('tempt-prog', 'Tempting programme 2024/25', 'programme', 'fieldwork', ?)").run(at);
  for (let k = 0; k < 5; k++) {
    const urn = 900200 + k;
    const name = `Programme Setting ${k + 1}`;
    schoolNames.push(name);
    addSchool.run(urn, name, TEMPT_LA.code, 'Primary', 'Voluntary aided school', 200);
    enrol.run('tempt-prog', urn);
    addDsl.run(`dsl-p${k}`, 'tempt-prog', urn, at);
  }
  // The other LA: one trial school, so an officer of 990 has something to be refused.
  addSchool.run(910000, 'Otherborough High', OTHER_LA.code, 'Secondary', 'Academy', 1000);
  schoolNames.push('Otherborough High');
  enrol.run('tempt', 910000);
  allocate.run(910000, 'control');
  return { dsls, scoredCount: (w, arm) => scored[`${w}:${arm}`] ?? 0 };
}
