// Heteroskedasticity-robust variance HC1 (Stata `vce(robust)`, estimatr se_type = "HC1").
import { multiply, zeros } from './matrix';
import type { LeastSquaresFit } from './weighted-least-squares';
import type { VarianceEstimate } from './variance-types';

/**
 * HC1 (White 1980 with the N/(N-K) factor of MacKinnon & White 1985):
 * V = N/(N-K) B (sum_i s_i s_i') B. With frequency weights every row stands for w_i identical
 * observations, so its contribution is w_i e_i^2 x_i x_i' and N = sum of weights (the expanded data);
 * with analytic weights the score is w_i e_i x_i and N = rows. df = N - K.
 * Reference: Stata manual [U] 20.22 / [R] regress, Methods and formulas (https://www.stata.com/manuals/rregress.pdf).
 */
export function hc1Variance(fit: LeastSquaresFit): VarianceEstimate {
  const p = fit.rank;
  const meat = zeros(p, p);
  const frequency = fit.weighted && fit.weightKind === 'frequency';
  for (let i = 0; i < fit.rows; i++) {
    const w = fit.weights[i], e = fit.residuals[i];
    const f = frequency ? w * e * e : w * w * e * e;
    for (let a = 0; a < p; a++) {
      const xa = fit.x[a][i] * f;
      for (let b = a; b < p; b++) meat[a][b] += xa * fit.x[b][i];
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) meat[a][b] = meat[b][a];
  const dfResid = fit.n - p;
  if (!(dfResid > 0)) throw new Error('hc1Variance: no residual degrees of freedom');
  const v = multiply(multiply(fit.bread, meat), fit.bread).map((row) => row.map((x) => x * fit.n / dfResid));
  return { type: 'hc1', vcov: v, df: fit.names.map(() => dfResid) };
}
