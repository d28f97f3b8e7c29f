// Reads the facts the supervision rules need about one school in one trial: the trial's kind and the school's allocated arm.
import type { Db } from './db';
import type { SchoolArmFacts } from '../domain/supervision/intervention-arm';

/** The trial's kind and the school's arm in it (null when not allocated). */
export function schoolArmFacts(db: Db, trialId: string, urn: number): SchoolArmFacts {
  const row = db.prepare(`SELECT t.kind, a.arm FROM trials t LEFT JOIN allocations a ON a.trial_id = t.id AND a.urn = ? WHERE t.id = ?`).get(urn, trialId) as
    { kind: 'trial' | 'programme'; arm: 'intervention' | 'control' | null } | undefined;
  return { trialId, trialKind: row?.kind ?? 'trial', urn, arm: row?.arm ?? null };
}
