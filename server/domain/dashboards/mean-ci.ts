// Mean with a two-sided t confidence interval (one sample), the summary shown for scores on dashboards and programme reports.
import { tCritical } from '../../../reports/stats/t-distribution';

export interface MeanCi { n: number; mean: number; sd: number; lower: number; upper: number }

/**
 * Sample mean, SD (n − 1 denominator) and the interval mean ± t(1 − α/2, n − 1) · sd/√n, as R's
 * t.test(x)$conf.int. Needs at least 2 values.
 */
export function meanWithCi(values: readonly number[], level = 0.95): MeanCi {
  const n = values.length;
  if (n < 2) throw new RangeError('a confidence interval needs at least two values');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const half = tCritical(n - 1, level) * sd / Math.sqrt(n);
  return { n, mean, sd, lower: mean - half, upper: mean + half };
}
