// Reads scores for the tidy exports: complete responses of DSLs not erased, with school, LA and arm; pseudonymous ids only.
import type { Db } from './db';
import type { LongRow } from '../domain/exports/tidy';

/** One row per stored score of a complete survey response in the trial (erased DSLs have no responses left). */
export function scoreRowsForExport(db: Db, trialId: string): LongRow[] {
  return db.prepare(`SELECT d.id AS dsl_id, d.urn AS school_urn, s.la_code AS la_code, COALESCE(a.arm, 'unallocated') AS arm,
      w.name AS wave, sc.instrument AS instrument, sc.scale AS scale, sc.value AS value
    FROM scores sc JOIN responses r ON r.id = sc.response_id JOIN dsls d ON d.id = r.dsl_id JOIN waves w ON w.id = r.wave_id
    JOIN schools s ON s.urn = d.urn LEFT JOIN allocations a ON a.trial_id = d.trial_id AND a.urn = d.urn
    WHERE d.trial_id = ? AND r.status = 'complete' AND d.status <> 'erased'`).all(trialId) as LongRow[];
}
