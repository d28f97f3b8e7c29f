// Summaries (means, confidence intervals, distributions) and rates pass through here before publication.
import { MIN_RESPONDENTS_FOR_SUMMARY, MIN_SCHOOLS_IN_GROUP } from './rules';
import type { PublishedCount } from './protect-counts';

export type PublishedSummary<T> = { hidden: false; value: T } | { hidden: true; reason: 'few-respondents' | 'few-schools' | 'no-data' };

/** A summary of `respondents` people is published only when there are at least 10 of them. */
export function protectSummary<T>(respondents: number, summary: () => T): PublishedSummary<T> {
  if (respondents === 0) return { hidden: true, reason: 'no-data' };
  if (respondents < MIN_RESPONDENTS_FOR_SUMMARY) return { hidden: true, reason: 'few-respondents' };
  return { hidden: false, value: summary() };
}

/** Does a group of schools have enough schools for figures calculated from school records? */
export function enoughSchools(schools: number): boolean {
  return schools >= MIN_SCHOOLS_IN_GROUP;
}

/** A rate (numerator/denominator × per) is published only when both counts it uses are published. */
export function protectRate(numerator: PublishedCount, denominator: PublishedCount | number, per = 1): PublishedSummary<number> {
  const den = typeof denominator === 'number' ? { hidden: false as const, value: denominator } : denominator;
  if (numerator.hidden || den.hidden) return { hidden: true, reason: 'few-respondents' };
  if (den.value === 0) return { hidden: true, reason: 'no-data' };
  return { hidden: false, value: (numerator.value / den.value) * per };
}

/**
 * Groups categories with fewer than 10 schools into one "Other" category; if "Other" is still too small
 * it is kept but marked hidden, so no school can be picked out of a small group.
 */
export function groupSmallCategories<T extends { category: string; schools: number }>(
  items: T[], merge: (label: string, members: T[]) => T, otherLabel = 'Other',
): Array<{ item: T; hidden: boolean }> {
  const big = items.filter((i) => enoughSchools(i.schools));
  const small = items.filter((i) => !enoughSchools(i.schools));
  const out = big.map((item) => ({ item, hidden: false }));
  if (small.length) {
    const other = merge(otherLabel, small);
    out.push({ item: other, hidden: !enoughSchools(other.schools) });
  }
  return out;
}
