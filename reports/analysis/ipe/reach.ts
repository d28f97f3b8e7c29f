// Reach: schools and DSLs allocated and engaged (attended at least one supervision session), by arm and local authority.
import { sessionsBySchool, type IpeArm, type IpeDsl, type IpeSchool, type IpeSession } from './types';

export interface ReachRow {
  arm: IpeArm;
  laCode: string;
  laName: string;
  schools: number;
  schoolsEngaged: number;
  dsls: number;
  dslsEngaged: number;
}

export interface ReachSummary { rows: ReachRow[]; totals: Record<IpeArm, Omit<ReachRow, 'arm' | 'laCode' | 'laName'>> }

export function reachSummary(schools: IpeSchool[], dsls: IpeDsl[], sessions: IpeSession[]): ReachSummary {
  const engagedSchools = new Set(sessionsBySchool(sessions).keys());
  const engagedDsls = new Set(sessions.flatMap((s) => s.attendees.map((a) => a.dslId)));
  const dslsByUrn = new Map<number, IpeDsl[]>();
  for (const d of dsls) dslsByUrn.set(d.urn, [...(dslsByUrn.get(d.urn) ?? []), d]);
  const rows = new Map<string, ReachRow>();
  for (const s of schools) {
    if (!s.arm) continue;
    const key = `${s.arm === 'intervention' ? 0 : 1}\u0000${s.laName}\u0000${s.laCode}`;
    const row = rows.get(key) ?? { arm: s.arm, laCode: s.laCode, laName: s.laName, schools: 0, schoolsEngaged: 0, dsls: 0, dslsEngaged: 0 };
    const its = dslsByUrn.get(s.urn) ?? [];
    row.schools++;
    if (engagedSchools.has(s.urn)) row.schoolsEngaged++;
    row.dsls += its.length;
    row.dslsEngaged += its.filter((d) => engagedDsls.has(d.id)).length;
    rows.set(key, row);
  }
  const sorted = [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  const zero = () => ({ schools: 0, schoolsEngaged: 0, dsls: 0, dslsEngaged: 0 });
  const totals = { intervention: zero(), control: zero() };
  for (const r of sorted) {
    const t = totals[r.arm];
    t.schools += r.schools; t.schoolsEngaged += r.schoolsEngaged; t.dsls += r.dsls; t.dslsEngaged += r.dslsEngaged;
  }
  return { rows: sorted, totals };
}
