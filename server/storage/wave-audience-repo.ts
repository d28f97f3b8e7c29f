// Reads each DSL's arm and formal sessions attended, to decide who a wave limited by arm or dosage invites.
import type { Db } from './db';
import { inAudience, type Arm, type DslDose, type WaveAudience } from '../domain/waves/audience';

/** Every DSL of a trial with their school's arm and the formal sessions they attended. */
export function dslDoses(db: Db, trialId: string): Map<string, DslDose> {
  const rows = db.prepare(`SELECT d.id, a.arm,
      (SELECT count(*) FROM supervision_attendees sa JOIN supervision_sessions s ON s.id = sa.session_id WHERE sa.dsl_id = d.id AND s.kind = 'formal') AS formal
    FROM dsls d LEFT JOIN allocations a ON a.trial_id = d.trial_id AND a.urn = d.urn WHERE d.trial_id = ?`).all(trialId) as Array<{ id: string; arm: Arm | null; formal: number }>;
  return new Map(rows.map((r) => [r.id, { arm: r.arm, formalSessions: r.formal }]));
}

/** The wave's audience by id (every DSL when the wave is unknown). */
export function waveAudience(db: Db, waveId: number): WaveAudience {
  const w = db.prepare('SELECT arms, min_sessions FROM waves WHERE id = ?').get(waveId) as { arms: string | null; min_sessions: number | null } | undefined;
  return { arms: w?.arms ? JSON.parse(w.arms) as Arm[] : null, minSessions: w?.min_sessions ?? null };
}

/** A test of whether a DSL is in a wave's audience; always true for a wave that invites every DSL (no query then). */
export function audienceFilter(db: Db, trialId: string, waveId: number): (dslId: string) => boolean {
  const audience = waveAudience(db, waveId);
  if (!audience.arms && audience.minSessions === null) return () => true;
  const doses = dslDoses(db, trialId);
  return (dslId) => inAudience(audience, doses.get(dslId) ?? { arm: null, formalSessions: 0 });
}
