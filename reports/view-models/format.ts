// Number formatting for reports: every rounding, CI, p-value, count and money string a template shows is made here (templates do no arithmetic).

/** The minus sign used in published tables (U+2212), so "−0.047" reads as one token. */
export const MINUS = '\u2212';

/** Fixed decimals with a typographic minus; negative zero after rounding prints without a sign. Non-finite -> "n/a". */
export function fmtNumber(x: number | null | undefined, digits: number): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return 'n/a';
  const s = Math.abs(x).toFixed(digits);
  const isZero = Number(s) === 0;
  return (x < 0 && !isZero ? MINUS : '') + s;
}

/** A 95% CI as "(−0.047, 0.022)". */
export function fmtCi(ci: readonly [number, number] | null | undefined, digits: number): string {
  if (!ci) return 'n/a';
  return `(${fmtNumber(ci[0], digits)}, ${fmtNumber(ci[1], digits)})`;
}

/** A p-value to 3 decimals, "<0.001" below that (as the Bolton tables: 0.470). */
export function fmtP(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return 'n/a';
  if (p < 0.001) return '<0.001';
  return p.toFixed(3);
}

/** Whole numbers with thousands separators: 27352 -> "27,352". */
export function fmtInt(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return 'n/a';
  const r = Math.round(n);
  const s = String(Math.abs(r)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (r < 0 ? MINUS : '') + s;
}

/** Whole-number percentage: 12 of 47 -> "26%". */
export function fmtPercent(count: number, total: number, digits = 0): string {
  if (!(total > 0)) return 'n/a';
  return `${fmtNumber((100 * count) / total, digits)}%`;
}

/** "12 (26%)" as in Table 2's Count (%) column. */
export function fmtCountPercent(count: number, total: number): string {
  return `${fmtInt(count)} (${fmtPercent(count, total)})`;
}

/** "12/47 (0)": answered out of all, with the number missing, as in Table 2's n/N (missing) column. */
export function fmtNOfN(n: number, total: number, missing: number): string {
  return `${fmtInt(n)}/${fmtInt(total)} (${fmtInt(missing)})`;
}

/** "26.7 (14.1)": mean (SD). */
export function fmtMeanSd(mean: number | null, sd: number | null, digits: number): string {
  if (mean === null || !Number.isFinite(mean)) return 'n/a';
  return `${fmtNumber(mean, digits)} (${sd === null || !Number.isFinite(sd) ? 'n/a' : fmtNumber(sd, digits)})`;
}

/** "27,352 (13,819; 13,533)": total (intervention; control). */
export function fmtTotalSplit(intervention: number, control: number): string {
  return `${fmtInt(intervention + control)} (${fmtInt(intervention)}; ${fmtInt(control)})`;
}

/** "47 (0)": n (missing). */
export function fmtNMissing(n: number, missing: number): string {
  return `${fmtInt(n)} (${fmtInt(missing)})`;
}

/** A proportion difference in percentage points: −0.00140 -> "−0.140". */
export function fmtPercentagePoints(d: number | null | undefined, digits = 3): string {
  return d === null || d === undefined ? 'n/a' : fmtNumber(d * 100, digits);
}

/** A CI of a proportion difference in percentage points: "(−0.522, 0.243)". */
export function fmtCiPercentagePoints(ci: readonly [number, number] | null | undefined, digits = 3): string {
  return ci ? fmtCi([ci[0] * 100, ci[1] * 100], digits) : 'n/a';
}

/** The marker for a suppressed cell (disclosure control), as official statistics print it. */
export const SUPPRESSED = 'c';

/** A count that may have been suppressed (null -> "c"). */
export function fmtMaybeSuppressed(n: number | null): string {
  return n === null ? SUPPRESSED : fmtInt(n);
}

/** Pence as pounds: 150000 -> "£1,500"; 12345 -> "£123.45"; fractional pence rounded. */
export function fmtPounds(pence: number | null | undefined): string {
  if (pence === null || pence === undefined || !Number.isFinite(pence)) return 'n/a';
  const p = Math.round(pence);
  const pounds = Math.trunc(Math.abs(p) / 100);
  const rest = Math.abs(p) % 100;
  return `${p < 0 ? MINUS : ''}£${fmtInt(pounds)}${rest ? `.${String(rest).padStart(2, '0')}` : ''}`;
}

/** Weeks to one decimal: "4.3 weeks". */
export function fmtWeeks(w: number | null): string {
  return w === null ? 'n/a' : `${fmtNumber(w, 1)} week${Math.abs(w - 1) < 0.05 ? '' : 's'}`;
}

/** Minutes as hours to one decimal: 125 -> "2.1". */
export function fmtHours(minutes: number): string {
  return fmtNumber(minutes / 60, 1);
}

/** A date "YYYY-MM-DD…" as "14 October 2019" (UTC, English months). */
export function fmtDate(iso: string | null | undefined): string {
  if (!iso) return 'not set';
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** "YYYY-MM" as "October 2019". */
export function fmtMonth(month: string): string {
  return fmtDate(`${month}-01`).replace(/^1 /, '');
}
