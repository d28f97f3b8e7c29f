// Summaries (means, confidence intervals, distributions) and rates pass through here before publication.
import { MIN_RESPONDENTS_FOR_SUMMARY, MIN_SCHOOLS_IN_GROUP } from './rules';
import type { PublishedCount } from './protect-counts';

export type PublishedSummary<T> = { hidden: false; value: T } | { hidden: true; reason: 'few-respondents' | 'few-schools' | 'no-data' | 'group-disclosure' };

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
