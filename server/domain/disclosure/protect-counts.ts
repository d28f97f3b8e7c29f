// A two-way table of counts with its row, column and grand totals, protected as one table set (see table-set.ts).
import { ProtectedTableSet, type EntryId } from './table-set';
import { ValidationError } from '../../../shared/errors';
import { LARGEST_HIDDEN_COUNT } from './rules';

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
  /** Totals the page never shows: readers do not know them, so they count as unknowns needing no protection of their own. */
  unpublishedRowTotals?: boolean;
  unpublishedColumnTotals?: boolean;
  unpublishedGrandTotal?: boolean;
  /** The column totals are known from elsewhere: protection never relies on hiding them (a small one is still hidden). */
  columnTotalsArePublic?: boolean;
}

/** Is this count one that may never be published on its own? */
export function isSmallCount(n: number): boolean {
  return n >= 1 && n <= LARGEST_HIDDEN_COUNT;
}

/**
 * Protects `cells` (rows × columns of non-negative integers) and their totals: counts from 1 to 5 hidden,
 * then further entries until no hidden one follows from the rest. Deterministic.
 */
export function protectCountTable(cells: number[][], options: ProtectOptions = {}): ProtectedCountTable {
  const R = cells.length;
  const C = R ? cells[0].length : 0;
  if (R === 0 || C === 0) throw new ValidationError('A table of counts needs at least one row and one column.');
  for (const row of cells) if (row.length !== C) throw new ValidationError('Every row of a table of counts needs the same number of columns.');
  const set = new ProtectedTableSet();
  const ids = cells.map((row, r) => row.map((v, c) => set.count(v, { hide: options.forceHidden?.[r]?.[c] })));
  const total = (value: number, unpublished: boolean | undefined, hide: boolean | undefined, known = false): { id: EntryId; shown: 'set' | 'known' | 'unpublished' } => {
    if (unpublished) return { id: set.unpublished(value), shown: 'unpublished' };
    if (known && !hide && !isSmallCount(value)) return { id: set.known(value), shown: 'known' };
    return { id: set.count(value, { hide }), shown: 'set' };
  };
  const rowTotals = cells.map((row, r) => total(row.reduce((a, b) => a + b, 0), options.unpublishedRowTotals, options.forceHiddenRowTotals?.[r]));
  const colTotals = cells[0].map((_, c) => total(cells.reduce((a, row) => a + row[c], 0), options.unpublishedColumnTotals, options.forceHiddenColumnTotals?.[c], options.columnTotalsArePublic));
  const grand = total(cells.flat().reduce((a, b) => a + b, 0), options.unpublishedGrandTotal, options.forceHiddenGrandTotal);
  rowTotals.forEach((t, r) => set.sum(t.id, ids[r]));
  colTotals.forEach((t, c) => set.sum(t.id, ids.map((row) => row[c])));
  set.sum(grand.id, rowTotals.map((t) => t.id));
  set.sum(grand.id, colTotals.map((t) => t.id));
  const p = set.protect();
  const values = [...cells.map((row) => row.reduce((a, b) => a + b, 0))];
  const out = (t: { id: EntryId; shown: string }, value: number): PublishedCount =>
    t.shown === 'unpublished' ? { hidden: true, reason: 'unpublished' } : t.shown === 'known' ? { hidden: false, value } : p.get(t.id);
  return {
    cells: ids.map((row) => row.map((id) => p.get(id))),
    rowTotals: rowTotals.map((t, r) => out(t, values[r])),
    columnTotals: colTotals.map((t, c) => out(t, cells.reduce((a, row) => a + row[c], 0))),
    grandTotal: out(grand, cells.flat().reduce((a, b) => a + b, 0)),
  };
}
