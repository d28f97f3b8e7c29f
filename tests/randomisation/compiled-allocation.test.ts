// The compiled allocators used by randomisation inference (compileStratified, compileFsmMedian) give exactly the allocations of allocateStratified / allocateFsmMedian for every seed, tied draws included.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { allocateFsmMedian, allocateStratified, compileFsmMedian, compileStratified } from '../../server/domain/randomisation/methods';
import { rRunif } from '../../server/domain/randomisation/mersenne-twister';

const arms = (a: Array<{ arm: string }>) => a.map((x) => (x.arm === 'intervention' ? 1 : 0));

// Ids that are all whole numbers sort numerically, so "7" and "007" tie in the id order and keep their input order.
const idSet = fc.constantFrom('numeric', 'numeric-with-equal-values', 'text');
function makeIds(kind: string, n: number, pick: number[]): string[] {
  return Array.from({ length: n }, (_, i) => kind === 'text' ? `S${(pick[i % pick.length] * 31 + i * 7) % 1000}-${i}` : kind === 'numeric' ? String(100000 + ((i * 7919) % 100003)) : (i % 5 === 0 ? '0'.repeat(i % 3) + String(i % 17) : String(500 + i)));
}

describe('compiled allocators equal the reference algorithms', () => {
  it('property: stratified and niesr-fsm-median, any units, strata, % FSM ties and seeds', () => {
    fc.assert(fc.property(
      fc.integer({ min: 1, max: 250 }), // ids stay distinct below 255
      idSet,
      fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 40 }),
      fc.integer({ min: 1, max: 7 }),
      fc.integer({ min: -2147483647, max: 2147483647 }),
      (n, kind, pick, strata, seed) => {
        const ids = makeIds(kind, n, pick);
        const units = ids.map((id, i) => ({ id, stratum: `st${pick[(i * 3) % pick.length] % strata}`, fsm: pick[i % pick.length] * 2.5 }));
        expect(Array.from(compileStratified(units)(seed))).toEqual(arms(allocateStratified(units, seed)));
        expect(Array.from(compileFsmMedian(units)(seed))).toEqual(arms(allocateFsmMedian(units, seed).allocations));
      },
    ), { numRuns: 300 });
  });

  it('the same compiled allocator gives each seed the same allocation again after other seeds (no state kept between draws)', () => {
    const units = Array.from({ length: 50 }, (_, i) => ({ id: String(i + 1), stratum: `st${i % 3}`, fsm: i % 7 }));
    const s = compileStratified(units), f = compileFsmMedian(units);
    const first = [1, 2, 3].map((seed) => [Array.from(s(seed)), Array.from(f(seed))]);
    const again = [3, 2, 1].map((seed) => [Array.from(s(seed)), Array.from(f(seed))]).reverse();
    expect(again).toEqual(first);
  });

  it('tied draws: set.seed(740); runif(3000) gives units 1931 and 2439 (R, 1-based) the same draw, broken by id order, then input order', () => {
    // R 4.2: set.seed(740); u <- runif(3000); which(u == u[which(duplicated(u))]) is 1931 2439.
    const u = rRunif(740, 3000);
    expect(u[1930]).toBe(u[2438]);
    const a = 1930, b = 2438;
    for (const [idA, idB] of [['7', '007'], ['007', '7'], ['8', '9'], ['9', '8']]) {
      // numeric ids; the tied pair alone in its stratum (one of them is intervention: the tie decides which)
      const ids = Array.from({ length: 3000 }, (_, i) => (i === a ? idA : i === b ? idB : String(100000 + i)));
      const units = ids.map((id, i) => ({ id, stratum: i === a || i === b ? 'tie' : 'rest', fsm: i }));
      const ref = arms(allocateStratified(units, 740));
      expect(ref[a] + ref[b]).toBe(1);
      expect(Array.from(compileStratified(units)(740))).toEqual(ref);
      // niesr-fsm-median draws in (% FSM, id) order, here the input order: both tied units are in the high block, adjacent in its draw order
      const refFsm = arms(allocateFsmMedian(units, 740).allocations);
      expect(refFsm[a] + refFsm[b]).toBe(1);
      expect(Array.from(compileFsmMedian(units)(740))).toEqual(refFsm);
    }
    // the tie really is decided by the ids: swapping two ids that differ swaps the arms
    const withIds = (x: string, y: string) => compileStratified(Array.from({ length: 3000 }, (_, i) => ({ id: i === a ? x : i === b ? y : String(100000 + i), stratum: i === a || i === b ? 'tie' : 'rest' })))(740);
    expect(withIds('8', '9')[a]).not.toBe(withIds('9', '8')[a]);
  });
});
