// Primary and secondary suppression of a two-way table of counts with its row, column and grand totals.
//
// Rule (documented on every page by rules.ts):
//  1. Primary: every entry (cell or total) from 1 to 5 is hidden.
//  2. Secondary, by line: a row or column (each including its total) with exactly one hidden entry hides
//     its next smallest entry too (the smallest positive one, else the smallest).
//  3. Secondary, by arithmetic: a hidden entry can still be recovered exactly when it is a "bridge" of the
//     graph whose vertices are the lines and whose edges are the hidden entries (summing the line
//     equations on one side of the bridge isolates it). While such an entry exists, the cheapest
//     rectangle of extra entries that puts it on a cycle is hidden, and rule 2 is applied again.
// A table with no totals published is simply a weaker case: the same mask is safe.
import { LARGEST_HIDDEN_COUNT } from './rules';
import { ValidationError } from '../errors';

export type HiddenReason = 'small' | 'secondary' | 'forced' | 'unpublished';

/** One published count: either its value, or hidden (the value is NOT carried). */
export type PublishedCount = { hidden: false; value: number } | { hidden: true; reason: HiddenReason };

export interface ProtectedCountTable {
  cells: PublishedCount[][];
  rowTotals: PublishedCount[];
  columnTotals: PublishedCount[];
  grandTotal: PublishedCount;
}

export interface ProtectOptions {
  /** Entries hidden before the rules run (e.g. a whole arm with fewer than 10 schools); same shape as cells. */
  forceHidden?: boolean[][];
  /** Hide the row totals / column totals / grand total regardless (e.g. when a total is itself too small a group). */
  forceHiddenRowTotals?: boolean[];
  forceHiddenColumnTotals?: boolean[];
  forceHiddenGrandTotal?: boolean;
  /**
   * Totals the page never shows (e.g. the sum of several academic years). Readers do not know them, so
   * they count as unknowns, but they need no protection of their own.
   */
  unpublishedRowTotals?: boolean;
  unpublishedColumnTotals?: boolean;
  unpublishedGrandTotal?: boolean;
  /**
   * The column totals are published elsewhere (e.g. respondents per arm under a distribution): never pick
   * them as secondary suppressions, so the pattern stays safe when they are known.
   */
  columnTotalsArePublic?: boolean;
}

/** Is this count one that may never be published on its own? */
export function isSmallCount(n: number): boolean {
  return n >= 1 && n <= LARGEST_HIDDEN_COUNT;
}

/**
 * Applies primary and secondary suppression to `cells` (rows × columns of non-negative integers) and
 * their totals. Deterministic: the same table always gives the same pattern.
 */
export function protectCountTable(cells: number[][], options: ProtectOptions = {}): ProtectedCountTable {
  const R = cells.length;
  const C = R ? cells[0].length : 0;
  if (R === 0 || C === 0) throw new ValidationError('A table of counts needs at least one row and one column.');
  for (const row of cells) {
    if (row.length !== C) throw new ValidationError('Every row of a table of counts needs the same number of columns.');
    for (const v of row) if (!Number.isInteger(v) || v < 0) throw new ValidationError(`Counts must be whole numbers of at least 0 (got ${v}).`);
  }
  // The augmented grid: cells, row totals in column C, column totals in row R, grand total at (R, C).
  const grid: number[][] = [];
  for (let r = 0; r < R; r++) grid.push([...cells[r], cells[r].reduce((a, b) => a + b, 0)]);
  const colTotals = Array.from({ length: C + 1 }, (_, c) => grid.reduce((a, row) => a + row[c], 0));
  grid.push(colTotals);

  const reason: (HiddenReason | null)[][] = grid.map((row, r) => row.map((v, c) => {
    const forced = (r < R && c < C && options.forceHidden?.[r]?.[c])
      || (c === C && r < R && options.forceHiddenRowTotals?.[r])
      || (r === R && c < C && options.forceHiddenColumnTotals?.[c])
      || (r === R && c === C && options.forceHiddenGrandTotal);
    if (forced) return 'forced';
    const unpublished = (c === C && r < R && options.unpublishedRowTotals) || (r === R && c < C && options.unpublishedColumnTotals)
      || (r === R && c === C && options.unpublishedGrandTotal);
    if (unpublished) return 'unpublished';
    return isSmallCount(v) ? 'small' : null;
  }));

  const hide = (r: number, c: number) => { if (!reason[r][c]) reason[r][c] = 'secondary'; };
  const eligible = (r: number, c: number) => !(options.columnTotalsArePublic && r === R && c < C);
  for (let guard = 0; guard < (R + 1) * (C + 1) + 1; guard++) {
    applyLineRule(grid, reason, hide, eligible);
    const bridge = findRecoverableEntry(reason, (r, c) => reason[r][c] !== 'unpublished');
    if (!bridge) break;
    if (!completeRectangle(grid, reason, bridge, hide, eligible)) completeRectangle(grid, reason, bridge, hide, () => true);
  }

  const out = (r: number, c: number): PublishedCount => {
    const why = reason[r][c];
    return why ? { hidden: true, reason: why } : { hidden: false, value: grid[r][c] };
  };
  return {
    cells: cells.map((row, r) => row.map((_, c) => out(r, c))),
    rowTotals: cells.map((_, r) => out(r, C)),
    columnTotals: cells[0].map((_, c) => out(R, c)),
    grandTotal: out(R, C),
  };
}

