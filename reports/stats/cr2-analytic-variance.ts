// CR2 for analytic (inverse-variance) weights with an identity working model, as R estimatr lm_robust(weights =, se_type = "CR2") and clubSandwich inverse_var = FALSE.
import { multiply, multiplyVector, symmetricEigen, zeros, type Matrix } from './matrix';
import type { LeastSquaresFit } from './weighted-least-squares';
import { clusterIndex, type VarianceEstimate } from './variance-types';

/**
 * Bell-McCaffrey CR2 for weighted least squares when the weights are analytic, not a working model
 * (Pustejovsky & Tipton 2018, JBES 36(4), section 2 with Phi = I): with M = (X'WX)^-1 and the
 * (non-symmetric) hat matrix H = X M X'W,
 *   B_g = (I - H)_g (I - H)_g' = I - X_g M X_g'W_g - W_g X_g M X_g' + X_g M (X'W^2 X) M X_g',
 *   A_g = B_g^(-1/2),  V = M (sum_g X_g'W_g A_g e_g e_g' A_g W_g X_g) M,
 * and Satterthwaite df = (sum_g p_g'p_g)^2 / sum_{g,h} (p_g'p_h)^2, p_g = (I - H)_g' A_g W_g X_g M c.
 * Unweighted it is the usual CR2. Cost O(sum n_g^3 + G^2 p): meant for clusters of up to a few hundred rows.
 * Software: clubSandwich::vcovCR(lm(..., weights = w), type = "CR2", inverse_var = FALSE); estimatr's CR2 agrees.
 */
export function cr2AnalyticVariance(fit: LeastSquaresFit, cluster: ArrayLike<string | number>): VarianceEstimate {
  const p = fit.rank, M = fit.bread;
  const { ids, count: G } = clusterIndex(cluster);
  if (G < 2) throw new Error('cr2AnalyticVariance: cluster-robust variance needs at least two clusters');
  const members: number[][] = Array.from({ length: G }, () => []);
  for (let i = 0; i < fit.rows; i++) members[ids[i]].push(i);
  const S2 = zeros(p, p);
  for (let i = 0; i < fit.rows; i++) {
    const w2 = fit.weights[i] ** 2;
    for (let a = 0; a < p; a++) for (let b = a; b < p; b++) S2[a][b] += w2 * fit.x[a][i] * fit.x[b][i];
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) S2[a][b] = S2[b][a];
  const MS2M = multiply(multiply(M, S2), M);
  const meat = zeros(p, p);
  // For the df: per cluster and coefficient, u_g (n_g) -> alpha_g = X_g'u_g, beta_g = X_g'W_g u_g
  const A: Matrix[] = [];
  for (let g = 0; g < G; g++) {
    const rows = members[g], n = rows.length;
    const xg = rows.map((i) => fit.x.map((col) => col[i]));
    const wg = rows.map((i) => fit.weights[i]);
    const xm = xg.map((r) => multiplyVector(M, r)); // M x_i
    const xs = xg.map((r) => multiplyVector(MS2M, r));
    const B = zeros(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let h = 0, q = 0;
      for (let a = 0; a < p; a++) { h += xg[i][a] * xm[j][a]; q += xg[i][a] * xs[j][a]; }
      B[i][j] = (i === j ? 1 : 0) - h * wg[j] - wg[i] * h + q;
    }
    const { values, vectors } = symmetricEigen(B);
    const d = values.map((v) => (v > 1e-12 ? 1 / Math.sqrt(v) : 0));
    const Ag = zeros(n, n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) { let s = 0; for (let k = 0; k < n; k++) s += vectors[i][k] * d[k] * vectors[j][k]; Ag[i][j] = s; }
    A.push(Ag);
    const ae = multiplyVector(Ag, rows.map((i) => fit.residuals[i]));
    const score = new Array<number>(p).fill(0);
    for (let i = 0; i < n; i++) for (let a = 0; a < p; a++) score[a] += xg[i][a] * wg[i] * ae[i];
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) meat[a][b] += score[a] * score[b];
  }
  const vcov = multiply(multiply(M, meat), M);
  const df = fit.names.map((_, c) => {
    const mc = M.map((row) => row[c]);
    const alpha: number[][] = [], beta: number[][] = [], uu: number[] = [];
    for (let g = 0; g < G; g++) {
      const rows = members[g];
      const v = rows.map((i) => fit.weights[i] * fit.x.reduce((s, col, a) => s + col[i] * mc[a], 0));
      const u = multiplyVector(A[g], v);
      uu.push(u.reduce((s, x) => s + x * x, 0));
      alpha.push(fit.x.map((col) => rows.reduce((s, i, k) => s + col[i] * u[k], 0)));
      beta.push(fit.x.map((col) => rows.reduce((s, i, k) => s + col[i] * fit.weights[i] * u[k], 0)));
    }
    const Ma = alpha.map((a) => multiplyVector(M, a)), Mb = beta.map((b) => multiplyVector(M, b)), Sa = alpha.map((a) => multiplyVector(MS2M, a));
    const dot = (x: number[], y: number[]) => x.reduce((s, v, k) => s + v * y[k], 0);
    let trace = 0, sq = 0;
    for (let g = 0; g < G; g++) for (let h = 0; h < G; h++) {
      const pp = (g === h ? uu[g] : 0) - dot(alpha[g], Mb[h]) - dot(beta[g], Ma[h]) + dot(alpha[g], Sa[h]);
      if (g === h) trace += pp;
      sq += pp * pp;
    }
    return (trace * trace) / sq;
  });
  return { type: 'cr2', vcov, df, clusters: G };
}
