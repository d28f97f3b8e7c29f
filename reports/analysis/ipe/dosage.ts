// Dosage of the intervention per school and the Table 5 categories (introduction only, plus one/two/three sessions, declined or missing); the dosage fraction for dose-response.
import { sessionsBySchool, type IpeSchool, type IpeSession } from './types';

export interface SchoolDosage {
  urn: number;
  introduction: boolean;
  formal: number;
  /** Index into the category list: 0 = introduction only, k = plus k sessions, -1 = declined or missing. */
  category: number;
  /** Sessions attended / sessions offered, the introduction counted as a session (Bolton report), capped at 1. */
  dosage: number;
}

export interface DosageCategory { label: string; schools: number }

export interface DosageSummary {
  intended: number;
  schools: SchoolDosage[];
  categories: DosageCategory[];
  total: number;
  /** Schools with formal sessions but no recorded introduction (counted by their formal sessions). */
  withoutIntroduction: number;
}

const words = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
export function countWord(n: number): string { return words[n] ?? String(n); }

/** The sessions intended when the trial does not say: three formal sessions after an introduction (the Bolton programme). */
export const DEFAULT_SESSIONS_INTENDED = 3;

/** Dosage of every intervention-arm school, and counts per Table 5 category. */
export function dosageSummary(schools: IpeSchool[], sessions: IpeSession[], sessionsIntended: number | null): DosageSummary {
  const intended = sessionsIntended ?? DEFAULT_SESSIONS_INTENDED;
  const by = sessionsBySchool(sessions.filter((s) => s.kind !== 'adhoc'));
  const result: SchoolDosage[] = [];
  let over = 0;
  let withoutIntroduction = 0;
  for (const school of schools.filter((s) => s.arm === 'intervention')) {
    const list = by.get(school.urn) ?? [];
    const introduction = list.some((s) => s.kind === 'introduction');
    const formal = list.filter((s) => s.kind === 'formal').length;
    const declined = school.enrolment === 'declined' || school.enrolment === 'withdrawn';
    const none = !introduction && formal === 0;
    if (!introduction && formal > 0) withoutIntroduction++;
    if (formal > intended) over++;
    const category = declined && none ? -1 : none ? -1 : Math.min(formal, intended);
    const dosage = Math.min(1, ((introduction ? 1 : 0) + formal) / (intended + 1));
    result.push({ urn: school.urn, introduction, formal, category, dosage });
  }
  const categories: DosageCategory[] = [];
  for (let k = 0; k <= intended; k++) {
    const label = k === 0 ? 'Introductory meeting only'
      : `Introduction plus ${countWord(k)}${k === intended && over > 0 ? ' or more' : ''} supervision session${k === 1 && !(k === intended && over > 0) ? '' : 's'}`;
    categories.push({ label, schools: result.filter((r) => r.category === k).length });
  }
  categories.push({ label: 'Declined to participate/missing information on attendance', schools: result.filter((r) => r.category === -1).length });
  return { intended, schools: result, categories, total: result.length, withoutIntroduction };
}

/** Dosage column for every allocated school: 0 for control, the fraction for intervention schools. */
export function dosageByUrn(summary: DosageSummary, schools: IpeSchool[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const s of schools) if (s.arm === 'control') m.set(s.urn, 0);
  for (const d of summary.schools) m.set(d.urn, d.dosage);
  return m;
}
