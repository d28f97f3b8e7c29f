// Tidy exports of scores: long (one row per DSL, wave, instrument and scale) and wide (one row per DSL and wave), pseudonymous ids only.
export interface LongRow { dsl_id: string; school_urn: number; la_code: string; arm: string; wave: string; instrument: string; scale: string; value: number | null }

export const longColumns = ['dsl_id', 'school_urn', 'la_code', 'arm', 'wave', 'instrument', 'scale', 'value'] as const;
export const idColumns = ['dsl_id', 'school_urn', 'la_code', 'arm', 'wave'] as const;

const waveOrder: Record<string, number> = { baseline: 0, midpoint: 1, endline: 2 };

/** A wide-format variable name for an instrument key and scale: 'pss10@1' + 'total' -> 'pss10_total' (letters, digits, _ only; R and Stata safe). */
export function wideVariable(instrument: string, scale: string): string {
  const id = instrument.split('@')[0];
  return `${id}_${scale}`.toLowerCase().replace(/[^a-z0-9_]/g, '_').replace(/_+/g, '_').slice(0, 32);
}

/** Sorts long rows by DSL, wave order, instrument, scale (stable output for diffs). */
export function sortLong(rows: LongRow[]): LongRow[] {
  return [...rows].sort((a, b) => a.dsl_id.localeCompare(b.dsl_id) || (waveOrder[a.wave] ?? 9) - (waveOrder[b.wave] ?? 9)
    || a.instrument.localeCompare(b.instrument) || a.scale.localeCompare(b.scale));
}

/** Pivots long rows to one row per (DSL, wave) with one column per instrument scale; returns the columns in order. */
export function toWide(rows: LongRow[]): { columns: string[]; rows: Array<Record<string, string | number | null>> } {
  const variables = [...new Set(sortLong(rows).map((r) => wideVariable(r.instrument, r.scale)))].sort();
  const byKey = new Map<string, Record<string, string | number | null>>();
  for (const r of sortLong(rows)) {
    const key = `${r.dsl_id}\u0000${r.wave}`;
    let row = byKey.get(key);
    if (!row) {
      row = { dsl_id: r.dsl_id, school_urn: r.school_urn, la_code: r.la_code, arm: r.arm, wave: r.wave };
      for (const v of variables) row[v] = null;
      byKey.set(key, row);
    }
    row[wideVariable(r.instrument, r.scale)] = r.value;
  }
  return { columns: [...idColumns, ...variables], rows: [...byKey.values()] };
}
