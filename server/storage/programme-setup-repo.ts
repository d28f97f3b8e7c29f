// SQL the programme set-up pages read: programmes (all, or one LA's), local authorities, and which URNs are schools of an LA.
import type { Db } from './db';

export interface ProgrammeListing { id: string; title: string; laCode: string; laName: string; academicYear: string; packages: number; settings: number; isDemo: boolean }

/** Programmes, newest academic year first; only one LA's when `laCode` is given. */
export function listProgrammes(db: Db, laCode: string | null): ProgrammeListing[] {
  const rows = db.prepare(`SELECT t.id, t.title, p.la_code, la.name AS la_name, p.academic_year, t.is_demo,
      (SELECT count(*) FROM programme_packages pp WHERE pp.trial_id = t.id) AS packages,
      (SELECT count(DISTINCT ps.urn) FROM package_settings ps JOIN programme_packages pp ON pp.id = ps.package_id WHERE pp.trial_id = t.id) AS settings
    FROM trials t JOIN programmes p ON p.trial_id = t.id JOIN local_authorities la ON la.code = p.la_code
    WHERE t.kind = 'programme' AND (@la IS NULL OR p.la_code = @la) ORDER BY p.academic_year DESC, t.title, t.id`).all({ la: laCode }) as Array<{
    id: string; title: string; la_code: string; la_name: string; academic_year: string; is_demo: number; packages: number; settings: number }>;
  return rows.map((r) => ({ id: r.id, title: r.title, laCode: r.la_code, laName: r.la_name, academicYear: r.academic_year, packages: r.packages, settings: r.settings, isDemo: r.is_demo === 1 }));
}

export function listLocalAuthorities(db: Db): Array<{ code: string; name: string }> {
  return db.prepare('SELECT code, name FROM local_authorities ORDER BY name, code').all() as Array<{ code: string; name: string }>;
}

/** The URNs from `urns` that are NOT schools of the LA (unknown, or in another LA). */
export function urnsOutsideLa(db: Db, laCode: string, urns: number[]): number[] {
  const q = db.prepare('SELECT 1 FROM schools WHERE urn = ? AND la_code = ?');
  return urns.filter((u) => !q.get(u, laCode));
}

/** How many schools of the LA are known (imported), to tell the user where URNs come from. */
export function countSchoolsInLa(db: Db, laCode: string): number {
  return (db.prepare('SELECT count(*) AS n FROM schools WHERE la_code = ?').get(laCode) as { n: number }).n;
}
