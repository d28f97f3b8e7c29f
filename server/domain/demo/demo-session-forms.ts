// The demo's session forms and topics, so a newcomer sees them: the trial's short list of topics, one or two on each introduction and
// formal session (now and then with free text), and each attending DSL's time log (most sessions) and preparation sheet (about half),
// returned from their session's own link. Drawn from a stream of their own, so the rest of the demo is unchanged by them.
import type { Db } from '../../storage/db';
import { listSessions } from '../../storage/supervision-repo';
import { issueSessionForms } from '../../storage/session-form-repo';
import { insertCompleteResponse } from '../../storage/response-repo';
import { updateSupervisionSettings } from '../../storage/trial-settings-repo';
import { setDemoSessionTopics } from '../../storage/demo-repo';
import type { DemoRandom } from './demo-random';

export const DEMO_TOPICS = [
  { code: 'thresholds', label: 'Thresholds and referrals to children\'s social care' },
  { code: 'early-help', label: 'Early Help' },
  { code: 'multi-agency', label: 'Multi-agency working' },
  { code: 'recording', label: 'Recording and chronologies' },
  { code: 'wellbeing', label: 'The DSL\'s own wellbeing and workload' },
];
const NOTES = ['(Demo) Attendance and children missing education.', '(Demo) Online safety after a <b>parent</b> complaint.', '(Demo) Preparing for an Ofsted visit.'];
const PREP = ['(Demo) How to decide whether a concern meets the threshold', '(Demo) How to challenge a decision by the front door', '(Demo) How to share the load with the deputy DSL'];

const afternoon = (dayIso: string) => `${dayIso}T16:00:00.000Z`;
const evening = (dayIso: string) => `${dayIso}T19:30:00.000Z`;

export function seedDemoSessionForms(db: Db, rng: DemoRandom, o: { trialId: string; secret: Buffer; at: string }): void {
  updateSupervisionSettings(db, o.trialId, { topics: DEMO_TOPICS }, { actor: 'system:demo', at: o.at });
  const sessions = listSessions(db, { trialId: o.trialId }).sort((a, b) => a.id - b.id);
  const keepsLog = new Map<string, boolean>();
  for (const s of sessions) {
    if (s.kind !== 'adhoc') {
      const codes = rng.shuffle(DEMO_TOPICS.map((t) => t.code)).slice(0, rng.int(1, 2));
      setDemoSessionTopics(db, s.id, codes, rng.chance(0.2) ? rng.pick(NOTES) : null);
    }
    const forms = issueSessionForms(db, o.secret, [s.id], afternoon(s.heldOn));
    s.attendees.forEach((a, k) => {
      if (!keepsLog.has(a.dslId)) keepsLog.set(a.dslId, rng.chance(0.8));
      const log = forms.find((f) => f.dslId === a.dslId && f.instrument === 'dsl-time-log@1');
      if (log && keepsLog.get(a.dslId) && rng.chance(0.9)) {
        const minutes = Math.max(5, s.durationMinutes + 5 * rng.int(-2, 3));
        insertCompleteResponse(db, {
          invitationId: null, sessionFormId: log.sessionFormId, dslId: a.dslId, waveId: null, instruments: ['dsl-time-log@1'], at: evening(s.heldOn),
          answers: { dsl_time_log_session: k + 1, dsl_time_log_date: s.heldOn, dsl_time_log_mode: s.mode, dsl_time_log_duration: minutes, dsl_time_log_comments: `(Demo) ${s.kind} session.` },
        });
      }
      const prep = forms.find((f) => f.dslId === a.dslId && f.instrument === 'dsl-preparation@1');
      if (prep && rng.chance(0.55)) {
        insertCompleteResponse(db, {
          invitationId: null, sessionFormId: prep.sessionFormId, dslId: a.dslId, waveId: null, instruments: ['dsl-preparation@1'], at: afternoon(s.heldOn),
          answers: { dsl_preparation_topic_01: rng.pick(PREP), ...(rng.chance(0.3) ? { dsl_preparation_red_issues: '(Demo) A child whose disclosure has not been followed up.' } : {}) },
        });
      }
    });
  }
}
