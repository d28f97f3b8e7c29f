// Disclosure control: no published count from 1 to 5, and no hidden count recoverable from the published totals (property-based).
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { protectCountTable, protectSummary, protectRate, type ProtectedCountTable } from '../../server/domain/disclosure';
import { rank } from './matrix-rank';

/** Augmented grid (cells + totals) of published entries: number, or null when hidden. */
function publishedGrid(t: ProtectedCountTable): (number | null)[][] {
  const val = (p: { hidden: boolean; value?: number }) => (p.hidden ? null : (p as { value: number }).value);
  return [...t.cells.map((row, r) => [...row.map(val), val(t.rowTotals[r])]), [...t.columnTotals.map(val), val(t.grandTotal)]];
}

/** Entries hidden for their own sake (small or forced): the ones that must stay unrecoverable. Secondary suppressions may be worked out. */
function secondaryOnly(t: ProtectedCountTable): (r: number, c: number) => boolean {
  const g = [...t.cells.map((row, r) => [...row, t.rowTotals[r]]), [...t.columnTotals, t.grandTotal]];
  return (r, c) => { const p = g[r][c]; return !p.hidden || (p.reason !== 'small' && p.reason !== 'forced'); };
}


/**
 * Independent check (not the bridge test the module uses): each line says "sum of its cells = its total".
 * With the published entries known, a hidden entry k is determined exactly iff the unit vector e_k lies
 * in the row space of the line equations restricted to the hidden entries.
 */
function recoverableHiddenEntries(g: (number | null)[][], needsNoProtection: (r: number, c: number) => boolean = () => false): Array<[number, number]> {
  const R = g.length;
  const C = g[0].length;
  const unknown: Array<[number, number]> = [];
  g.forEach((row, r) => row.forEach((v, c) => { if (v === null) unknown.push([r, c]); }));
  const idx = new Map(unknown.map(([r, c], i) => [`${r},${c}`, i]));
  const eqs: number[][] = [];
  for (let r = 0; r < R; r++) {
    const eq = new Array(unknown.length).fill(0);
    for (let c = 0; c < C; c++) { const i = idx.get(`${r},${c}`); if (i !== undefined) eq[i] += c === C - 1 ? -1 : 1; }
    eqs.push(eq);
  }
  for (let c = 0; c < C; c++) {
    const eq = new Array(unknown.length).fill(0);
    for (let r = 0; r < R; r++) { const i = idx.get(`${r},${c}`); if (i !== undefined) eq[i] += r === R - 1 ? -1 : 1; }
    eqs.push(eq);
  }
  const base = rank(eqs);
  return unknown.filter(([r, c], k) => {
    if (needsNoProtection(r, c)) return false;
    const unit = new Array(unknown.length).fill(0);
    unit[k] = 1;
    return rank([...eqs, unit]) === base;
  });
}

const countTable = fc.integer({ min: 1, max: 6 }).chain((rows) => fc.integer({ min: 1, max: 6 }).chain((cols) =>
  fc.array(fc.array(fc.oneof(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 60 })), { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows })));

