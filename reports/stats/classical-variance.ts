// Classical (homoskedastic) OLS variance, as Stata `regress` and R `lm()` / estimatr se_type = "classical".
import { scale } from './matrix';
import type { LeastSquaresFit } from './weighted-least-squares';
import type { VarianceEstimate } from './variance-types';

/**
 * Classical variance V = s^2 (X'WX)^-1 with s^2 = sum(w e^2) / (N - K).
 * N is the sum of weights for frequency weights, the number of rows otherwise (Stata's [fw] vs [aw]);
 * df = N - K. Reference: Stata manual [R] regress, Methods and formulas
 * (https://www.stata.com/manuals/rregress.pdf).
 */
export function classicalVariance(fit: LeastSquaresFit): VarianceEstimate {
  let rss = 0;
  for (let i = 0; i < fit.rows; i++) rss += fit.weights[i] * fit.residuals[i] * fit.residuals[i];
  const dfResid = fit.n - fit.rank;
  if (!(dfResid > 0)) throw new Error('classicalVariance: no residual degrees of freedom');
  return { type: 'classical', vcov: scale(fit.bread, rss / dfResid), df: fit.names.map(() => dfResid) };
}
