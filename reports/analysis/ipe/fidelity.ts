// Fidelity: formal sessions delivered against sessions intended, weeks between consecutive sessions against the intended interval, group vs one-to-one, mode and length.
import { median, sessionsBySchool, type IpeSchool, type IpeSession } from './types';

export interface FidelitySummary {
  intendedPerSchool: number;
  interventionSchools: number;
  formalIntended: number;
  formalDelivered: number;
  /** Schools that received every intended formal session. */
  schoolsWithAllSessions: number;
  interval: { minWeeks: number; maxWeeks: number; count: number; within: number; shorter: number; longer: number; medianWeeks: number | null; shortestWeeks: number | null; longestWeeks: number | null };
  format: { individual: number; group: number };
  mode: Record<IpeSession['mode'], number>;
  meanFormalMinutes: number | null;
  /** Sessions attended by DSLs of control schools (possible contamination). */
  controlSchoolsWithSessions: number;
}

const DAY_MS = 86_400_000;

/** Weeks between two YYYY-MM-DD dates. */
export function weeksBetween(a: string, b: string): number {
  return (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS / 7;
}

export function fidelitySummary(schools: IpeSchool[], sessions: IpeSession[], intendedPerSchool: number, intervalWeeks: [number, number]): FidelitySummary {
  const planned = sessions.filter((s) => s.kind !== 'adhoc');
  const by = sessionsBySchool(planned);
  const intervention = schools.filter((s) => s.arm === 'intervention');
  const intervals: number[] = [];
  let delivered = 0;
  let complete = 0;
  for (const school of intervention) {
    const list = (by.get(school.urn) ?? []).slice().sort((a, b) => (a.heldOn < b.heldOn ? -1 : a.heldOn > b.heldOn ? 1 : a.id - b.id));
    const formal = list.filter((s) => s.kind === 'formal').length;
    delivered += formal;
    if (formal >= intendedPerSchool) complete++;
    for (let i = 1; i < list.length; i++) intervals.push(weeksBetween(list[i - 1].heldOn, list[i].heldOn));
  }
  const interventionUrns = new Set(intervention.map((s) => s.urn));
  const ofIntervention = planned.filter((s) => s.attendees.some((a) => interventionUrns.has(a.urn)));
  const [minWeeks, maxWeeks] = intervalWeeks;
  const formalMinutes = ofIntervention.filter((s) => s.kind === 'formal').map((s) => s.durationMinutes);
  const mode = { face_to_face: 0, online: 0, phone: 0, email: 0 };
  for (const s of ofIntervention) mode[s.mode]++;
  const controlUrns = new Set(schools.filter((s) => s.arm === 'control').map((s) => s.urn));
  return {
    intendedPerSchool,
    interventionSchools: intervention.length,
    formalIntended: intendedPerSchool * intervention.length,
    formalDelivered: delivered,
    schoolsWithAllSessions: complete,
    interval: {
      minWeeks, maxWeeks, count: intervals.length,
      within: intervals.filter((w) => w >= minWeeks && w <= maxWeeks).length,
      shorter: intervals.filter((w) => w < minWeeks).length,
      longer: intervals.filter((w) => w > maxWeeks).length,
      medianWeeks: median(intervals),
      shortestWeeks: intervals.length ? Math.min(...intervals) : null,
      longestWeeks: intervals.length ? Math.max(...intervals) : null,
    },
    format: { individual: ofIntervention.filter((s) => s.format === 'individual').length, group: ofIntervention.filter((s) => s.format === 'group').length },
    mode,
    meanFormalMinutes: formalMinutes.length ? formalMinutes.reduce((a, b) => a + b, 0) / formalMinutes.length : null,
    controlSchoolsWithSessions: [...by.keys()].filter((urn) => controlUrns.has(urn)).length,
  };
}
