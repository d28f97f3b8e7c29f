// The protected table set (one per page): random linked tables (a participation table whose Completed column is also
// the sum of a histogram per row) never publish a count from 1 to 5 nor leave a hidden count recoverable, checked by an
// independent rank test over every sum at once.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ProtectedTableSet, type EntryId } from '../../server/domain/disclosure';
import { rank } from './matrix-rank';


/** Hidden entries (ids) whose value follows linearly from the shown ones. */
function recoverable(hidden: Set<EntryId>, sums: Array<[EntryId, EntryId[]]>): EntryId[] {
  const unknown = [...hidden].sort((a, b) => a - b);
  const idx = new Map(unknown.map((u, i) => [u, i]));
  const rows = sums.map(([t, parts]) => {
    const row = new Array(unknown.length).fill(0);
    if (idx.has(t)) row[idx.get(t)!] += 1;
    for (const p of parts) if (idx.has(p)) row[idx.get(p)!] -= 1;
    return row;
  });
  const base = rank(rows);
  return unknown.filter((_, i) => { const e = new Array(unknown.length).fill(0); e[i] = 1; return rank([...rows, e]) === base; });
}

const linkedPage = fc.array(fc.record({
  done: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 6, max: 40 })),
  notDone: fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 30 })),
  histogram: fc.boolean(),
  weights: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 2, maxLength: 6 }),
}), { minLength: 1, maxLength: 4 });

/** Splits n into bands in proportion to weights (deterministic). */
function split(n: number, weights: number[]): number[] {
  const w = weights.some((x) => x > 0) ? weights : weights.map((_, i) => (i === 0 ? 1 : 0));
  const sum = w.reduce((a, b) => a + b, 0);
  const out = w.map((x) => Math.floor((n * x) / sum));
  out[w.findIndex((x) => x > 0)] += n - out.reduce((a, b) => a + b, 0);
  return out;
}

function build(rows: Array<{ done: number; notDone: number; histogram: boolean; weights: number[] }>) {
  const set = new ProtectedTableSet();
  const sums: Array<[EntryId, EntryId[]]> = [];
  const sum = (t: EntryId, parts: EntryId[]) => { set.sum(t, parts); sums.push([t, parts]); };
  const printed: Array<{ id: EntryId; value: number }> = [];
  const count = (v: number) => { const id = set.count(v); printed.push({ id, value: v }); return id; };
  const lines = rows.map((r) => {
    const inv = count(r.done + r.notDone);
    const done = count(r.done);
    const not = count(r.notDone);
    sum(inv, [done, not]);
    if (r.histogram) {
      const bands = split(r.done, r.weights).map(count);
      const known = set.known(0);
      sum(done, [...bands, known]);
    }
    return [inv, done, not];
  });
  if (rows.length > 1) {
    const totals = [0, 1, 2].map((k) => { const id = count(rows.reduce((a, r) => a + [r.done + r.notDone, r.done, r.notDone][k], 0)); sum(id, lines.map((l) => l[k])); return id; });
    sum(totals[0], [totals[1], totals[2]]);
  }
  return { set, sums, printed };
}

describe('ProtectedTableSet', () => {
  it('never shows a count from 1 to 5 and leaves no hidden count recoverable from all the sums together (random linked tables)', () => {
    fc.assert(fc.property(linkedPage, (rows) => {
      const { set, sums, printed } = build(rows);
      const p = set.protect();
      const hidden = new Set<EntryId>();
      const primary = new Set<EntryId>();
      for (const e of printed) {
        const pc = p.get(e.id);
        if (pc.hidden) {
          hidden.add(e.id);
          if (pc.reason === 'small') primary.add(e.id);
        } else {
          expect(pc.value).toBe(e.value);
          expect(pc.value === 0 || pc.value > 5).toBe(true);
        }
      }
      // Every count from 1 to 5 stays uncertain (a secondary suppression that can be worked out is one that could have been shown).
      expect(recoverable(hidden, sums).filter((id) => primary.has(id))).toEqual([]);
    }), { numRuns: 300 });
  });

  it('hides a band of a histogram whose bands would add up to a hidden Completed (the linked-tables attack)', () => {
    const set = new ProtectedTableSet();
    const inv = set.count(21);
    const done = set.count(18);
    const not = set.count(3);
    set.sum(inv, [done, not]);
    const bands = [0, 6, 12, 0].map((v) => set.count(v));
    set.sum(done, [...bands, set.known(0)]);
    const p = set.protect();
    expect(p.get(not).hidden).toBe(true);
    const hidden = new Set([inv, done, not, ...bands].filter((id) => p.get(id).hidden));
    expect(recoverable(hidden, [[inv, [done, not]], [done, bands]])).not.toContain(not);
    expect(hidden.size).toBeGreaterThanOrEqual(2);
  });

  it('a hidden count that must be 0 by non-negativity counts as known: a whole hidden group is not left at 0 for all to see', () => {
    const set = new ProtectedTableSet();
    const total = set.count(40);
    const a = set.count(40);
    const b = set.count(0, { hide: true }); // a small group hidden whole, which happens to be 0
    set.sum(total, [a, b]);
    const p = set.protect();
    expect(p.get(b).hidden).toBe(true);
    expect(p.get(a).hidden || p.get(total).hidden).toBe(true);
  });

  it('hides amounts (hours) with their counts, and refuses sums that do not add up', () => {
    const set = new ProtectedTableSet();
    const n1 = set.count(3);
    const n2 = set.count(20);
    const h1 = set.amount(4.5, [n1]);
    const h2 = set.amount(30, [n2]);
    const ht = set.amount(34.5, []);
    set.sum(ht, [h1, h2]);
    const p = set.protect();
    expect(p.get(h1).hidden).toBe(true);
    expect(p.get(h2).hidden || p.get(ht).hidden).toBe(true);
    expect(() => set.sum(n1, [n2])).toThrow(/not the sum/);
  });
});
