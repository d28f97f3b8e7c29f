// Student's t distribution: CDF, quantile and two-sided p-values, accurate to ~1e-14 for df 1..100,000+.
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantileStdlib from '@stdlib/stats-base-dists-t-quantile';

/**
 * Lower-tail probability P(T <= t) for Student's t with `df` degrees of freedom, by the regularised
 * incomplete beta function of the stdlib library (Apache-2.0, https://github.com/stdlib-js/stdlib,
 * stats/base/dists/t/cdf). Checked against R `pt()` in tests/stats/t-distribution.test.ts.
 */
export function tLowerTail(t: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`t distribution: degrees of freedom must be positive (got ${df})`);
  return tCdf(t, df);
}

/** Quantile function: the t with P(T <= t) = prob (stdlib stats/base/dists/t/quantile; checked against R `qt()`). */
export function tQuantile(prob: number, df: number): number {
  if (!(df > 0)) throw new RangeError(`t distribution: degrees of freedom must be positive (got ${df})`);
  if (!(prob >= 0 && prob <= 1)) throw new RangeError(`t distribution: probability must be in [0, 1] (got ${prob})`);
  return tQuantileStdlib(prob, df);
}

/** Two-sided p-value 2 T(-|t|), computed from the lower tail so tiny p-values keep their precision. */
export function twoSidedP(t: number, df: number): number {
  return Math.min(1, 2 * tLowerTail(-Math.abs(t), df));
}

/** Critical value t(1 - alpha/2, df) for a two-sided (1 - alpha) confidence interval. */
export function tCritical(df: number, level = 0.95): number {
  return tQuantile(1 - (1 - level) / 2, df);
}
