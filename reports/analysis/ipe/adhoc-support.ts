// Ad-hoc support between formal sessions: contacts by phone, email, in person and online, and how many schools used it.
import type { IpeSession } from './types';

export interface AdhocSummary { total: number; byMode: Record<IpeSession['mode'], number>; schools: number; totalMinutes: number }

export function adhocSummary(sessions: IpeSession[]): AdhocSummary {
  const adhoc = sessions.filter((s) => s.kind === 'adhoc');
  const byMode = { phone: 0, email: 0, face_to_face: 0, online: 0 };
  for (const s of adhoc) byMode[s.mode]++;
  return {
    total: adhoc.length,
    byMode,
    schools: new Set(adhoc.flatMap((s) => s.attendees.map((a) => a.urn))).size,
    totalMinutes: adhoc.reduce((a, s) => a + s.durationMinutes, 0),
  };
}
