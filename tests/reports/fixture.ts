// The seeded fixture trial the report tests render: the deterministic demo trial (which has its own forms, time logs, costs and quotes) plus IPE inputs (a shared cost, evaluation forms with a hostile answer, time logs, selected quotes).
import { seedDemo, DEMO_TRIAL_ID } from '../../server/domain/demo/seed-demo';
import type { Db } from '../../server/storage/db';
import { addProgrammeCost, selectQuote, setInterventionDescription } from '../../server/storage/report-data-repo';
import { setReportSectionsAudited } from '../../server/storage/report-section-repo';

export const FIXTURE_NOW = new Date('2026-03-01T10:00:00Z');
export const fixtureClock = () => FIXTURE_NOW;
export const FIXTURE_SECRET = Buffer.alloc(32, 7);
export const HOSTILE_ANSWER = '<script>alert("x")</script> & it was "great"';

function insertForm(db: Db, dslId: string, instrument: string, answers: Record<string, unknown>, at: string): number {
  const id = Number(db.prepare(`INSERT INTO responses (dsl_id, instruments, status, current_page, started_at, updated_at, submitted_at)
    VALUES (?, ?, 'complete', 0, ?, ?, ?)`).run(dslId, JSON.stringify([instrument]), at, at, at).lastInsertRowid);
  db.prepare("INSERT INTO response_snapshots (response_id, kind, answers, page, saved_at) VALUES (?, 'import', ?, 0, ?)").run(id, JSON.stringify(answers), at);
  return id;
}

/** Seeds the fixture trial; returns its id and the response id holding the hostile answer. */
export function seedReportFixture(db: Db): { trialId: string; hostileResponseId: number } {
  seedDemo(db, { clock: fixtureClock, secret: FIXTURE_SECRET });
  const at = FIXTURE_NOW.toISOString();
  const trialId = DEMO_TRIAL_ID;
  // DSLs of intervention schools that attended a session, in a stable order.
  const dsls = db.prepare(`SELECT DISTINCT sa.dsl_id AS id FROM supervision_attendees sa JOIN supervision_sessions s ON s.id = sa.session_id
    WHERE s.trial_id = ? ORDER BY sa.dsl_id LIMIT 6`).all(trialId) as { id: string }[];
  let hostileResponseId = 0;
  dsls.forEach((d, i) => {
    const id = insertForm(db, d.id, 'dsl-evaluation@1', {
      dsl_evaluation_hours: 6 + i,
      dsl_evaluation_experience: i === 0 ? HOSTILE_ANSWER : `Supportive and practical (${i}).`,
      dsl_evaluation_personal_value: 'More confident about thresholds.',
      dsl_evaluation_acknowledge_self_01: 'Preparing cases',
      dsl_evaluation_better: i % 2 ? 'More sessions' : '',
    }, at);
    if (i === 0) hostileResponseId = id;
    if (i < 2) selectQuote(db, trialId, id, 'dsl_evaluation_experience', 'cli:fixture', at);
    insertForm(db, d.id, 'dsl-time-log@1', { dsl_time_log_session: 1, dsl_time_log_date: '2024-10-01', dsl_time_log_mode: i % 2 ? 'phone' : 'face_to_face', dsl_time_log_duration: 90 + 15 * i }, at);
  });
  // The demo itself enters the £1,500 per setting per year (seed 004); the fixture adds a shared cost on top.
  addProgrammeCost(db, trialId, { item: 'Supervisor training', amountPence: 240000, basis: 'total', note: 'shared between settings' }, at);
  setInterventionDescription(db, trialId, 'modifications', 'Sessions moved online during school closures.', 'cli:fixture', at);
  // Three of the evaluator's sections written (Markdown, one with text that must stay text), three left empty so the report says so.
  setReportSectionsAudited(db, trialId, {
    executive_summary: 'This **synthetic** trial tests supervision of DSLs by a social worker.\n\nQuestions to <mailto:evaluation@example.org>.',
    key_conclusions: '1. No difference in contacts leading to NFA.\n2. Secondary outcomes are *exploratory*.\n3. Fewer than half of schools received every session.',
    limitations: `Outcome data cover all sources of contacts, not only schools. ${HOSTILE_ANSWER}`,
  }, { actor: 'cli:fixture', at });
  return { trialId, hostileResponseId };
}
