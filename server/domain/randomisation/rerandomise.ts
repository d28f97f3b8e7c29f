// Re-runs an allocation procedure on the same units with other seeds, or lists every allocation it can make, for randomisation inference.
import { compileFsmMedian, compileStratified } from './methods';
import { canonicalIdCompare, codePointCompare } from './units';
import type { RandomisationMethod } from './randomise';

/** A unit of randomisation as the analysis sees it: its id (the cluster value), stratum and, for niesr-fsm-median, its % FSM. */
export interface RerandomisationUnit { id: string; stratum: string; fsm?: number }

export interface RerandomisationDesign {
  method: RandomisationMethod;
  /** Units in canonical id order (the order the procedure draws in). */
  units: RerandomisationUnit[];
  /** The allocation `set.seed(seed)` gives: 1 = intervention, per unit in `units` order. */
  draw(seed: number): Uint8Array;
  /** How many distinct allocations the procedure can make (each equally likely). */
  count(): number;
  /** Every allocation the procedure can make, each once (call only when count() is small). */
  enumerate(): Uint8Array[];
}

/**
 * The trial's own procedure as a function of the seed, on fixed units: `stratified` (complete randomisation
 * within strata, extras alternating over odd strata from a random start) or `niesr-fsm-median` (rank blocks
 * on % FSM, arms alternating down the (block, draw) order from a random first arm). Both make every
 * allocation in their support equally likely: within each stratum (block) every set of the right size, and
 * the two patterns of stratum sizes (which odd strata get the extra intervention unit) have equal size
 * because C(m, k) = C(m, m - k).
 */
export function rerandomisationDesign(input: readonly RerandomisationUnit[], method: RandomisationMethod): RerandomisationDesign {
  const cmp = canonicalIdCompare(input.map((u) => u.id));
  const units = [...input].sort((a, b) => cmp(a.id, b.id));
  let blocks: Array<{ members: number[]; patterns: number[] }>; // members: unit indexes; patterns: interventions per pattern
  let draw: (seed: number) => Uint8Array;
  if (method === 'stratified') {
    draw = compileStratified(units);
    const strata = [...new Set(units.map((u) => u.stratum))].sort(codePointCompare);
    const members = strata.map((s) => units.flatMap((u, i) => (u.stratum === s ? [i] : [])));
    const patterns = [1, 0].map((firstExtra) => {
      let extra = firstExtra;
      return members.map((m) => {
        const k = Math.floor(m.length / 2) + (m.length % 2 === 1 ? extra : 0);
        if (m.length % 2 === 1) extra = 1 - extra;
        return k;
      });
    });
    blocks = members.map((m, b) => ({ members: m, patterns: patterns.map((p) => p[b]) }));
  } else {
    if (units.some((u) => !Number.isFinite(u.fsm))) throw new Error('rerandomisationDesign: niesr-fsm-median needs every unit\'s % FSM');
    const withFsm = units.map((u) => ({ id: u.id, fsm: u.fsm! }));
    draw = compileFsmMedian(withFsm);
    const sorted = units.map((u, i) => ({ i, fsm: u.fsm!, id: u.id })).sort((a, b) => a.fsm - b.fsm || cmp(a.id, b.id));
    const h = Math.floor(units.length / 2);
    const low = sorted.slice(0, h).map((s) => s.i), high = sorted.slice(h).map((s) => s.i);
    const count = (size: number, first: number) => (first === 1 ? Math.ceil(size / 2) : Math.floor(size / 2));
    const patterns = [1, 0].map((a0) => [count(low.length, a0), count(high.length, low.length % 2 === 0 ? a0 : 1 - a0)]);
    blocks = [low, high].map((m, b) => ({ members: m, patterns: patterns.map((p) => p[b]) }));
  }
  // distinct patterns only (without odd strata both patterns are one)
  const patternKeys = [0, 1].map((p) => blocks.map((b) => b.patterns[p]).join(','));
  const distinct = patternKeys[0] === patternKeys[1] ? [0] : [0, 1];
  const count = () => distinct.reduce((sum, p) => sum + blocks.reduce((prod, b) => prod * binomial(b.members.length, b.patterns[p]), 1), 0);
  const enumerate = () => {
    const out: Uint8Array[] = [];
    for (const p of distinct) {
      const choices = blocks.map((b) => combinations(b.members.length, b.patterns[p]).map((c) => c.map((k) => b.members[k])));
      const cur = new Uint8Array(units.length);
      const walk = (b: number) => {
        if (b === choices.length) { out.push(cur.slice()); return; }
        for (const chosen of choices[b]) {
          for (const i of blocks[b].members) cur[i] = 0;
          for (const i of chosen) cur[i] = 1;
          walk(b + 1);
        }
      };
      walk(0);
    }
    return out;
  };
  return { method, units, draw, count, enumerate };
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const cur: number[] = [];
  const rec = (start: number) => {
    if (cur.length === k) { out.push(cur.slice()); return; }
    for (let i = start; i <= n - (k - cur.length); i++) { cur.push(i); rec(i + 1); cur.pop(); }
  };
  rec(0);
  return out;
}
