// The demo trial's process-evaluation inputs: the evaluation-form wave limited like Bolton's (intervention DSLs with three formal sessions) and its
// answers, the supervisor's records of supervision, programme costs, a TIDieR description and two selected quotes.
import type { Db } from '../../storage/db';
import { listSessions, saveSupervisionRecord } from '../../storage/supervision-repo';
import { createWave } from '../../storage/wave-repo';
import { issueInvitations } from '../../storage/invitation-repo';
import { listInvitationRecipients } from '../../storage/survey-access-repo';
import { insertCompleteResponse } from '../../storage/response-repo';
import { addProgrammeCost, selectQuote, setInterventionDescription, type TidierField } from '../../storage/report-data-repo';
import type { DemoRandom } from './demo-random';

/** Synthetic free text, each answer marked "(Demo)" so nobody mistakes it for what a real DSL said. */
const EXPERIENCE = [
  '(Demo) Having protected time to think through a case with a social worker helped me slow down before acting.',
  '(Demo) The sessions felt supportive rather than an inspection; I could bring the cases that kept me awake.',
  '(Demo) It took a while to trust the process, but by the second formal session I was bringing harder cases.',
  '(Demo) Useful, though finding the time in the school day was difficult.',
  '(Demo) The <b>markup</b> in this answer must show as typed, never in bold: every answer is escaped.',
];
const PERSONAL = [
  '(Demo) More confident about thresholds and when to call the front door.',
  '(Demo) I feel less alone with the decisions I make.',
  '(Demo) Better at writing clear, factual chronologies.',
];
const ORGANISATION = [
  '(Demo) Staff bring concerns to me earlier because I can explain what happens next.',
  '(Demo) Our referrals are better evidenced and fewer are bounced back.',
];
const BETTER = ['(Demo) More sessions in the spring term.', '(Demo) Meeting in school rather than at the council offices.', ''];
const RECORD_NOTES = [
  '(Demo) Discussed a child with repeated absences; agreed to consult Early Help.',
  '(Demo) Reviewed the DSL\'s workload and how cases are shared with the deputy DSL.',
  '(Demo) Talked through a disclosure and the recording that followed it.',
];

const TIDIER: Partial<Record<TidierField, string>> = {
  name: '(Demo) Social-work supervision for Designated Safeguarding Leads.',
  why: '(Demo) DSLs carry safeguarding decisions alone; reflective supervision from an experienced social worker may improve their confidence, wellbeing and the quality of referrals.',
  who_provided: '(Demo) Two supervising social workers employed by the local authority, each with more than five years in child protection.',
  how: '(Demo) Mostly face to face, one to one; one group session for the DSLs of two schools; phone and email advice between sessions.',
  where: '(Demo) In school, or online when travel was not possible.',
  when_how_much: '(Demo) An introductory meeting, then three formal sessions of about 90 minutes every 4 to 6 weeks over the school year.',
};

/** A day within [from, to] (ISO dates), as an ISO timestamp at 16:00 UTC. */
const afternoon = (dayIso: string) => `${dayIso}T16:00:00.000Z`;

const addDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * 86400000).toISOString();

/**
 * Seeds the forms from the demo's sessions: the supervisor writes a record of every formal session; the evaluation form is a
 * midpoint wave sent, as in Bolton, only to intervention DSLs who have had three formal sessions, and each of them answers it
 * with probability 0.6 (the first always, with the answer that shows escaping). Costs are the seed 004 price (£1,500 per setting per year).
 * The DSLs' time logs and preparation sheets belong to sessions (demo-session-forms.ts).
 */
export function seedDemoForms(db: Db, rng: DemoRandom, o: { trialId: string; supervisorUserId: number; formsAt: string; at: string; secret: Buffer }): void {
  const sessions = listSessions(db, { trialId: o.trialId }).sort((a, b) => a.id - b.id);
  for (const s of sessions.filter((x) => x.kind === 'formal')) {
    const who = s.attendees[0];
    saveSupervisionRecord(db, {
      sessionId: s.id, authorUserId: o.supervisorUserId, dslId: who.dslId, instrument: 'supervision-record@1', at: afternoon(s.heldOn),
      answers: {
        supervision_record_date: s.heldOn, supervision_record_dsl: who.dslId,
        supervision_record_support: rng.pick(RECORD_NOTES),
        supervision_record_action_01: '(Demo) Update the chronology and share it with the family support worker.', supervision_record_action_01_by_whom: 'DSL',
      },
    });
  }
  const evaluation = createWave(db, {
    trialId: o.trialId, name: 'midpoint', opensAt: addDays(o.formsAt, -21), closesAt: addDays(o.formsAt, 14), instruments: ['dsl-evaluation@1'],
    arms: ['intervention'], minSessions: 3,
  });
  const invited = issueInvitations(db, o.secret, evaluation.id, listInvitationRecipients(db, o.trialId, evaluation.id).map((r) => r.dslId), addDays(o.formsAt, -21));
  const minutesOf = new Map<string, number>();
  for (const s of sessions) for (const a of s.attendees) minutesOf.set(a.dslId, (minutesOf.get(a.dslId) ?? 0) + s.durationMinutes);
  const quoted: number[] = [];
  invited.forEach((inv, i) => {
    const markup = i === 0; // the first invited DSL always gives the answer with markup, so the escaping is on show
    if (!markup && !rng.chance(0.6)) return;
    const id = insertCompleteResponse(db, {
      invitationId: inv.invitationId, dslId: inv.dslId, waveId: evaluation.id, instruments: ['dsl-evaluation@1'], at: o.formsAt,
      answers: {
        dsl_evaluation_hours: Math.round((minutesOf.get(inv.dslId) ?? 0) / 60 + rng.int(1, 4)),
        dsl_evaluation_experience: markup ? EXPERIENCE[EXPERIENCE.length - 1] : rng.pick(EXPERIENCE.slice(0, -1)),
        dsl_evaluation_personal_value: rng.pick(PERSONAL),
        dsl_evaluation_organisation_value: rng.pick(ORGANISATION),
        dsl_evaluation_acknowledge_self_01: '(Demo) Making time for supervision.',
        dsl_evaluation_acknowledge_supervisor_01: '(Demo) Listening without judging.',
        dsl_evaluation_feedback_01: rng.pick(['(Demo) Keep the written actions short.', '(Demo) Send the agenda a day before.', '(Demo) Nothing to change.']),
        dsl_evaluation_better: rng.pick(BETTER),
      },
    });
    if (quoted.length < 2) quoted.push(id);
  });
  for (const id of quoted) selectQuote(db, o.trialId, id, 'dsl_evaluation_experience', 'system:demo', o.at);
  addProgrammeCost(db, o.trialId, { item: 'Social-work supervision (10 two-hour sessions a year)', amountPence: 150000, basis: 'per_school', note: '(Demo) the Essex traded price, per setting per year' }, o.at);
  for (const [field, body] of Object.entries(TIDIER) as Array<[TidierField, string]>) setInterventionDescription(db, o.trialId, field, body, 'system:demo', o.at);
}
