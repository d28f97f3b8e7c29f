// Bias-reduced cluster-robust variance CR2 with Satterthwaite degrees of freedom (Bell-McCaffrey; Pustejovsky-Tipton), as clubSandwich.
import { cholesky, fromEigen, multiply, symmetricEigen, transpose, zeros, type Matrix } from './matrix';
import type { LeastSquaresFit } from './weighted-least-squares';
import { clusterIndex, type VarianceEstimate } from './variance-types';

/**
 * CR2 "bias-reduced linearisation" (Bell & McCaffrey 2002) with the Satterthwaite degrees of freedom
 * of Pustejovsky & Tipton (2018), "Small-sample methods for cluster-robust variance estimation and
 * hypothesis testing in fixed effects models", JBES 36(4) (https://arxiv.org/abs/1601.01981);
 * software: R clubSandwich::coef_test(vcov = "CR2", test = "Satterthwaite").
 *
 * On the weighted scale Xt = W^(1/2) X, et = W^(1/2) e (M = (X'WX)^-1):
 *   A_g = (I - Xt_g M Xt_g')^(-1/2),  V = M (sum_g Xt_g' A_g et_g et_g' A_g Xt_g) M,
 * and for coefficient i, df = (tr P)^2 / tr(P^2) with P = diag(g_g) - h h' as in clubSandwich
 * (working model: identity on the weighted scale). This equals clubSandwich on the pupil-level
 * expansion of frequency-weighted rows, and clubSandwich's `inverse_var = TRUE` on the weighted rows
 * whenever weights are constant within each cluster (for example when clustering by school).
 * Unweighted it equals clubSandwich exactly. A_g is computed through the p x p matrix L' Xt_g'Xt_g L
 * (L L' = M), so clusters of thousands of rows cost O(n_g p^2). Eigenvalues of I - H_gg at or below
 * 1e-12 get power 0, as clubSandwich's matrix_power does.
 */
export function cr2Variance(fit: LeastSquaresFit, cluster: ArrayLike<string | number>): VarianceEstimate {
  const p = fit.rank;
  const { ids, count: G } = clusterIndex(cluster);
  if (G < 2) throw new Error('cr2Variance: cluster-robust variance needs at least two clusters');
  const M = fit.bread;
  const L = cholesky(M);
  const Lt = transpose(L);
  const Q: Matrix[] = Array.from({ length: G }, () => zeros(p, p));
  const r: number[][] = Array.from({ length: G }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < fit.rows; i++) {
    const g = ids[i], w = fit.weights[i], we = w * fit.residuals[i];
    const q = Q[g], rg = r[g];
    for (let a = 0; a < p; a++) {
      const xa = fit.x[a][i];
      rg[a] += we * xa;
      const wxa = w * xa;
      for (let b = a; b < p; b++) q[a][b] += wxa * fit.x[b][i];
    }
  }
  const meat = zeros(p, p);
  const gdiag: number[][] = [];
  const hRows: Matrix[] = [];
  for (let g = 0; g < G; g++) {
    const q = Q[g];
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) q[a][b] = q[b][a];
    const S = multiply(multiply(Lt, q), L);
    const { values, vectors } = symmetricEigen(S);
    const gA = values.map((lam) => {
      const oneMinus = 1 - lam;
      if (oneMinus <= 1e-12) return -1 / lam;
      if (Math.abs(lam) < 1e-8) return 0.5 + 0.375 * lam;
      return (1 / Math.sqrt(oneMinus) - 1) / lam;
    });
    const gAA = values.map((lam) => (1 - lam <= 1e-12 ? -1 / lam : 1 / (1 - lam)));
    const QL = multiply(q, L);
    const LtQ = transpose(QL);
    const K = fromEigen(vectors, gA);
    const K2 = fromEigen(vectors, gAA);
    const QLK = multiply(QL, K);
    const XAX = addM(q, multiply(QLK, LtQ));
    const XAAX = addM(q, multiply(multiply(QL, K2), LtQ));
    // u = (I + Q L K L') r
    const Ltr = multiplyVec(Lt, r[g]);
    const corr = multiplyVec(QLK, Ltr);
    const u = r[g].map((x, a) => x + corr[a]);
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) meat[a][b] += u[a] * u[b];
    const MXAAXM = multiply(multiply(M, XAAX), M);
    gdiag.push(MXAAXM.map((row, i) => row[i]));
    hRows.push(multiply(multiply(M, XAX), L));
  }
  const vcov = multiply(multiply(M, meat), M);
  const df = fit.names.map((_, i) => {
    let trace = 0, gg = 0, gh = 0;
    const outer = zeros(p, p);
    for (let g = 0; g < G; g++) {
      const h = hRows[g][i];
      let hh = 0;
      for (let a = 0; a < p; a++) { hh += h[a] * h[a]; for (let b = 0; b < p; b++) outer[a][b] += h[a] * h[b]; }
      const gd = gdiag[g][i];
      trace += gd - hh;
      gg += gd * gd;
      gh += gd * hh;
    }
    let frob = 0;
    for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) frob += outer[a][b] * outer[a][b];
    return (trace * trace) / (gg - 2 * gh + frob);
  });
  return { type: 'cr2', vcov, df, clusters: G };
}

function addM(a: Matrix, b: Matrix): Matrix { return a.map((row, i) => row.map((x, j) => x + b[i][j])); }
function multiplyVec(a: Matrix, v: number[]): number[] { return a.map((row) => row.reduce((s, x, j) => s + x * v[j], 0)); }
