// Session forms against the sessions they belong to: how many attendances have a DSL time-log entry (and the time per session it gives
// beside the supervisor's log), how many introduction and formal sessions had a preparation sheet and a record of supervision.
import type { IpeForm, IpeSession } from './types';

export interface SessionFormSummary {
  /** (session, DSL) pairs of every logged session, ad hoc included. */
  attendances: number;
  /** Of those, with a completed time log from that session's link. */
  timeLogged: number;
  /** Time logs not linked to a session (answered in a survey wave or imported): counted in the totals but not per session. */
  timeLogsWithoutSession: number;
  /** Mean minutes per session, over the linked time logs with a duration: the DSL's figure and the supervisor's for the same sessions. */
  meanMinutes: { pairs: number; dsl: number | null; supervisor: number | null };
  /** (session, DSL) pairs of introduction and formal sessions: each should have a preparation sheet and a record. */
  plannedAttendances: number;
  prepared: number;
  recorded: number;
}

const isId = (f: IpeForm, id: string) => f.instrument.split('@')[0] === id;
const durationOf = (f: IpeForm): number | null => {
  const raw = f.answers.dsl_time_log_duration;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : null;
};

export function sessionFormSummary(sessions: IpeSession[], forms: IpeForm[]): SessionFormSummary {
  const key = (sessionId: number, dslId: string) => `${sessionId}\u0000${dslId}`;
  const byPair = (id: string) => {
    const m = new Map<string, IpeForm>();
    for (const f of forms) if (isId(f, id) && f.sessionId != null) m.set(key(f.sessionId, f.dslId), f);
    return m;
  };
  const logs = byPair('dsl-time-log');
  const preps = byPair('dsl-preparation');
  const records = byPair('supervision-record');
  let attendances = 0; let timeLogged = 0; let planned = 0; let prepared = 0; let recorded = 0;
  let pairs = 0; let dslMinutes = 0; let supervisorMinutes = 0;
  for (const s of sessions) {
    for (const a of s.attendees) {
      const k = key(s.id, a.dslId);
      attendances++;
      const log = logs.get(k);
      if (log) {
        timeLogged++;
        const minutes = durationOf(log);
        if (minutes !== null) { pairs++; dslMinutes += minutes; supervisorMinutes += s.durationMinutes; }
      }
      if (s.kind === 'adhoc') continue;
      planned++;
      if (preps.has(k)) prepared++;
      if (records.has(k)) recorded++;
    }
  }
  return {
    attendances, timeLogged, plannedAttendances: planned, prepared, recorded,
    timeLogsWithoutSession: forms.filter((f) => isId(f, 'dsl-time-log') && f.sessionId == null).length,
    meanMinutes: { pairs, dsl: pairs ? dslMinutes / pairs : null, supervisor: pairs ? supervisorMinutes / pairs : null },
  };
}
