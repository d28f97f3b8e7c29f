// A supervisor's schedule: for each school, the last session, when the next is due (the trial's interval) and whether it is overdue;
// it stops at the trial's intervention end date and once the planned sessions (introduction plus the formal sessions intended) are held.
export type ScheduleState = 'overdue' | 'due now' | 'not yet due' | 'no session yet' | 'all sessions held' | 'intervention ended';
export interface ScheduleRow { urn: number; school: string; last: string; held: number; dueFrom: string; dueBy: string; state: ScheduleState }
export interface SchedulePlan { intervalWeeks: [number, number]; endsOn: string | null; sessionsIntended: number | null }

const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86400000).toISOString().slice(0, 10);

/**
 * Rows by school name; `sessions` are the supervisor's sessions (ad-hoc contact does not reset the clock nor count as a session).
 * Sessions held counts the introduction and formal sessions. Nothing is due after the end date, and the last due date is the end date.
 */
export function scheduleRows(schools: Array<{ urn: number; name: string }>, sessions: Array<{ kind: string; heldOn: string; attendees: Array<{ urn: number }> }>, plan: SchedulePlan, today: string): ScheduleRow[] {
  const [minWeeks, maxWeeks] = plan.intervalWeeks;
  const planned = plan.sessionsIntended === null ? null : plan.sessionsIntended + 1;
  return schools.map((s) => {
    const school = `${s.name} (${s.urn})`;
    const urn = s.urn;
    const dates = sessions.filter((x) => x.kind !== 'adhoc' && x.attendees.some((a) => a.urn === s.urn)).map((x) => x.heldOn).sort();
    const held = dates.length;
    const last = dates[held - 1];
    const ended = plan.endsOn !== null && today > plan.endsOn;
    if (planned !== null && held >= planned) return { urn, school, last: last ?? 'none', held, dueFrom: '', dueBy: '', state: 'all sessions held' };
    if (!last) return ended ? { urn, school, last: 'none', held, dueFrom: '', dueBy: '', state: 'intervention ended' } : { urn, school, last: 'none', held, dueFrom: 'now', dueBy: plan.endsOn ?? 'now', state: 'no session yet' };
    const dueFrom = addDays(last, minWeeks * 7);
    let dueBy = addDays(last, maxWeeks * 7);
    if (plan.endsOn !== null && dueBy > plan.endsOn) dueBy = plan.endsOn;
    if (ended || (plan.endsOn !== null && dueFrom > plan.endsOn)) return { urn, school, last, held, dueFrom: '', dueBy: '', state: 'intervention ended' };
    const state = today > dueBy ? 'overdue' : today >= dueFrom ? 'due now' : 'not yet due';
    return { urn, school, last, held, dueFrom, dueBy, state };
  });
}

/** A school's row on the supervisor's page: its schedule, and the DSL forms not yet returned and records not yet written from its sessions. */
export interface WorkRow extends ScheduleRow { name: string; formsToReturn: number; recordsToWrite: number }

/** What the state filter offers, in the order the page lists schools. */
export const WORK_FILTERS = [
  { value: 'needs-session', text: 'Needs a session (overdue, due now, none yet)' },
  { value: 'forms', text: 'Forms or records outstanding' },
  { value: 'not-yet-due', text: 'Not yet due' },
  { value: 'finished', text: 'All sessions held or intervention ended' },
] as const;
export type WorkFilter = (typeof WORK_FILTERS)[number]['value'];

const needsSession = (r: WorkRow) => r.state === 'overdue' || r.state === 'due now' || r.state === 'no session yet';
const outstanding = (r: WorkRow) => r.formsToReturn + r.recordsToWrite > 0;
const STATE_ORDER: Record<ScheduleState, number> = { overdue: 0, 'due now': 1, 'no session yet': 2, 'not yet due': 3, 'all sessions held': 4, 'intervention ended': 5 };

/** Which tier a row is in: a session to hold first (overdue, due now, none yet), then forms or records outstanding, then the rest. */
function tier(r: WorkRow): number {
  if (needsSession(r)) return STATE_ORDER[r.state];
  return outstanding(r) ? 3 : 4 + STATE_ORDER[r.state];
}

/** Rows in the order of what needs doing first; ties by school name, naturally ("School 2" before "School 10"). */
export function byWhatNeedsDoing(rows: WorkRow[], compareNames: (a: string, b: string) => number): WorkRow[] {
  return [...rows].sort((a, b) => tier(a) - tier(b) || compareNames(a.name, b.name) || a.urn - b.urn);
}

/** Whether a row passes the page's filter: a state group and part of the school's name or its URN (case aside). */
export function matchesFilter(r: WorkRow, filter: { state: WorkFilter | null; school: string }): boolean {
  const q = filter.school.trim().toLowerCase();
  if (q && !r.name.toLowerCase().includes(q) && !String(r.urn).includes(q)) return false;
  switch (filter.state) {
    case null: return true;
    case 'needs-session': return needsSession(r);
    case 'forms': return outstanding(r);
    case 'not-yet-due': return r.state === 'not yet due';
    case 'finished': return r.state === 'all sessions held' || r.state === 'intervention ended';
  }
}
