// The shape every variance estimator in reports/stats returns, and a helper that numbers clusters.
import type { Matrix } from './matrix';

export type VarianceType = 'classical' | 'hc1' | 'cr1' | 'cr2';

export interface VarianceEstimate {
  type: VarianceType;
  /** Variance-covariance matrix of the coefficients (order of LeastSquaresFit.names). */
  vcov: Matrix;
  /** Degrees of freedom for t tests and CIs of each coefficient. */
  df: number[];
  /** Number of clusters (cluster-robust estimators only). */
  clusters?: number;
}

/** Numbers the distinct cluster labels 0..G-1 in order of first appearance. */
export function clusterIndex(labels: ArrayLike<string | number>): { ids: Int32Array; count: number } {
  const map = new Map<string | number, number>();
  const ids = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    let id = map.get(labels[i]);
    if (id === undefined) { id = map.size; map.set(labels[i], id); }
    ids[i] = id;
  }
  return { ids, count: map.size };
}
