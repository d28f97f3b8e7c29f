// Which package of a traded programme a session is delivered under: the one the supervisor chose, or the only package its settings
// share; a school in two packages must say which (sessions count towards the package they were delivered under, never both).
import type { Db } from './db';
import type { FieldProblem } from '../../shared/errors';

export interface PackageChoice { id: number; name: string }

/** The programme packages that include every one of these settings. */
export function packagesCovering(db: Db, trialId: string, urns: number[]): PackageChoice[] {
  const unique = [...new Set(urns)];
  if (!unique.length) return [];
  return db.prepare(`SELECT p.id, p.name FROM programme_packages p WHERE p.trial_id = ?
      AND (SELECT count(DISTINCT ps.urn) FROM package_settings ps WHERE ps.package_id = p.id AND ps.urn IN (${unique.map(() => '?').join(', ')})) = ?
    ORDER BY p.id`).all(trialId, ...unique, unique.length) as PackageChoice[];
}

/** The package id to store with a new session (null in a trial); adds a problem (pointer /packageId) when it cannot be decided. */
export function sessionPackage(db: Db, trialId: string, urns: number[], given: number | null, problems: FieldProblem[]): number | null {
  const kind = (db.prepare('SELECT kind FROM trials WHERE id = ?').get(trialId) as { kind: string } | undefined)?.kind;
  if (kind !== 'programme') {
    if (given !== null) problems.push({ pointer: '/packageId', detail: 'Only a programme\'s sessions belong to a package.' });
    return null;
  }
  const choices = packagesCovering(db, trialId, urns);
  if (given !== null) {
    if (choices.some((c) => c.id === given)) return given;
    problems.push({ pointer: '/packageId', detail: 'Select a package that every setting at this session has bought' });
    return null;
  }
  if (choices.length === 1) return choices[0].id;
  problems.push({ pointer: '/packageId', detail: choices.length === 0
    ? 'The settings at this session do not share a package: log a session for each package.'
    : `These settings share ${choices.length} packages (${choices.map((c) => c.name).join(', ')}): choose the package this session was delivered under.` });
  return null;
}

/** A programme's packages by id. */
export function programmePackages(db: Db, trialId: string): PackageChoice[] {
  return db.prepare('SELECT id, name FROM programme_packages WHERE trial_id = ? ORDER BY id').all(trialId) as PackageChoice[];
}
