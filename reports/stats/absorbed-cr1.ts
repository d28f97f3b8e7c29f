// The ITT least-squares fit with the strata dummies absorbed by within-stratum weighted demeaning (Frisch-Waugh-Lovell), and the arm's CR1 standard error, in O(N).
import { clusterIndex } from './variance-types';

export interface AbsorbedCr1 { estimate: number; se: number; df: number; t: number; n: number; rank: number }

/**
 * y ~ covariates + strata dummies + arm by weighted least squares, with the strata absorbed: every column is
 * demeaned within its stratum with the weights (which removes the intercept and the dummies exactly, FWL), the
 * remaining k columns (covariates, then the arm last) solved by k x k normal equations, and the arm's CR1
 * variance (Stata's factor c = G/(G-1) (N-1)/(N-K), K counting the absorbed dummies and intercept) from the
 * cluster sums of w x~ e. Same numbers as weightedLeastSquares + cr1Variance (and estimatr
 * lm_robust(se_type = "stata") with factor(stratum)), without the N x p design. Frequency weights: N = sum w.
 */
export function absorbedCr1(covariates: ArrayLike<number>[], arm: ArrayLike<number>, y: ArrayLike<number>, stratum: ArrayLike<string>, cluster: ArrayLike<string>, weights?: ArrayLike<number>): AbsorbedCr1 {
  const n = y.length;
  const cols = [...covariates, arm];
  const k = cols.length;
  const { ids: sid, count: S } = clusterIndex(stratum);
  const sw = new Float64Array(S);
  const sums = new Float64Array(S * (k + 1));
  let N = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1, s = sid[i] * (k + 1);
    sw[sid[i]] += w; N += w;
    for (let j = 0; j < k; j++) sums[s + j] += w * cols[j][i];
    sums[s + k] += w * y[i];
  }
  for (let s = 0; s < S; s++) for (let j = 0; j <= k; j++) sums[s * (k + 1) + j] /= sw[s];
  // demeaned columns and normal equations
  const xt = cols.map(() => new Float64Array(n));
  const yt = new Float64Array(n);
  const xtx = new Float64Array(k * k), xty = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1, s = sid[i] * (k + 1);
    for (let j = 0; j < k; j++) xt[j][i] = cols[j][i] - sums[s + j];
    yt[i] = y[i] - sums[s + k];
    for (let a = 0; a < k; a++) { const wa = w * xt[a][i]; xty[a] += wa * yt[i]; for (let b = 0; b <= a; b++) xtx[a * k + b] += wa * xt[b][i]; }
  }
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) xtx[a * k + b] = xtx[b * k + a];
  const inv = invert(xtx, k);
  const beta = new Float64Array(k);
  for (let a = 0; a < k; a++) { let v = 0; for (let b = 0; b < k; b++) v += inv[a * k + b] * xty[b]; beta[a] = v; }
  const { ids: cid, count: G } = clusterIndex(cluster);
  const score = new Float64Array(G * k);
  for (let i = 0; i < n; i++) {
    let e = yt[i];
    for (let j = 0; j < k; j++) e -= xt[j][i] * beta[j];
    const we = (weights ? weights[i] : 1) * e, g = cid[i] * k;
    for (let j = 0; j < k; j++) score[g + j] += we * xt[j][i];
  }
  // arm row of the bread times the scores
  const last = k - 1;
  let meat = 0;
  for (let g = 0; g < G; g++) { let v = 0; for (let j = 0; j < k; j++) v += inv[last * k + j] * score[g * k + j]; meat += v * v; }
  const K = k + S; // the intercept and S - 1 strata dummies are absorbed
  const c = (G / (G - 1)) * ((N - 1) / (N - K));
  const se = Math.sqrt(c * meat);
  return { estimate: beta[last], se, df: G - 1, t: beta[last] / se, n: N, rank: K };
}

function invert(a: Float64Array, k: number): Float64Array {
  const m = new Float64Array(k * 2 * k);
  for (let i = 0; i < k; i++) { for (let j = 0; j < k; j++) m[i * 2 * k + j] = a[i * k + j]; m[i * 2 * k + k + i] = 1; }
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r * 2 * k + c]) > Math.abs(m[piv * 2 * k + c])) piv = r;
    if (piv !== c) for (let j = 0; j < 2 * k; j++) { const t = m[c * 2 * k + j]; m[c * 2 * k + j] = m[piv * 2 * k + j]; m[piv * 2 * k + j] = t; }
    const d = m[c * 2 * k + c];
    if (!(Math.abs(d) > 0)) throw new Error('absorbedCr1: the arm or a covariate is collinear with the strata');
    for (let j = 0; j < 2 * k; j++) m[c * 2 * k + j] /= d;
    for (let r = 0; r < k; r++) if (r !== c) { const f = m[r * 2 * k + c]; if (f !== 0) for (let j = 0; j < 2 * k; j++) m[r * 2 * k + j] -= f * m[c * 2 * k + j]; }
  }
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) out[i * k + j] = m[i * 2 * k + k + j];
  return out;
}
