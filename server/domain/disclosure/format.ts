// Turns published counts and summaries into the strings pages show ("c" for anything hidden).
import { SUPPRESSED_MARK } from './rules';
import type { PublishedCount } from './protect-counts';
import type { PublishedSummary } from './protect-summary';

/** A published count as text: thousands separators, or "c". */
export function formatCount(p: PublishedCount): string {
  return p.hidden ? SUPPRESSED_MARK : p.value.toLocaleString('en-GB');
}

/** A published number with fixed decimals, or "c". */
export function formatNumber(p: PublishedSummary<number>, decimals: number): string {
  return p.hidden ? SUPPRESSED_MARK : p.value.toLocaleString('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}
