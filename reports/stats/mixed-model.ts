// Linear mixed model with nested random intercepts (two or three levels), fitted by REML or ML through the profiled deviance as lme4::lmer, with Satterthwaite df as lmerTest.
import { minimiseNonNegative } from './brent-minimum';
import { cholesky, type Matrix } from './matrix';
import type { DesignColumn } from './weighted-least-squares';

export interface MixedModelLevel {
  /** Name of the grouping (e.g. "school", "la"). */
  name: string;
  /** Group label of each row. */
  groups: ArrayLike<string>;
}

export interface MixedModelFit {
  names: string[];
  coefficients: number[];
  /** sigma^2 (X' V~^-1 X)^-1 at the optimum, as vcov(lmer fit). */
  vcov: Matrix;
  se: number[];
  /** Satterthwaite degrees of freedom of each coefficient (lmerTest). */
  df: number[];
  /** Relative standard deviations theta = sigma_level / sigma, innermost level first (lme4's getME(fit, "theta")). */
  theta: number[];
  sigma: number;
  /** Variance of each level's intercepts, innermost first, then the residual. */
  variances: Array<{ level: string; variance: number; groups: number }>;
  residualVariance: number;
  /** Log-likelihood (the REML criterion's -1/2 when REML), as logLik(fit). */
  loglik: number;
  reml: boolean;
  nobs: number;
}

/**
 * Random-intercept model y = X beta + sum_l Z_l b_l + e, b_l ~ N(0, sigma^2 theta_l^2 I), e ~ N(0, sigma^2 I),
 * with up to two nested levels (groups of the first level each inside one group of the second).
 *
 * The marginal covariance V~ = I + theta_1^2 Z_1 Z_1' + theta_2^2 Z_2 Z_2' is block diagonal, and its
 * inverse and determinant have closed forms by the Woodbury identity applied level by level, so every
 * quadratic form X'V~^-1 X, X'V~^-1 y, y'V~^-1 y needs only per-group sums (O(groups p^2) per evaluation).
 * The profiled deviance (Bates et al. 2015, "Fitting linear mixed-effects models using lme4", JSS 67(1),
 * eqs. 34 and 41) is
 *   ML:   log|V~| + N (1 + log(2 pi r^2 / N))
 *   REML: log|V~| + log|X'V~^-1 X| + (N - p)(1 + log(2 pi r^2 / (N - p))),
 * r^2 = y'V~^-1 y - beta' X'V~^-1 y, minimised over theta >= 0 (Brent; nested for two levels). The
 * Satterthwaite df follow lmerTest (Kuznetsova et al. 2017, JSS 82(13)): with varpar = (theta, sigma),
 * df = 2 (c'Vc)^2 / (g' A g), A = 2 H^-1 (H the Hessian of the unprofiled deviance in varpar) and g the
 * gradient of c' sigma^2 (X'V~^-1 X)^-1 c, both by Richardson-extrapolated central differences as
 * numDeriv does.
 */
