// One unit per outcome table (issue 16): proportions of pupils as percentages beside percentage-point differences, survey scores in scale points, the unit named in each table's headers.
import { fmtCi, fmtNumber } from './format';

export type OutcomeKind = 'proportion' | 'score';

/** The outcomes split into one list per unit, administrative proportions first; empty lists are left out. */
export function splitByUnit<T extends { dataset: { kind: OutcomeKind } }>(list: T[]): T[][] {
  return (['proportion', 'score'] as const).map((k) => list.filter((a) => a.dataset.kind === k)).filter((l) => l.length > 0);
}

/** Column headings naming the unit of the means and of the adjusted difference. */
export function unitHeadings(kind: OutcomeKind): { meanHeading: string; differenceHeading: string } {
  return kind === 'proportion'
    ? { meanHeading: 'Unadjusted mean, % of pupils (95% CI)', differenceHeading: 'Adjusted difference, percentage points (95% CI)' }
    : { meanHeading: 'Unadjusted mean, scale points (95% CI)', differenceHeading: 'Adjusted difference, scale points (95% CI)' };
}

/** A mean with its CI in the table's unit: a proportion of pupils as a percentage (0.0126 -> "1.26 (1.02, 1.55)"), a score as it is. */
export function fmtMeanInUnit(kind: OutcomeKind, m: number, ci: readonly [number, number] | null, digits: number): string {
  if (kind === 'proportion') return `${fmtNumber(m * 100, 2)} ${fmtCi(ci ? [ci[0] * 100, ci[1] * 100] : null, 2)}`;
  return `${fmtNumber(m, digits)} ${fmtCi(ci, digits)}`;
}

/** Caption of the i-th secondary table of `count` (one per unit). */
export function secondaryCaption(kind: OutcomeKind, index: number, count: number): string {
  const what = kind === 'proportion' ? 'administrative outcomes (% of pupils)' : 'survey outcomes (scale points)';
  return `Table 4${index > 0 ? ' (continued)' : ''}. Secondary analysis${count > 1 || kind === 'score' ? `: ${what}` : ''}`;
}
