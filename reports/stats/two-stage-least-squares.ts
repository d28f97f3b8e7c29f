// Two-stage least squares with one endogenous regressor (receipt) instrumented by the arm, with CR1 and CR2 standard errors as R estimatr::iv_robust (frequency weights: CR1 as on the expanded rows).
import { cr1Variance } from './cr1-variance';
import { cr2Variance } from './cr2-variance';
import { coefficientTest, type CoefficientTest } from './coefficient-test';
import { weightedLeastSquares, type DesignColumn, type LeastSquaresFit } from './weighted-least-squares';

export interface TwoStageFit {
  /** The receipt coefficient (the complier average causal effect when the instrument is the randomised arm). */
  effect: CoefficientTest;
  /** First stage: the instrument's coefficient on receipt, and its cluster-robust Wald F (t squared). */
  firstStage: CoefficientTest & { f: number };
}

/**
 * 2SLS (e.g. Angrist & Pischke 2009, Mostly Harmless Econometrics, 4.1): first stage D ~ W + Z gives D^;
 * second stage y ~ W + D^ gives beta; the structural residuals e = y - [W, D] beta (not the second stage's)
 * enter the sandwich with the projected regressors X^ = [W, D^]:
 *   CR1: c (X^'X^)^-1 (sum_g X^_g'e_g e_g'X^_g) (X^'X^)^-1 on G - 1 df, c = G/(G-1) (N-1)/(N-K);
 *   CR2: the Bell-McCaffrey adjustment with the hat matrix of X^, Satterthwaite df,
 * which is what estimatr::iv_robust(se_type = "stata" | "CR2") computes. With frequency weights (whole numbers of
 * units per row, e.g. pupils) both stages are weighted and CR1 uses s_g = sum w e x^ and N = sum of weights: exactly
 * iv_robust(se_type = "stata") on the rows expanded w times. CR2 with weights is not offered (refused).
 */
export function twoStageLeastSquares(exogenous: DesignColumn[], endogenous: DesignColumn, instrument: DesignColumn, y: ArrayLike<number>, cluster: ArrayLike<string>, se: 'cr1' | 'cr2', level = 0.95, weights?: ArrayLike<number>): TwoStageFit {
  if (weights && se === 'cr2') throw new Error('twoStageLeastSquares: CR2 with frequency weights is not offered; use CR1');
  const first = weightedLeastSquares([...exogenous, instrument], endogenous.values, weights, 'frequency');
  if (first.dropped.includes(instrument.name)) throw new Error(`twoStageLeastSquares: the instrument ${instrument.name} is collinear with the covariates`);
  const fitted = Float64Array.from(endogenous.values, (d, i) => d - first.residuals[i]);
  const second = weightedLeastSquares([...exogenous, { name: endogenous.name, values: fitted }], y, weights, 'frequency');
  if (second.dropped.includes(endogenous.name)) throw new Error(`twoStageLeastSquares: the fitted ${endogenous.name} is collinear with the covariates (a weak or useless instrument)`);
  // structural residuals with the observed receipt
  const cols = second.names.map((n) => (n === endogenous.name ? endogenous.values : exogenous.find((c) => c.name === n)!.values));
  const residuals = new Float64Array(second.rows);
  for (let i = 0; i < second.rows; i++) {
    let f = 0;
    for (let j = 0; j < cols.length; j++) f += cols[j][i] * second.coefficients[j];
    residuals[i] = second.y[i] - f;
  }
  const structural: LeastSquaresFit = { ...second, residuals };
  const variance = se === 'cr2' ? cr2Variance(structural, cluster) : cr1Variance(structural, cluster);
  const firstVar = se === 'cr2' ? cr2Variance(first, cluster) : cr1Variance(first, cluster);
  const fs = coefficientTest(first, firstVar, instrument.name, level);
  return { effect: coefficientTest(structural, variance, endogenous.name, level), firstStage: { ...fs, f: fs.t * fs.t } };
}
