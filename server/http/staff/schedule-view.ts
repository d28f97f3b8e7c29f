// A supervisor's schedule: for each school, the last session, when the next is due (the trial's interval) and whether it is overdue;
// it stops at the trial's intervention end date and once the planned sessions (introduction plus the formal sessions intended) are held.
export type ScheduleState = 'overdue' | 'due now' | 'not yet due' | 'no session yet' | 'all sessions held' | 'intervention ended';
export interface ScheduleRow { school: string; last: string; held: number; dueFrom: string; dueBy: string; state: ScheduleState }
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
    const dates = sessions.filter((x) => x.kind !== 'adhoc' && x.attendees.some((a) => a.urn === s.urn)).map((x) => x.heldOn).sort();
    const held = dates.length;
    const last = dates[held - 1];
    const ended = plan.endsOn !== null && today > plan.endsOn;
    if (planned !== null && held >= planned) return { school, last: last ?? 'none', held, dueFrom: '', dueBy: '', state: 'all sessions held' };
    if (!last) return ended ? { school, last: 'none', held, dueFrom: '', dueBy: '', state: 'intervention ended' } : { school, last: 'none', held, dueFrom: 'now', dueBy: plan.endsOn ?? 'now', state: 'no session yet' };
    const dueFrom = addDays(last, minWeeks * 7);
    let dueBy = addDays(last, maxWeeks * 7);
    if (plan.endsOn !== null && dueBy > plan.endsOn) dueBy = plan.endsOn;
    if (ended || (plan.endsOn !== null && dueFrom > plan.endsOn)) return { school, last, held, dueFrom: '', dueBy: '', state: 'intervention ended' };
    const state = today > dueBy ? 'overdue' : today >= dueFrom ? 'due now' : 'not yet due';
    return { school, last, held, dueFrom, dueBy, state };
  });
}
