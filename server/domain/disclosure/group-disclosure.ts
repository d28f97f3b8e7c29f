// Group disclosure: a summary of a group is not published when it would tell a reader what every member answered.
import { MIN_RESPONDENTS_FOR_SUMMARY } from './rules';
import type { PublishedSummary } from './protect-summary';

/**
 * A group's mean, interval and distribution are published only when the group has at least 10 values, they
 * are not all the same answer, they do not all fall in one band of the published distribution, and the interval
 * as printed is not of zero width ("9.0 to 9.0" says everyone answered 9).
 */
export function protectGroupSummary<T extends { lower: number; upper: number }>(
  values: readonly number[], bandOf: (v: number) => number, summarise: () => T, printed: (x: number) => string,
): PublishedSummary<T> {
  if (values.length === 0) return { hidden: true, reason: 'no-data' };
  if (values.length < MIN_RESPONDENTS_FOR_SUMMARY) return { hidden: true, reason: 'few-respondents' };
  if (values.every((v) => v === values[0])) return { hidden: true, reason: 'group-disclosure' };
  if (values.every((v) => bandOf(v) === bandOf(values[0]))) return { hidden: true, reason: 'group-disclosure' };
  const s = summarise();
  if (printed(s.lower) === printed(s.upper)) return { hidden: true, reason: 'group-disclosure' };
  return { hidden: false, value: s };
}
