// Tests the synthetic demo: deterministic for a seed and clock (except the random account passwords), clearly labelled, shaped as the issue asks, and rebuilt by resetDemo without touching real trials.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDb } from '../helpers/temp';
import type { Db } from '../../server/storage/db';
import { resetDemo, seedDemo, seedDemoIfEmpty } from '../../server/domain/demo/seed-demo';
import { createTrial } from '../../server/storage/trial-repo';

const clock = () => new Date('2026-11-20T12:00:00Z');
const secret = Buffer.alloc(32, 7);
const TABLES = ['local_authorities', 'schools', 'trials', 'trial_schools', 'randomisations', 'allocations', 'dsls', 'dsl_contacts', 'waves', 'invitations',
  'responses', 'response_snapshots', 'scores', 'supervision_sessions', 'supervision_attendees', 'admin_outcomes', 'audit_log',
  'supervisor_assignments', 'programmes', 'programme_packages', 'package_settings', 'programme_costs', 'intervention_descriptions', 'report_quotes',
  'session_forms', 'trial_topics', 'session_topics'];

/** Every demo table in rowid order; users without password_hash, which is random on purpose (new passwords at every seeding). */
function dump(db: Db): Record<string, unknown[]> {
  const users = db.prepare('SELECT id, email, name, role, la_code, disabled, created_at FROM users ORDER BY id').all();
  return { ...Object.fromEntries(TABLES.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY rowid`).all()])), users };
}
const one = (db: Db, sql: string) => db.prepare(sql).get() as Record<string, number | string>;

let a: ReturnType<typeof tempDb>;
let b: ReturnType<typeof tempDb>;
beforeEach(() => { a = tempDb(); b = tempDb(); });
afterEach(() => { a.cleanup(); b.cleanup(); });

describe('demo trial', () => {
  it('is identical in two fresh databases for the same seed and clock', () => {
    seedDemo(a.db, { clock, secret });
    seedDemo(b.db, { clock, secret });
    const [da, db] = [dump(a.db), dump(b.db)];
    expect(da).toEqual(db);
    // the comparison is not vacuous: every table the demo fills has rows
    for (const t of [...TABLES, 'users']) expect(da[t].length, t).toBeGreaterThan(0);
    // the passwords themselves differ between the two seedings
    const hashes = (d: Db) => d.prepare('SELECT password_hash FROM users ORDER BY id').all();
    expect(hashes(a.db)).not.toEqual(hashes(b.db));
    const other = tempDb();
    seedDemo(other.db, { clock, secret, seed: 5 });
    expect(dump(other.db).allocations).not.toEqual(dump(a.db).allocations);
    other.cleanup();
  });

  it('has the shape the issue describes, clearly labelled synthetic', () => {
    expect(seedDemoIfEmpty(a.db, { clock, secret })?.accounts.map((x) => x.email)).toEqual(['evaluator@demo.invalid', 'supervisor@demo.invalid', 'officer@demo.invalid']);
    expect(seedDemoIfEmpty(a.db, { clock, secret })).toBeNull();
    const db = a.db;
    expect(one(db, "SELECT title, is_demo, status FROM trials WHERE id = 'demo'")).toEqual({ title: 'DEMO — synthetic data', is_demo: 1, status: 'fieldwork' });
    expect(one(db, "SELECT count(*) AS n, min(urn) AS lo, max(urn) AS hi, sum(is_synthetic) AS syn, count(DISTINCT la_code) AS las FROM schools WHERE name LIKE 'Demo Primary School %'"))
      .toEqual({ n: 94, lo: 990001, hi: 990094, syn: 94, las: 1 });
    expect(one(db, "SELECT method, count(*) AS n FROM randomisations r JOIN allocations a ON a.trial_id = r.trial_id")).toEqual({ method: 'niesr-fsm-median', n: 94 });
    expect(db.prepare('SELECT arm, count(*) AS n FROM allocations GROUP BY arm ORDER BY arm').all()).toEqual([{ arm: 'control', n: 47 }, { arm: 'intervention', n: 47 }]);
    const perSchool = db.prepare("SELECT count(*) AS n FROM dsls WHERE trial_id = 'demo' GROUP BY urn").all() as Array<{ n: number }>;
    expect(perSchool).toHaveLength(94);
    expect(perSchool.every((r) => r.n >= 1 && r.n <= 2)).toBe(true);
    expect(one(db, "SELECT count(*) AS n FROM dsl_contacts WHERE email NOT LIKE '%dsl%@demo.invalid'")).toEqual({ n: 0 });
    // Baseline closed with ~85% complete responses and scores; endline open with unanswered invitations.
    const waves = db.prepare("SELECT id, name, closes_at FROM waves WHERE trial_id = 'demo' ORDER BY name").all() as Array<{ id: number; name: string; closes_at: string }>;
    expect(waves.map((w) => w.name)).toEqual(['baseline', 'endline', 'midpoint']);
    expect(waves[0].closes_at < clock().toISOString() && waves[1].closes_at > clock().toISOString()).toBe(true);
    const dsls = (one(db, "SELECT count(*) AS n FROM dsls WHERE trial_id = 'demo'").n as number);
    const answered = one(db, `SELECT count(*) AS n FROM responses WHERE wave_id = ${waves[0].id} AND status = 'complete'`).n as number;
    expect(answered / dsls).toBeGreaterThan(0.75);
    expect(answered / dsls).toBeLessThan(0.95);
    expect(one(db, `SELECT count(*) AS n FROM scores s JOIN responses r ON r.id = s.response_id WHERE r.wave_id = ${waves[0].id} AND s.instrument = 'pss10@1' AND s.scale = 'total' AND s.value IS NOT NULL`).n).toBe(answered);
    expect(one(db, `SELECT count(*) AS n FROM invitations WHERE wave_id = ${waves[1].id}`).n).toBe(dsls);
    expect(one(db, `SELECT count(*) AS n FROM responses WHERE wave_id = ${waves[1].id}`).n).toBe(0);
    // Supervision: intervention schools only; Table 5 shape (13 intro only, 6/8/18 with 1/2/3 formal, 2 none); a group session across two schools.
    const formalBySchool = db.prepare(`SELECT a.urn, sum(CASE WHEN s.kind = 'introduction' THEN 1 ELSE 0 END) AS intro, sum(CASE WHEN s.kind = 'formal' THEN 1 ELSE 0 END) AS formal
      FROM allocations a LEFT JOIN supervision_attendees sa ON sa.urn = a.urn LEFT JOIN supervision_sessions s ON s.id = sa.session_id
      WHERE a.arm = 'intervention' GROUP BY a.urn`).all() as Array<{ intro: number; formal: number }>;
    const shape = [0, 1, 2, 3].map((k) => formalBySchool.filter((r) => r.intro > 0 && r.formal === k).length);
    expect(shape).toEqual([13, 6, 8, 18]);
    expect(formalBySchool.filter((r) => r.intro === 0)).toHaveLength(2);
    expect(one(db, `SELECT count(*) AS n FROM supervision_attendees sa JOIN allocations a ON a.urn = sa.urn WHERE a.arm = 'control'`).n).toBe(0);
    expect(one(db, "SELECT count(DISTINCT sa.urn) AS n FROM supervision_sessions s JOIN supervision_attendees sa ON sa.session_id = s.id WHERE s.trial_id = 'demo' AND s.format = 'group'").n).toBe(2);
    expect(one(db, "SELECT count(*) AS n FROM supervision_sessions WHERE kind = 'adhoc' AND mode IN ('phone', 'email')").n).toBeGreaterThan(0);
    // The evaluation form (midpoint wave) went only to intervention DSLs with three formal sessions, as in Bolton.
    const invitedEval = db.prepare(`SELECT i.dsl_id, a.arm, (SELECT count(*) FROM supervision_attendees sa JOIN supervision_sessions s ON s.id = sa.session_id WHERE sa.dsl_id = i.dsl_id AND s.kind = 'formal') AS formal
      FROM invitations i JOIN dsls d ON d.id = i.dsl_id JOIN allocations a ON a.urn = d.urn WHERE i.wave_id = ${waves[2].id}`).all() as Array<{ arm: string; formal: number }>;
    expect(invitedEval.length).toBeGreaterThan(10);
    expect(invitedEval.every((r) => r.arm === 'intervention' && r.formal >= 3)).toBe(true);
    const evalAnswers = one(db, `SELECT count(*) AS n FROM responses WHERE wave_id = ${waves[2].id} AND status = 'complete'`).n as number;
    expect(evalAnswers).toBeGreaterThan(0);
    expect(evalAnswers).toBeLessThan(invitedEval.length);
    // Session forms: time logs and preparation sheets returned from each session's own links; topics from the trial's list.
    const returned = db.prepare(`SELECT f.instrument, count(*) AS n, count(DISTINCT f.session_id) AS sessions FROM responses r JOIN session_forms f ON f.id = r.session_form_id
      WHERE r.status = 'complete' GROUP BY f.instrument ORDER BY f.instrument`).all() as Array<{ instrument: string; n: number; sessions: number }>;
    expect(returned.map((r) => r.instrument)).toEqual(['dsl-preparation@1', 'dsl-time-log@1']);
    expect(returned.every((r) => r.sessions > 50)).toBe(true);
    expect(one(db, "SELECT count(*) AS n FROM trial_topics WHERE trial_id = 'demo'").n).toBe(5);
    expect(one(db, "SELECT count(DISTINCT session_id) AS n FROM session_topics").n).toBeGreaterThan(50);
    // Outcomes: every measure for every school over 24 months; contacts = contacts leading to NFA + referrals.
    expect(one(db, 'SELECT count(*) AS n, count(DISTINCT measure) AS m, count(DISTINCT period) AS p FROM admin_outcomes')).toEqual({ n: 94 * 24 * 9, m: 9, p: 24 });
    const pupils = one(db, "SELECT sum(pupils) AS n FROM schools WHERE name LIKE 'Demo Primary School %'").n as number;
    const nfa = one(db, "SELECT sum(count) AS n FROM admin_outcomes WHERE measure = 'contacts_nfa'").n as number;
    // Bolton report Table 3: contacts leading to NFA were 1.2% of pupils a year (two years here).
    expect(nfa / pupils / 2).toBeGreaterThan(0.009);
    expect(nfa / pupils / 2).toBeLessThan(0.016);
    expect(one(db, `SELECT count(*) AS n FROM admin_outcomes c JOIN admin_outcomes f ON f.urn = c.urn AND f.period = c.period AND f.measure = 'contacts_nfa'
      JOIN admin_outcomes r ON r.urn = c.urn AND r.period = c.period AND r.measure = 'referrals' WHERE c.measure = 'contacts' AND c.count <> f.count + r.count`).n).toBe(0);
  });

  it('resetDemo rebuilds the demo and leaves a real trial alone', () => {
    seedDemo(a.db, { clock, secret });
    createTrial(a.db, { id: 'real', title: 'Real trial', createdAt: '2026-01-01T00:00:00Z' });
    const before = dump(a.db).allocations;
    resetDemo(a.db, { clock, secret });
    expect(dump(a.db).allocations).toEqual(before);
    expect(one(a.db, 'SELECT count(*) AS n FROM trials').n).toBe(3); // demo, demo-programme, real
    expect(one(a.db, "SELECT count(*) AS n FROM users WHERE email LIKE '%@demo.invalid'").n).toBe(3); // accounts re-keyed, not duplicated
    expect(one(a.db, "SELECT count(*) AS n FROM audit_log WHERE action = 'demo.seed'").n).toBe(2);
  });
});
