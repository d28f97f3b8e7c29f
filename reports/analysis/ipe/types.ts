// Minimal input shapes of the IPE summaries (structurally the same as the report data gathered from the database).
export type IpeArm = 'intervention' | 'control';

export interface IpeSchool { urn: number; laCode: string; laName: string; arm: IpeArm | null; enrolment: 'enrolled' | 'excluded' | 'declined' | 'withdrawn' | null; attendanceMissing?: boolean }
export interface IpeDsl { id: string; urn: number; status: string }
export interface IpeSession {
  id: number; kind: 'introduction' | 'formal' | 'adhoc'; mode: 'face_to_face' | 'online' | 'phone' | 'email'; format: 'individual' | 'group';
  heldOn: string; durationMinutes: number; attendees: { dslId: string; urn: number }[];
}
export interface IpeForm { responseId: number; dslId: string; urn: number; instrument: string; answers: Record<string, unknown>; sessionId?: number | null }

/** Sessions per school (a group session counts once for each school whose DSL attended). */
export function sessionsBySchool(sessions: IpeSession[]): Map<number, IpeSession[]> {
  const by = new Map<number, IpeSession[]>();
  for (const s of sessions) {
    for (const urn of new Set(s.attendees.map((a) => a.urn))) {
      const list = by.get(urn) ?? [];
      list.push(s);
      by.set(urn, list);
    }
  }
  return by;
}

/** Median of a non-empty list (null when empty). */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