export function fitMixedModel(columns: DesignColumn[], y: ArrayLike<number>, levels: MixedModelLevel[], opts: { reml?: boolean } = {}): MixedModelFit {
  const reml = opts.reml ?? true;
  if (levels.length < 1 || levels.length > 2) throw new Error('fitMixedModel: one or two levels of random intercepts');
  const N = y.length, p = columns.length;
  if (N <= p) throw new Error('fitMixedModel: more coefficients than rows');
  const sums = groupSums(columns, y, levels);
  const evalAt = (theta: number[]) => quadraticForms(sums, theta);
  const nResid = reml ? N - p : N;
  const profiled = (theta: number[]) => {
    const q = quadraticForms(sums, theta, false);
    if (!q) return Infinity;
    return q.logDetV + (reml ? q.logDetQ : 0) + nResid * (1 + Math.log((2 * Math.PI * q.r2) / nResid));
  };
  let theta: number[];
  if (levels.length === 1) {
    theta = [minimiseNonNegative((t) => profiled([t])).x];
    theta = polish(profiled, theta);
  } else {
    // coordinate search (inner level with the outer at 0, the outer, the inner again), then Newton; if the
    // gradient is then not flat, the nested search (outer by Brent over the inner optimum) decides
    let t1 = minimiseNonNegative((t) => profiled([t, 0]), 1e-7, true).x;
    const t2 = minimiseNonNegative((t) => profiled([t1, t]), 1e-7, true).x;
    t1 = minimiseNonNegative((t) => profiled([t, t2]), 1e-7, true).x;
    theta = polish(profiled, [t1, t2]);
    if (!stationary(profiled, theta)) {
      const inner = (o: number) => minimiseNonNegative((t) => profiled([t, o]), 1e-7, true);
      const outer = minimiseNonNegative((t) => inner(t).value, 1e-7, true).x;
      theta = polish(profiled, [inner(outer).x, outer]);
    }
  }
  const q = evalAt(theta)!;
  const deviance = profiled(theta);
  const sigma2 = q.r2 / nResid;
  const sigma = Math.sqrt(sigma2);
  const vcov = q.qInv.map((row) => row.map((x) => x * sigma2));
  const se = vcov.map((row, i) => Math.sqrt(row[i]));

  // Satterthwaite (lmerTest): unprofiled deviance in varpar = (theta..., sigma)
  const varpar = [...theta, sigma];
  const devVarpar = (vp: number[]) => {
    const s2 = vp[vp.length - 1] ** 2;
    const qq = quadraticForms(sums, vp.slice(0, -1).map(Math.abs), false);
    if (!qq) return Infinity;
    return qq.logDetV + qq.r2 / s2 + nResid * Math.log(2 * Math.PI * s2) + (reml ? qq.logDetQ : 0);
  };
  const covBeta = (vp: number[]) => {
    const s2 = vp[vp.length - 1] ** 2;
    const qq = evalAt(vp.slice(0, -1).map(Math.abs))!;
    return qq.qInv.map((row, i) => row[i] * s2);
  };
  const H = hessian(devVarpar, varpar);
  const A = invertSymmetric(H).map((row) => row.map((x) => 2 * x));
  const J = jacobian(covBeta, varpar, p); // J[i][k] = d var(beta_i) / d varpar_k
  const df = vcov.map((row, i) => {
    const g = J[i];
    let gag = 0;
    for (let a = 0; a < g.length; a++) for (let b = 0; b < g.length; b++) gag += g[a] * A[a][b] * g[b];
    return (2 * row[i] * row[i]) / gag;
  });
  return {
    names: columns.map((c) => c.name), coefficients: q.beta, vcov, se, df, theta, sigma,
    variances: levels.map((l, k) => ({ level: l.name, variance: (theta[k] * sigma) ** 2, groups: sums.groupCounts[k] })),
    residualVariance: sigma2, loglik: -deviance / 2, reml, nobs: N,
  };
}

interface GroupSums {
  p: number;
  xtx: Matrix; xty: number[]; yty: number;
  /** Innermost groups: size, sum of x, sum of y, and the index of the outer group (or -1). */
  inner: Array<{ n: number; sx: number[]; sy: number; outer: number }>;
  outerCount: number;
  groupCounts: number[];
}

function groupSums(columns: DesignColumn[], y: ArrayLike<number>, levels: MixedModelLevel[]): GroupSums {
  const N = y.length, p = columns.length;
  const xtx: Matrix = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const xty = new Array<number>(p).fill(0);
  let yty = 0;
  const innerIndex = new Map<string, number>();
  const outerIndex = new Map<string, number>();
  const inner: GroupSums['inner'] = [];
  const row = new Array<number>(p);
  for (let i = 0; i < N; i++) {
    for (let a = 0; a < p; a++) row[a] = columns[a].values[i];
    const yi = y[i];
    for (let a = 0; a < p; a++) { xty[a] += row[a] * yi; for (let b = a; b < p; b++) xtx[a][b] += row[a] * row[b]; }
    yty += yi * yi;
    const gi = levels[0].groups[i];
    let k = innerIndex.get(gi);
    let outer = -1;
    if (levels.length > 1) {
      const go = levels[1].groups[i];
      outer = outerIndex.get(go) ?? -1;
      if (outer < 0) { outer = outerIndex.size; outerIndex.set(go, outer); }
    }
    if (k === undefined) {
      k = inner.length; innerIndex.set(gi, k);
      inner.push({ n: 0, sx: new Array<number>(p).fill(0), sy: 0, outer });
    } else if (inner[k].outer !== outer) {
      throw new Error(`fitMixedModel: ${levels[0].name} "${gi}" is in more than one ${levels[1].name}; the levels must be nested`);
    }
    const g = inner[k];
    g.n++; g.sy += yi;
    for (let a = 0; a < p; a++) g.sx[a] += row[a];
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) xtx[a][b] = xtx[b][a];
  return { p, xtx, xty, yty, inner, outerCount: outerIndex.size, groupCounts: levels.length > 1 ? [inner.length, outerIndex.size] : [inner.length] };
}

