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
export function allocateStratified(units: readonly Pick<RandomisationUnit, 'id' | 'stratum'>[], seed: number): UnitAllocation[] {
  const rng = new RMersenneTwister(seed);
  const draws = rng.runif(units.length);
  const x = rng.unifRand();
  const cmp = canonicalIdCompare(units.map((u) => u.id));
  const byStratum = new Map<string, Array<{ unit: Pick<RandomisationUnit, 'id' | 'stratum'>; draw: number }>>();
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

/** Units up to which the compiled allocators pack (draw, tie rank) into one double: 2^32 draws x 2^21 ranks < 2^53. */
const RANK_SPAN = 2 ** 21;
const TWO_32 = 4294967296;
/** The tie rank packed in a key (exact: powers of two; a double's % would be a slow fmod). */
const rankOf = (key: number) => key - Math.floor(key / RANK_SPAN) * RANK_SPAN;

/**
 * Order of the units by id as a stable sort by `cmp` leaves them (ties in `cmp`, such as "7" and "07", keep
 * their order in `order`): rank[order[k]] is the unit's place. The compiled allocators break draw ties by it.
 */
function tieRanks(ids: readonly string[], order: readonly number[], cmp: (a: string, b: string) => number): Int32Array {
  const byId = [...order.keys()].sort((a, b) => cmp(ids[order[a]], ids[order[b]]) || a - b);
  const rank = new Int32Array(order.length);
  byId.forEach((k, r) => { rank[k] = r; });
  return rank;
}

/**
 * Marks the k smallest of distinct keys (floor(draw 2^32) 2^21 + rank): out[unitOfRank[rank]] = 1 for them, 0 for
 * the rest. A histogram on the draw's leading bits finds the bucket holding the k-th smallest; only that
 * bucket's few keys are sorted. O(m) without branches on the random keys (a sort or a quickselect mispredicts
 * about half its comparisons).
 */
function markSmallest(keys: Float64Array, k: number, out: Uint8Array, unitOfRank: Int32Array, counts: Int32Array, tied: Float64Array): void {
  const m = keys.length;
  let bits = 4;
  while (bits < 16 && 1 << bits < m) bits++;
  const nb = 1 << bits, scale = nb / (TWO_32 * RANK_SPAN);
  counts.fill(0, 0, nb);
  for (let i = 0; i < m; i++) counts[(keys[i] * scale) | 0]++; // < nb <= 2^16: | 0 is floor
  let t = 0, before = 0;
  while (t < nb && before + counts[t] < k) before += counts[t++];
  let nt = 0;
  for (let i = 0; i < m; i++) {
    const key = keys[i], bucket = (key * scale) | 0;
    if (bucket === t) tied[nt++] = key;
    else out[unitOfRank[rankOf(key)]] = (bucket - t) >>> 31; // bucket < t, without a branch on random data
  }
  const inBucket = tied.subarray(0, nt).sort();
  for (let i = 0; i < nt; i++) out[unitOfRank[rankOf(inBucket[i])]] = before + i < k ? 1 : 0;
}

/**
 * `stratified` compiled for fixed units, for re-randomisation: seed -> arm of each unit (1 = intervention,
 * in `units` order), the same draws and the same allocation as allocateStratified bit for bit, without its
 * per-draw objects and comparator sorts. R's draws are whole multiples of 2^-32 (an exact 0 is returned as
 * 2^-33, which still floors to 0 and sorts first), so each unit's key (draw, id order) packs exactly into
 * floor(draw 2^32) 2^21 + tie rank, and each stratum's intervention units are its smallest keys (found in O(m),
 * without a sort).
 */
export function compileStratified(units: readonly Pick<RandomisationUnit, 'id' | 'stratum'>[]): (seed: number) => Uint8Array {
  const n = units.length;
  if (n >= RANK_SPAN) {
    return (seed) => Uint8Array.from(allocateStratified(units, seed), (a) => (a.arm === 'intervention' ? 1 : 0));
  }
  const cmp = canonicalIdCompare(units.map((u) => u.id));
  const strata = [...new Set(units.map((u) => u.stratum))].sort(codePointCompare);
  // members of each stratum in input order (allocateStratified's stable-sort fallback), strata in code-point order
  const members = strata.flatMap((s) => units.flatMap((u, i) => (u.stratum === s ? [i] : [])));
  const rankOfUnit = tieRanks(units.map((u) => u.id), [...units.keys()], cmp);
  const unitOfRank = new Int32Array(n);
  rankOfUnit.forEach((r, i) => { unitOfRank[r] = i; });
  const keys = new Float64Array(n), draws = new Float64Array(n), tied = new Float64Array(n), counts = new Int32Array(1 << 16);
  const blocks: Array<{ start: number; end: number; view: Float64Array }> = [];
  let start = 0;
  for (const s of strata) {
    const m = units.reduce((c, u) => c + (u.stratum === s ? 1 : 0), 0);
    blocks.push({ start, end: start + m, view: keys.subarray(start, start + m) });
    start += m;
  }
  return (seed) => {
    const out = new Uint8Array(n);
    const rng = new RMersenneTwister(seed);
    rng.runifInto(draws, n);
    let extra = rng.unifRand() > 0.5 ? 1 : 0;
    for (let k = 0; k < n; k++) { const i = members[k]; keys[k] = Math.floor(draws[i] * TWO_32) * RANK_SPAN + rankOfUnit[i]; }
    for (const b of blocks) {
      const m = b.end - b.start, half = Math.floor(m / 2), odd = m % 2 === 1;
      const nIntervention = half + (odd && extra === 1 ? 1 : 0);
      // only which units come first matters, not their order
      markSmallest(b.view, nIntervention, out, unitOfRank, counts, tied);
      if (odd) extra = 1 - extra;
    }
    return out;
  };
}

/**
 * `niesr-fsm-median` compiled for fixed units, for re-randomisation: seed -> arm of each unit (1 = intervention,
 * in `units` order), bit for bit allocateFsmMedian's (the keys packed as in compileStratified).
 */
export function compileFsmMedian(units: readonly { id: string; fsm: number }[]): (seed: number) => Uint8Array {
  const n = units.length;
  if (n >= RANK_SPAN) {
    return (seed) => Uint8Array.from(allocateFsmMedian(units, seed).allocations, (a) => (a.arm === 'intervention' ? 1 : 0));
  }
  const cmp = canonicalIdCompare(units.map((u) => u.id));
  const ids = units.map((u) => u.id);
  // the (% FSM, id) order: the draws are taken in it and it is the stable-sort fallback of the (block, draw, id) sort
  const sorted = [...units.keys()].sort((a, b) => units[a].fsm - units[b].fsm || cmp(ids[a], ids[b]));
  const rankOfPos = tieRanks(ids, sorted, cmp);
  const posOfRank = new Int32Array(n);
  rankOfPos.forEach((r, pos) => { posOfRank[r] = pos; });
  const half = Math.floor(n / 2);
  const keys = new Float64Array(n), draws = new Float64Array(n);
  const low = keys.subarray(0, half), high = keys.subarray(half);
  return (seed) => {
    const out = new Uint8Array(n);
    new RMersenneTwister(seed).runifInto(draws, n);
    for (let pos = 0; pos < n; pos++) keys[pos] = Math.floor(draws[pos] * TWO_32) * RANK_SPAN + rankOfPos[pos];
    low.sort(); high.sort();
    if (n === 0) return out;
    let arm = draws[posOfRank[rankOf(keys[0])]] > 0.5 ? 1 : 0;
    for (let k = 0; k < n; k++) { out[sorted[posOfRank[rankOf(keys[k])]]] = arm; arm = 1 - arm; }
    return out;
  };
}
