// Cluster-robust variance CR1 with Stata's small-sample factor (`vce(cluster id)`, estimatr se_type = "stata").
import { multiply, zeros } from './matrix';
import type { LeastSquaresFit } from './weighted-least-squares';
import { clusterIndex, type VarianceEstimate } from './variance-types';

/**
 * Liang-Zeger cluster-robust sandwich with Stata's factor:
 * V = c B (sum_g s_g s_g') B, s_g = sum_{i in g} w_i e_i x_i, c = G/(G-1) * (N-1)/(N-K),
 * t tests on G - 1 degrees of freedom. N = sum of weights for frequency weights, else rows.
 * Reference: Cameron & Miller (2015) "A Practitioner's Guide to Cluster-Robust Inference",
 * J. Human Resources 50(2), section II.C (http://cameron.econ.ucdavis.edu/research/Cameron_Miller_JHR_2015_February.pdf).
 */
export function cr1Variance(fit: LeastSquaresFit, cluster: ArrayLike<string | number>): VarianceEstimate {
  const p = fit.rank;
  const { ids, count: g } = clusterIndex(cluster);
  if (g < 2) throw new Error('cr1Variance: cluster-robust variance needs at least two clusters');
  const scores = zeros(g, p);
  for (let i = 0; i < fit.rows; i++) {
    const s = scores[ids[i]];
    const we = fit.weights[i] * fit.residuals[i];
    for (let a = 0; a < p; a++) s[a] += we * fit.x[a][i];
  }
  const meat = zeros(p, p);
  for (const s of scores) for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) meat[a][b] += s[a] * s[b];
  const c = (g / (g - 1)) * ((fit.n - 1) / (fit.n - p));
  const v = multiply(multiply(fit.bread, meat), fit.bread).map((row) => row.map((x) => x * c));
  return { type: 'cr1', vcov: v, df: fit.names.map(() => g - 1), clusters: g };
}