/** X'V~^-1 X, X'V~^-1 y, y'V~^-1 y, log|V~|, beta, r^2, log|X'V~^-1 X| and its inverse at theta; null if not positive definite. */
function quadraticForms(s: GroupSums, theta: number[], withInverse = true) {
  const p = s.p;
  const t1 = theta[0] * theta[0], t2 = theta.length > 1 ? theta[1] * theta[1] : 0;
  const Q = s.xtx.map((r) => r.slice());
  const b = s.xty.slice();
  let c = s.yty;
  let logDetV = 0;
  const outerX: number[][] = t2 > 0 ? Array.from({ length: s.outerCount }, () => new Array<number>(p).fill(0)) : [];
  const outerY = new Array<number>(t2 > 0 ? s.outerCount : 0).fill(0);
  const outerTau = new Array<number>(t2 > 0 ? s.outerCount : 0).fill(0);
  for (const g of s.inner) {
    const denom = 1 + g.n * t1;
    logDetV += Math.log(denom);
    const cg = t1 / denom;
    if (cg !== 0) {
      for (let a = 0; a < p; a++) { const xa = cg * g.sx[a]; b[a] -= xa * g.sy; for (let k = a; k < p; k++) Q[a][k] -= xa * g.sx[k]; }
      c -= cg * g.sy * g.sy;
    }
    if (t2 > 0) {
      const f = 1 / denom, ox = outerX[g.outer];
      for (let a = 0; a < p; a++) ox[a] += f * g.sx[a];
      outerY[g.outer] += f * g.sy;
      outerTau[g.outer] += g.n * f;
    }
  }
  for (let l = 0; l < outerX.length; l++) {
    const denom = 1 + t2 * outerTau[l];
    logDetV += Math.log(denom);
    const d = t2 / denom, ox = outerX[l];
    for (let a = 0; a < p; a++) { const xa = d * ox[a]; b[a] -= xa * outerY[l]; for (let k = a; k < p; k++) Q[a][k] -= xa * ox[k]; }
    c -= d * outerY[l] * outerY[l];
  }
  for (let a = 0; a < p; a++) for (let k = 0; k < a; k++) Q[a][k] = Q[k][a];
  let L: Matrix;
  try { L = cholesky(Q); } catch { return null; }
  let logDetQ = 0;
  for (let a = 0; a < p; a++) logDetQ += 2 * Math.log(L[a][a]);
  // beta = Q^-1 b by the Cholesky factor
  const z = new Array<number>(p);
  for (let a = 0; a < p; a++) { let v = b[a]; for (let k = 0; k < a; k++) v -= L[a][k] * z[k]; z[a] = v / L[a][a]; }
  const beta = new Array<number>(p);
  for (let a = p - 1; a >= 0; a--) { let v = z[a]; for (let k = a + 1; k < p; k++) v -= L[k][a] * beta[k]; beta[a] = v / L[a][a]; }
  let r2 = c;
  for (let a = 0; a < p; a++) r2 -= beta[a] * b[a];
  if (!(r2 > 0)) return null;
  return { beta, r2, logDetV, logDetQ, qInv: withInverse ? invertFromCholesky(L) : [] };
}

/**
 * Newton steps on the profiled deviance from the Brent optimum, with derivatives by Richardson-extrapolated
 * central differences on steps of about 1e-3 theta: near its minimum the deviance is so flat that rounding
 * limits a bracketing search to about 1e-7 in theta, while the derivatives average the rounding out.
 * A step is kept only when it lowers the deviance and keeps theta >= 0.
 */
function polish(f: (theta: number[]) => number, start: number[]): number[] {
  let theta = start.slice();
  let best = f(theta);
  for (let iter = 0; iter < 4; iter++) {
    if (theta.some((t) => t <= 1e-6)) break;
    const g = gradient(f, theta, 1e-3);
    const H = hessian(f, theta, 1e-3);
    let det = 1;
    let stepV: number[];
    if (theta.length === 1) { det = H[0][0]; stepV = [g[0] / H[0][0]]; }
    else { det = H[0][0] * H[1][1] - H[0][1] ** 2; stepV = [(H[1][1] * g[0] - H[0][1] * g[1]) / det, (H[0][0] * g[1] - H[0][1] * g[0]) / det]; }
    if (!(det > 0) || !stepV.every(Number.isFinite)) break;
    const next = theta.map((t, k) => t - stepV[k]);
    if (next.some((t) => t < 0)) break;
    const value = f(next);
    if (!(value <= best + 1e-12 * Math.abs(best))) break;
    const moved = Math.max(...next.map((t, k) => Math.abs(t - theta[k]) / t));
    theta = next; best = Math.min(best, value);
    if (moved < 1e-12) break;
  }
  return theta;
}

