// Turns a fitted coefficient and its variance into estimate, SE, df, t, two-sided p and CI.
import type { LeastSquaresFit } from './weighted-least-squares';
import type { VarianceEstimate } from './variance-types';
import { tCritical, twoSidedP } from './t-distribution';

export interface CoefficientTest { name: string; estimate: number; se: number; df: number; t: number; p: number; ci: [number, number] }

/** Wald t test of one coefficient: t = b/se on the estimator's df, p = 2 T(-|t|), CI = b +/- t(0.975, df) se. */
export function coefficientTest(fit: LeastSquaresFit, variance: VarianceEstimate, name: string, level = 0.95): CoefficientTest {
  const i = fit.names.indexOf(name);
  if (i < 0) throw new Error(`coefficientTest: coefficient ${name} was not estimated`);
  const estimate = fit.coefficients[i];
  const se = Math.sqrt(variance.vcov[i][i]);
  const df = variance.df[i];
  const t = estimate / se;
  // No usable df (CR2 with almost no replication): no test or CI rather than an exception; callers check the arm's.
  if (!(df > 0)) return { name, estimate, se, df, t, p: NaN, ci: [NaN, NaN] };
  const crit = tCritical(df, level);
  return { name, estimate, se, df, t, p: twoSidedP(t, df), ci: [estimate - crit * se, estimate + crit * se] };
}

/** All coefficients of a fit. */
export function coefficientTable(fit: LeastSquaresFit, variance: VarianceEstimate, level = 0.95): CoefficientTest[] {
  return fit.names.map((n) => coefficientTest(fit, variance, n, level));
}
