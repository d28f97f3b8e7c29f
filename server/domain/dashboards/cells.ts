// Small constructors for published table cells, so every number on a dashboard says what kind of number it is.
import { formatCount, SUPPRESSED_MARK, type PublishedCount, type PublishedSummary } from '../disclosure';
import type { CellKind, PublicCell } from './types';

export function labelCell(text: string, header = true): PublicCell {
  return { text, kind: 'label', numeric: false, header };
}

export function countCell(p: PublishedCount): PublicCell {
  return { text: formatCount(p), kind: 'count', numeric: true, header: false };
}

/** A published number (rate, mean, hours) with fixed decimals and an optional suffix, or "c". */
export function numberCell(p: PublishedSummary<number>, kind: CellKind, decimals: number, suffix = ''): PublicCell {
  const text = p.hidden ? SUPPRESSED_MARK : `${p.value.toLocaleString('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })}${suffix}`;
  return { text, kind, numeric: true, header: false };
}

export function ciCell(p: PublishedSummary<{ lower: number; upper: number }>, decimals: number): PublicCell {
  const f = (n: number) => n.toLocaleString('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  return { text: p.hidden ? SUPPRESSED_MARK : `${f(p.value.lower)} to ${f(p.value.upper)}`, kind: 'ci', numeric: true, header: false };
}