/** True when theta is at a boundary or the profiled deviance's gradient there is flat (relative to its curvature). */
function stationary(f: (theta: number[]) => number, theta: number[]): boolean {
  if (theta.some((t) => t <= 1e-6)) return theta.every((t) => t >= 0);
  const g = gradient(f, theta, 1e-3);
  return g.every((v, k) => Math.abs(v) * theta[k] < 1e-4);
}

function gradient(f: (x: number[]) => number, x: number[], rel: number): number[] {
  return x.map((xk, k) => {
    const seq: number[] = [];
    let h = rel * Math.abs(xk);
    for (let r = 0; r < 4; r++, h /= 2) { const a = x.slice(), b = x.slice(); a[k] += h; b[k] -= h; seq.push((f(a) - f(b)) / (2 * h)); }
    return richardson(seq);
  });
}

function invertFromCholesky(L: Matrix): Matrix {
  const p = L.length;
  const Linv: Matrix = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let j = 0; j < p; j++) {
    Linv[j][j] = 1 / L[j][j];
    for (let i = j + 1; i < p; i++) { let s = 0; for (let k = j; k < i; k++) s -= L[i][k] * Linv[k][j]; Linv[i][j] = s / L[i][i]; }
  }
  const out: Matrix = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let i = 0; i < p; i++) for (let j = i; j < p; j++) {
    let s = 0;
    for (let k = j; k < p; k++) s += Linv[k][i] * Linv[k][j];
    out[i][j] = s; out[j][i] = s;
  }
  return out;
}

function invertSymmetric(a: Matrix): Matrix {
  const n = a.length;
  const m = a.map((r, i) => [...r, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) piv = r;
    [m[c], m[piv]] = [m[piv], m[c]];
    const d = m[c][c];
    for (let k = 0; k < 2 * n; k++) m[c][k] /= d;
    for (let r = 0; r < n; r++) if (r !== c) { const f = m[r][c]; if (f !== 0) for (let k = 0; k < 2 * n; k++) m[r][k] -= f * m[c][k]; }
  }
  return m.map((r) => r.slice(n));
}

/** numDeriv's default step: d |x| (d = 1e-4 for jacobians here; 0.1 shrunk by v = 2 over r = 4 rounds as numDeriv's Richardson). */
function step(x: number, rel = 0.1): number { return Math.abs(x) < 1e-4 ? 1e-4 : rel * Math.abs(x); }

/** Richardson extrapolation of a central-difference sequence with step halving (error in h^2, h^4, ...). */
function richardson(seq: number[]): number {
  const a = seq.slice();
  for (let m = 1; m < a.length; m++) {
    const f = 4 ** m;
    for (let k = 0; k < a.length - m; k++) a[k] = (f * a[k + 1] - a[k]) / (f - 1);
  }
  return a[0];
}

const ROUNDS = 4;

function jacobian(f: (x: number[]) => number[], x: number[], m: number): number[][] {
  const out = Array.from({ length: m }, () => new Array<number>(x.length).fill(0));
  for (let k = 0; k < x.length; k++) {
    const seqs: number[][] = Array.from({ length: m }, () => []);
    let h = step(x[k]);
    for (let r = 0; r < ROUNDS; r++, h /= 2) {
      const xp = x.slice(), xm = x.slice();
      xp[k] += h; xm[k] -= h;
      const fp = f(xp), fm = f(xm);
      for (let i = 0; i < m; i++) seqs[i].push((fp[i] - fm[i]) / (2 * h));
    }
    for (let i = 0; i < m; i++) out[i][k] = richardson(seqs[i]);
  }
  return out;
}

function hessian(f: (x: number[]) => number, x: number[], rel = 0.1): Matrix {
  const n = x.length, f0 = f(x);
  const H: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) {
    const seq: number[] = [];
    let hi = step(x[i], rel), hj = step(x[j], rel);
    for (let r = 0; r < ROUNDS; r++, hi /= 2, hj /= 2) {
      const at = (di: number, dj: number) => { const y = x.slice(); y[i] += di; y[j] += dj; return f(y); };
      seq.push(i === j
        ? (at(hi, 0) - 2 * f0 + at(-hi, 0)) / (hi * hi)
        : (at(hi, hj) - at(hi, -hj) - at(-hi, hj) + at(-hi, -hj)) / (4 * hi * hj));
    }
    H[i][j] = H[j][i] = richardson(seq);
  }
  return H;
}