/** Lines of the augmented grid: each row r (all its columns) and each column c (all its rows). */
function linesOf(rows: number, cols: number): Array<Array<[number, number]>> {
  const lines: Array<Array<[number, number]>> = [];
  for (let r = 0; r < rows; r++) lines.push(Array.from({ length: cols }, (_, c) => [r, c] as [number, number]));
  for (let c = 0; c < cols; c++) lines.push(Array.from({ length: rows }, (_, r) => [r, c] as [number, number]));
  return lines;
}

/** Rule 2: until stable, a line with exactly one hidden entry hides its next smallest entry. */
function applyLineRule(grid: number[][], reason: (HiddenReason | null)[][], hide: (r: number, c: number) => void, eligible: (r: number, c: number) => boolean): void {
  const lines = linesOf(grid.length, grid[0].length);
  let changed = true;
  while (changed) {
    changed = false;
    for (const line of lines) {
      const hidden = line.filter(([r, c]) => reason[r][c]);
      if (hidden.length !== 1 || reason[hidden[0][0]][hidden[0][1]] === 'unpublished') continue;
      const openAll = line.filter(([r, c]) => !reason[r][c]);
      const preferred = openAll.filter(([r, c]) => eligible(r, c));
      const open = preferred.length ? preferred : openAll;
      if (!open.length) continue;
      const pick = cheapest(open.map(([r, c]) => ({ at: [[r, c]] as Array<[number, number]>, values: [grid[r][c]] })));
      for (const [r, c] of pick) hide(r, c);
      changed = true;
    }
  }
}

/** Among candidate sets of entries, the one that hides the fewest people, preferring positive entries (a hidden zero protects little). */
function cheapest(candidates: Array<{ at: Array<[number, number]>; values: number[] }>): Array<[number, number]> {
  const score = (vs: number[]) => [vs.filter((v) => v === 0).length, vs.reduce((a, b) => a + b, 0), vs.length];
  let best = candidates[0];
  let bestScore = score(best.values);
  for (const cand of candidates.slice(1)) {
    const s = score(cand.values);
    if (s[0] < bestScore[0] || (s[0] === bestScore[0] && (s[1] < bestScore[1] || (s[1] === bestScore[1] && s[2] < bestScore[2])))) {
      best = cand;
      bestScore = s;
    }
  }
  return best.at;
}

/**
 * Returns a hidden entry whose value follows from the published ones, or null. With row vertices
 * 0..R and column vertices R+1..R+C+1, a hidden entry is recoverable exactly when it is a bridge.
 * `mustProtect` says which hidden entries matter (by default all).
 */
export function findRecoverableEntry(reason: (HiddenReason | null | boolean)[][], mustProtect: (r: number, c: number) => boolean = () => true): [number, number] | null {
  const rows = reason.length;
  const cols = reason[0].length;
  const edges: Array<[number, number]> = [];
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) if (reason[r][c]) edges.push([r, c]);
  for (let skip = 0; skip < edges.length; skip++) {
    const [r0, c0] = edges[skip];
    if (!mustProtect(r0, c0)) continue;
    // Is column c0 still reachable from row r0 without this edge?
    const seen = new Set<number>([r0]);
    const queue = [r0];
    while (queue.length) {
      const v = queue.pop()!;
      for (let e = 0; e < edges.length; e++) {
        if (e === skip) continue;
        const [r, c] = edges[e];
        const a = r;
        const b = rows + c;
        const next = v === a ? b : v === b ? a : -1;
        if (next >= 0 && !seen.has(next)) { seen.add(next); queue.push(next); }
      }
    }
    if (!seen.has(rows + c0)) return [r0, c0];
  }
  return null;
}

/** Rule 3: hide the cheapest other corner(s) of a rectangle through the recoverable entry. */
function completeRectangle(grid: number[][], reason: (HiddenReason | null)[][], [r, c]: [number, number], hide: (r: number, c: number) => void, eligible: (r: number, c: number) => boolean): boolean {
  const candidates: Array<{ at: Array<[number, number]>; values: number[] }> = [];
  for (let r2 = 0; r2 < grid.length; r2++) {
    if (r2 === r) continue;
    for (let c2 = 0; c2 < grid[0].length; c2++) {
      if (c2 === c) continue;
      const corners: Array<[number, number]> = [[r, c2], [r2, c2], [r2, c]];
      const needed = corners.filter(([a, b]) => !reason[a][b]);
      if (!needed.length || !needed.every(([a, b]) => eligible(a, b))) continue;
      candidates.push({ at: needed, values: needed.map(([a, b]) => grid[a][b]) });
    }
  }
  if (!candidates.length) return false;
  for (const [a, b] of cheapest(candidates)) hide(a, b);
  return true;
}
