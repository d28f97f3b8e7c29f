// Response rates for the fieldwork view and `dslkit fieldwork`: rows rolled up by wave, arm, LA or school, with the rate, sorted as asked.

export interface CountRow {
  invited: number; partial: number; complete: number;
  /** Of the complete, how many were paper returns (absent where the source is not known). */
  paper?: number;
}
export type RateRow<K> = K & CountRow & { notStarted: number; rate: number | null };

/** Adds the counts of rows sharing a key; `keyOf` gives the grouping key and `labelOf` the fields kept. */
export function rollUp<R extends CountRow, K extends object>(rows: R[], keyOf: (r: R) => string, labelOf: (r: R) => K): Array<RateRow<K>> {
  const groups = new Map<string, K & CountRow>();
  for (const r of rows) {
    const key = keyOf(r);
    const g = groups.get(key) ?? { ...labelOf(r), invited: 0, partial: 0, complete: 0, ...(r.paper !== undefined ? { paper: 0 } : {}) };
    g.invited += r.invited; g.partial += r.partial; g.complete += r.complete;
    if (r.paper !== undefined) g.paper = (g.paper ?? 0) + r.paper;
    groups.set(key, g);
  }
  return [...groups.values()].map(withRate);
}

export function withRate<K extends CountRow>(r: K): K & { notStarted: number; rate: number | null } {
  return { ...r, notStarted: r.invited - r.partial - r.complete, rate: r.invited ? r.complete / r.invited : null };
}

/** "62%" or "–" when nobody was invited. */
export function percent(rate: number | null): string {
  return rate === null ? '–' : `${Math.round(100 * rate)}%`;
}

/** Sorts by a column, numbers and text alike, empty rates last; stable for equal values. */
export function sortRows<T extends Record<string, unknown>>(rows: T[], column: keyof T, direction: 'asc' | 'desc'): T[] {
  const sign = direction === 'asc' ? 1 : -1;
  return rows.map((r, i) => ({ r, i })).sort((a, b) => {
    const x = a.r[column]; const y = b.r[column];
    if (x === null || x === undefined) return y === null || y === undefined ? a.i - b.i : 1;
    if (y === null || y === undefined) return -1;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'en-GB', { numeric: true });
    return c !== 0 ? sign * c : a.i - b.i;
  }).map((e) => e.r);
}
