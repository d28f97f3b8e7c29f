// The two allocation algorithms (complete randomisation within strata; the Bolton/NIESR FSM-median blocks) as pure functions of units and an R-compatible generator.
import { RMersenneTwister } from './mersenne-twister';
import { canonicalIdCompare, codePointCompare, type RandomisationUnit } from './units';

export type Arm = 'control' | 'intervention';
export interface UnitAllocation { id: string; stratum: string; draw: number; arm: Arm }

/**
 * `stratified` (algorithm dslkit-randomise/1): complete randomisation within each stratum.
 * 1. set.seed(seed); one runif draw per unit, units in canonical id order (numeric when all ids are
 *    whole numbers), then one more draw `x` that picks the arm of the first odd stratum's extra unit.
 * 2. Strata in code-point order. Each stratum's units are sorted by (draw, id); the first floor(m/2)
 *    are intervention and the last floor(m/2) control. When m is odd the middle unit (index floor(m/2)
 *    in that order) takes the stratum's "extra" arm: intervention in the first odd stratum when x > 0.5,
 *    otherwise control, then alternating over the odd strata, so the extras balance across strata too.
 * Arms differ by at most one in every stratum and overall.
 */
export function allocateStratified(units: readonly RandomisationUnit[], seed: number): UnitAllocation[] {
  const rng = new RMersenneTwister(seed);
  const draws = rng.runif(units.length);
  const x = rng.unifRand();
  const cmp = canonicalIdCompare(units.map((u) => u.id));
  const byStratum = new Map<string, Array<{ unit: RandomisationUnit; draw: number }>>();
  units.forEach((unit, i) => {
    const list = byStratum.get(unit.stratum) ?? [];
    list.push({ unit, draw: draws[i] });
    byStratum.set(unit.stratum, list);
  });
  let extra: Arm = x > 0.5 ? 'intervention' : 'control';
  const result = new Map<string, UnitAllocation>();
  for (const stratum of [...byStratum.keys()].sort(codePointCompare)) {
    const list = byStratum.get(stratum)!.sort((a, b) => a.draw - b.draw || cmp(a.unit.id, b.unit.id));
    const half = Math.floor(list.length / 2);
    const odd = list.length % 2 === 1;
    const nIntervention = half + (odd && extra === 'intervention' ? 1 : 0);
    list.forEach(({ unit, draw }, i) => {
      result.set(unit.id, { id: unit.id, stratum, draw, arm: i < nIntervention ? 'intervention' : 'control' });
    });
    if (odd) extra = extra === 'intervention' ? 'control' : 'intervention';
  }
  return units.map((u) => result.get(u.id)!);
}

export const FSM_LOW = 'fsm-low';
export const FSM_HIGH = 'fsm-high';

/** Median as R's median(): the middle value, or the mean of the two middle values. */
export function median(sortedValues: readonly number[]): number {
  const n = sortedValues.length;
  if (n === 0) return NaN;
  return n % 2 ? sortedValues[(n - 1) / 2] : (sortedValues[n / 2 - 1] + sortedValues[n / 2]) / 2;
}

/**
 * `niesr-fsm-median` (algorithm dslkit-randomise/1): the Bolton report's Appendix D (Stata) with its
 * traps fixed.
 * 1. Sort schools by (% FSM, id) — Stata's `sort pnumfsmever` is not stable, so ties had no fixed order.
 * 2. Blocks by rank: the first floor(n/2) schools in that order form block `fsm-low`, the rest `fsm-high`.
 *    Every school below the median is low and every school above it is high, exactly as in Stata's
 *    `pnumfsmever < medfsm` / `> medfsm`; schools exactly AT the median (which Stata left with a
 *    missing block, sorted last) fill the low block up to half in id order and the rest go high.
 *    With an odd n the high block has the extra school.
 * 3. set.seed(seed); one runif draw per school in the order of step 1 (Stata: `gen randSeq=uniform()`
 *    after the FSM sort).
 * 4. Sort by (block, draw, id); the first school is intervention when its draw > 0.5 (Stata:
 *    `gen T=randSeq>.5`), and every following school takes the opposite arm of the one before, down the
 *    whole list (Stata: `replace T=1-T[_n-1]`), so the arms are within one in each block and overall.
 * Stata's own generator cannot be reproduced; dslkit uses R's Mersenne Twister so R can re-derive it.
 */
export function allocateFsmMedian(units: readonly { id: string; fsm: number }[], seed: number): { allocations: UnitAllocation[]; median: number } {
  const cmp = canonicalIdCompare(units.map((u) => u.id));
  const sorted = [...units].sort((a, b) => a.fsm - b.fsm || cmp(a.id, b.id));
  const med = median(sorted.map((u) => u.fsm));
  const half = Math.floor(sorted.length / 2);
  const draws = new RMersenneTwister(seed).runif(sorted.length);
  const withBlocks = sorted.map((u, i) => ({ id: u.id, block: i < half ? FSM_LOW : FSM_HIGH, draw: draws[i] }));
  withBlocks.sort((a, b) => (a.block === b.block ? 0 : a.block === FSM_LOW ? -1 : 1) || a.draw - b.draw || cmp(a.id, b.id));
  let arm: Arm = withBlocks.length && withBlocks[0].draw > 0.5 ? 'intervention' : 'control';
  const byId = new Map<string, UnitAllocation>();
  for (const w of withBlocks) {
    byId.set(w.id, { id: w.id, stratum: w.block, draw: w.draw, arm });
    arm = arm === 'intervention' ? 'control' : 'intervention';
  }
  return { allocations: units.map((u) => byId.get(u.id)!), median: med };
}
