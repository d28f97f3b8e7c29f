// Attrition and CONSORT flow counts by arm at school and DSL level (CONSORT extension for cluster trials).
import { ValidationError } from '../../shared/errors';
import { parseArm } from './prepare-data';
import type { ArmPair } from './types';

/** One randomised unit (a school or a DSL) and how far it got. */
export interface ConsortRecord {
  id: string;
  level: 'school' | 'dsl';
  arm: 0 | 1 | 'control' | 'intervention';
  randomised: boolean; received: boolean; followedUp: boolean; analysed: boolean;
  /** Left after allocation: declined to take part, or withdrew (still counted in its arm: intention to treat). */
  left?: 'declined' | 'withdrawn' | null;
}

export interface ConsortStage {
  randomised: number; received: number; followedUp: number; analysed: number; lostToFollowUp: number; notAnalysed: number; attritionRate: number | null;
  /** Randomised but did not receive the allocated condition. */
  notReceived: number;
  declined: number; withdrawn: number;
}
export interface ConsortCounts { school: ArmPair<ConsortStage> & { total: ConsortStage }; dsl: ArmPair<ConsortStage> & { total: ConsortStage }; differentialAttrition: { school: number | null; dsl: number | null } }

/**
 * Counts randomised, received the allocated intervention, followed up and analysed units by arm and level
 * (Campbell et al. 2012, "CONSORT 2010 statement: extension to cluster randomised trials", BMJ 345:e5661).
 * Attrition = 1 - analysed / randomised; differential attrition = intervention minus control.
 * A unit that is analysed but not followed up, or followed up but not randomised, is an error.
 */
export function consortCounts(records: ConsortRecord[]): ConsortCounts {
  const seen = new Set<string>();
  const empty = (): ConsortStage => ({ randomised: 0, received: 0, followedUp: 0, analysed: 0, lostToFollowUp: 0, notAnalysed: 0, attritionRate: null, notReceived: 0, declined: 0, withdrawn: 0 });
  const out = { school: { control: empty(), intervention: empty(), total: empty() }, dsl: { control: empty(), intervention: empty(), total: empty() } };
  for (const r of records) {
    const key = `${r.level}:${r.id}`;
    if (seen.has(key)) throw new ValidationError(`The ${r.level} "${r.id}" appears twice in the attrition records.`);
    seen.add(key);
    const arm = parseArm(r.arm);
    if (arm === undefined) throw new ValidationError(`The ${r.level} "${r.id}" has arm "${String(r.arm)}", but it must be 0/1 or control/intervention.`);
    if ((r.followedUp || r.received) && !r.randomised) throw new ValidationError(`The ${r.level} "${r.id}" is marked as received or followed up but not randomised.`);
    if (r.left && !r.randomised) throw new ValidationError(`The ${r.level} "${r.id}" is marked as having ${r.left} after allocation but was not randomised.`);
    if (r.analysed && !r.followedUp) throw new ValidationError(`The ${r.level} "${r.id}" is marked as analysed but not followed up.`);
    const lvl = out[r.level];
    for (const s of [arm === 1 ? lvl.intervention : lvl.control, lvl.total]) {
      if (r.randomised) s.randomised++;
      if (r.received) s.received++;
      if (r.followedUp) s.followedUp++;
      if (r.analysed) s.analysed++;
      if (r.randomised && !r.received) s.notReceived++;
      if (r.left === 'declined') s.declined++;
      if (r.left === 'withdrawn') s.withdrawn++;
    }
  }
  for (const lvl of [out.school, out.dsl]) for (const s of [lvl.control, lvl.intervention, lvl.total]) {
    s.lostToFollowUp = s.randomised - s.followedUp;
    s.notAnalysed = s.followedUp - s.analysed;
    s.attritionRate = s.randomised > 0 ? 1 - s.analysed / s.randomised : null;
  }
  const diff = (l: typeof out.school) => (l.intervention.attritionRate !== null && l.control.attritionRate !== null ? l.intervention.attritionRate - l.control.attritionRate : null);
  return { ...out, differentialAttrition: { school: diff(out.school), dsl: diff(out.dsl) } };
}
