// A supervisor's schedule: for each school, the last session, when the next is due (every min-max weeks) and whether it is overdue.
export interface ScheduleRow { school: string; last: string; dueFrom: string; dueBy: string; state: 'overdue' | 'due now' | 'not yet due' | 'no session yet' }

const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86400000).toISOString().slice(0, 10);

/** Rows by school name; `sessions` are the supervisor's introduction and formal sessions (ad-hoc contact does not reset the clock). */
export function scheduleRows(schools: Array<{ urn: number; name: string }>, sessions: Array<{ kind: string; heldOn: string; attendees: Array<{ urn: number }> }>, intervalWeeks: [number, number], today: string): ScheduleRow[] {
  return schools.map((s) => {
    const dates = sessions.filter((x) => x.kind !== 'adhoc' && x.attendees.some((a) => a.urn === s.urn)).map((x) => x.heldOn).sort();
    const last = dates[dates.length - 1];
    if (!last) return { school: `${s.name} (${s.urn})`, last: 'none', dueFrom: 'now', dueBy: 'now', state: 'no session yet' };
    const dueFrom = addDays(last, intervalWeeks[0] * 7);
    const dueBy = addDays(last, intervalWeeks[1] * 7);
    const state = today > dueBy ? 'overdue' : today >= dueFrom ? 'due now' : 'not yet due';
    return { school: `${s.name} (${s.urn})`, last, dueFrom, dueBy, state };
  });
}