describe('protectCountTable', () => {
  it('never publishes a count from 1 to 5, in cells or totals (random tables)', () => {
    fc.assert(fc.property(countTable, (cells) => {
      for (const row of publishedGrid(protectCountTable(cells))) for (const v of row) expect(v === null || v === 0 || v > 5).toBe(true);
    }), { numRuns: 400 });
  });

  it('publishes true values for everything it shows', () => {
    fc.assert(fc.property(countTable, (cells) => {
      const g = publishedGrid(protectCountTable(cells));
      cells.forEach((row, r) => row.forEach((v, c) => { if (g[r][c] !== null) expect(g[r][c]).toBe(v); }));
      const total = cells.flat().reduce((a, b) => a + b, 0);
      if (g[cells.length][cells[0].length] !== null) expect(g[cells.length][cells[0].length]).toBe(total);
    }), { numRuns: 200 });
  });

  it('leaves no hidden value recoverable by adding and subtracting rows, columns and totals (random tables)', () => {
    fc.assert(fc.property(countTable, (cells) => {
      const t = protectCountTable(cells);
      expect(recoverableHiddenEntries(publishedGrid(t), secondaryOnly(t))).toEqual([]);
    }), { numRuns: 400 });
  });

  it('hides a whole forced column and everything that would reveal it', () => {
    fc.assert(fc.property(countTable.filter((t) => t[0].length >= 2), (cells) => {
      const force = cells.map((row) => row.map((_, c) => c === 0));
      const t = protectCountTable(cells, { forceHidden: force, forceHiddenColumnTotals: cells[0].map((_, c) => c === 0) });
      t.cells.forEach((row) => expect(row[0].hidden).toBe(true));
      expect(recoverableHiddenEntries(publishedGrid(t), secondaryOnly(t))).toEqual([]);
    }), { numRuns: 200 });
  });

  it('keeps hidden counts unrecoverable when some totals are never shown, or always shown (histogram and rate tables)', () => {
    const opts = fc.record({ unpublishedRowTotals: fc.boolean(), unpublishedColumnTotals: fc.boolean(), unpublishedGrandTotal: fc.boolean(), columnTotalsArePublic: fc.boolean() });
    fc.assert(fc.property(countTable, opts, (cells, o) => {
      const t = protectCountTable(cells, o);
      const R = cells.length;
      const C = cells[0].length;
      const unpublished = (r: number, c: number) => (c === C && r < R && o.unpublishedRowTotals) || (r === R && c < C && o.unpublishedColumnTotals) || (r === R && c === C && o.unpublishedGrandTotal);
      const g = publishedGrid(t);
      for (const row of g) for (const v of row) expect(v === null || v === 0 || v > 5).toBe(true);
      expect(recoverableHiddenEntries(g, (r, c) => unpublished(r, c) || secondaryOnly(t)(r, c))).toEqual([]);
    }), { numRuns: 400 });
  });

  it('hides the next smallest cell in a row with one small count (worked example)', () => {
    // Row [3, 20, 40] (total 63) and row [30, 25, 35] (total 90): the 3 is primary; 20 is the next smallest in its row;
    // column 1 then holds one hidden entry (3) so 30 goes too, and column 2 hides 25: a 2×2 rectangle, totals all shown.
    const t = protectCountTable([[3, 20, 40], [30, 25, 35]]);
    expect(publishedGrid(t)).toEqual([[null, null, 40, 63], [null, null, 35, 90], [33, 45, 75, 153]]);
  });

  it('hides a one-row table\'s total when its only small cell would otherwise follow from it', () => {
    // [4, 0]: the 4 is primary; the row line's smallest open entry is the 0; the columns then need their totals hidden.
    const t = protectCountTable([[4, 0]]);
    const g = publishedGrid(t);
    expect(g.flat().filter((v) => v !== null && v >= 1 && v <= 5)).toEqual([]);
    expect(recoverableHiddenEntries(g, secondaryOnly(t))).toEqual([]);
  });

  it('the independent checker does find a recoverable count (so the property above can fail)', () => {
    // One hidden cell with its row total shown: 40 - 35 = 5 gives it away; two hidden cells in a row and column only (a path, no cycle) too.
    expect(recoverableHiddenEntries([[null, 35, 40], [10, 10, 20], [15, 45, 60]])).toEqual([[0, 0]]);
    expect(recoverableHiddenEntries([[null, null, 40], [10, 10, 20], [null, 45, 60]]).length).toBeGreaterThan(0);
  });

  it('rejects negative and fractional counts', () => {
    expect(() => protectCountTable([[1, -1]])).toThrow(/whole numbers/);
    expect(() => protectCountTable([[1.5]])).toThrow(/whole numbers/);
  });
});

describe('summaries and rates', () => {
  it('hides summaries of fewer than 10 respondents and shows 10 or more', () => {
    expect(protectSummary(9, () => 4.2)).toEqual({ hidden: true, reason: 'few-respondents' });
    expect(protectSummary(0, () => 4.2)).toEqual({ hidden: true, reason: 'no-data' });
    expect(protectSummary(10, () => 4.2)).toEqual({ hidden: false, value: 4.2 });
  });

  it('hides a rate when either count is hidden', () => {
    expect(protectRate({ hidden: true, reason: 'small' }, { hidden: false, value: 40 }).hidden).toBe(true);
    expect(protectRate({ hidden: false, value: 12 }, { hidden: true, reason: 'secondary' }).hidden).toBe(true);
    expect(protectRate({ hidden: false, value: 12 }, 4000, 1000)).toEqual({ hidden: false, value: 3 });
  });
});
