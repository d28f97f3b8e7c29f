// Confidence interval of the one-way ANOVA ICC by Searle's F method (unequal cluster sizes through n0).
import fQuantile from '@stdlib/stats-base-dists-f-quantile';
import { icc } from './icc';

/**
 * Searle (1971, Linear Models, p. 414; Donner 1986 section 3.1): with F = MSB/MSW on (J - 1, N - J) df and
 * F_u = F(1 - alpha/2), F_l = F(alpha/2), the interval is ((F/F_u - 1)/(n0 + F/F_u - 1), (F/F_l - 1)/(n0 + F/F_l - 1)),
 * the lower end truncated at 0. Exact for equal cluster sizes, the usual approximation otherwise.
 */
export function iccConfidenceInterval(values: ArrayLike<number>, clusters: ArrayLike<string | number>, level = 0.95): { icc: number; ci: [number, number]; f: number; n0: number } {
  const r = icc(values, clusters);
  const f = r.msb / r.msw;
  const df1 = r.clusters - 1, df2 = r.n - r.clusters;
  const alpha = 1 - level;
  const fu = fQuantile(1 - alpha / 2, df1, df2), fl = fQuantile(alpha / 2, df1, df2);
  const end = (q: number) => (f / q - 1) / (r.n0 + f / q - 1);
  return { icc: r.icc, ci: [Math.max(0, end(fu)), Math.max(0, end(fl))], f, n0: r.n0 };
}
