// Linear mixed model with nested random intercepts (two or three levels), fitted by REML or ML through the profiled deviance as lme4::lmer, with Satterthwaite df as lmerTest.
import { minimiseNonNegative } from './brent-minimum';
import type { Matrix } from './matrix';
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
  /** The per-group sums the fit was computed from (what the Kenward–Roger adjustment needs). */
  design: NestedDesign;
}

/**
 * Everything the model needs from the rows, gathered in one pass: X'X, X'y, y'y, and for each innermost
 * group its size n_g, X_g'1 and y_g'1 and its outer group. Groups of equal size share the Woodbury weight
 * theta^2 / (1 + n theta^2), so the inner-level corrections are summed once per distinct size ("bucket"), and
 * for the outer level once per (outer group, size) "cell": an evaluation of the deviance costs
 * O(K p^2 + C p + L p^2) for K sizes, C cells and L outer groups, whatever the number of rows.
 */
export interface NestedDesign {
  p: number;
  nobs: number;
  /** Row-major p x p (full). */
  xtx: Float64Array;
  xty: Float64Array;
  yty: number;
  /** Innermost groups: size, X_g'1 (row-major groups x p), y_g'1 and outer group index (-1 with one level). */
  groups: number;
  size: Float64Array;
  sx: Float64Array;
  sy: Float64Array;
  outer: Int32Array;
  outerCount: number;
  /** Distinct group sizes, how many groups have each, and sum over those groups of sx sx' (p x p), sx sy, sy^2. */
  bucketSize: Float64Array;
  bucketCount: Float64Array;
  bucketXX: Float64Array;
  bucketXY: Float64Array;
  bucketYY: Float64Array;
  /** Cells of outer group l are cellStart[l] .. cellStart[l+1]-1: the bucket, how many groups, sum of sx, sum of sy. */
  cellStart: Int32Array;
  cellBucket: Int32Array;
  cellCount: Float64Array;
  cellX: Float64Array;
  cellY: Float64Array;
}

/**
 * Random-intercept model y = X beta + sum_l Z_l b_l + e, b_l ~ N(0, sigma^2 theta_l^2 I), e ~ N(0, sigma^2 I),
 * with up to two nested levels (groups of the first level each inside one group of the second).
 *
 * The marginal covariance V~ = I + theta_1^2 Z_1 Z_1' + theta_2^2 Z_2 Z_2' is block diagonal, and its
 * inverse and determinant have closed forms by the Woodbury identity applied level by level (the inner
 * groups, then the outer groups of the result), so every quadratic form X'V~^-1 X, X'V~^-1 y, y'V~^-1 y
 * needs only the sums of NestedDesign. The profiled deviance (Bates et al. 2015, "Fitting linear
 * mixed-effects models using lme4", JSS 67(1), eqs. 34 and 41) is
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
  const design = nestedDesign(columns, y, levels);
  const ev = new WoodburyForms(design);
  const nResid = reml ? N - p : N;
  const profiledAt = (t1: number, t2: number) => {
    if (!ev.evaluate(t1, t2)) return Infinity;
    return ev.logDetV + (reml ? ev.logDetQ : 0) + nResid * (1 + Math.log((2 * Math.PI * ev.r2) / nResid));
  };
  const profiled = (theta: number[]) => profiledAt(theta[0], theta.length > 1 ? theta[1] : 0);
  let theta: number[];
  if (levels.length === 1) {
    theta = [minimiseNonNegative((t) => profiledAt(t, 0)).x];
    theta = polish(profiled, theta);
  } else {
    // coordinate search (inner level with the outer at 0, the outer, the inner again), then Newton; if the
    // gradient is then not flat, the nested search (outer by Brent over the inner optimum) decides
    let t1 = minimiseNonNegative((t) => profiledAt(t, 0), 1e-7, true).x;
    const t2 = minimiseNonNegative((t) => profiledAt(t1, t), 1e-7, true).x;
    t1 = minimiseNonNegative((t) => profiledAt(t, t2), 1e-7, true).x;
    theta = polish(profiled, [t1, t2]);
    if (!stationary(profiled, theta)) {
      const inner = (o: number) => minimiseNonNegative((t) => profiledAt(t, o), 1e-7, true);
      const outer = minimiseNonNegative((t) => inner(t).value, 1e-7, true).x;
      theta = polish(profiled, [inner(outer).x, outer]);
    }
  }
  const deviance = profiled(theta);
  if (!Number.isFinite(deviance)) throw new Error('fitMixedModel: the fixed effects are collinear or the outcome is constant');
  const beta = Array.from(ev.beta);
  const sigma2 = ev.r2 / nResid;
  const sigma = Math.sqrt(sigma2);
  const vcov = ev.inverse().map((row) => row.map((x) => x * sigma2));
  const se = vcov.map((row, i) => Math.sqrt(row[i]));

  // Satterthwaite (lmerTest): unprofiled deviance in varpar = (theta..., sigma)
  const varpar = [...theta, sigma];
  const thetaOf = (vp: number[]) => [Math.abs(vp[0]), vp.length > 2 ? Math.abs(vp[1]) : 0] as const;
  const devVarpar = (vp: number[]) => {
    const s2 = vp[vp.length - 1] ** 2;
    const [a, b] = thetaOf(vp);
    if (!ev.evaluate(a, b)) return Infinity;
    return ev.logDetV + ev.r2 / s2 + nResid * Math.log(2 * Math.PI * s2) + (reml ? ev.logDetQ : 0);
  };
  const diag = new Float64Array(p);
  const covBeta = (vp: number[]) => {
    const s2 = vp[vp.length - 1] ** 2;
    const [a, b] = thetaOf(vp);
    ev.evaluate(a, b);
    ev.inverseDiagonal(diag);
    return Array.from(diag, (x) => x * s2);
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
  const groupCounts = levels.length > 1 ? [design.groups, design.outerCount] : [design.groups];
  return {
    names: columns.map((c) => c.name), coefficients: beta, vcov, se, df, theta, sigma,
    variances: levels.map((l, k) => ({ level: l.name, variance: (theta[k] * sigma) ** 2, groups: groupCounts[k] })),
    residualVariance: sigma2, loglik: -deviance / 2, reml, nobs: N, design,
  };
}

/** One pass over the rows for X'X, X'y, y'y and the group sums, then the buckets and cells. */
export function nestedDesign(columns: DesignColumn[], y: ArrayLike<number>, levels: MixedModelLevel[]): NestedDesign {
  const N = y.length, p = columns.length;
  const xtx = new Float64Array(p * p), xty = new Float64Array(p);
  let yty = 0;
  const innerIndex = new Map<string, number>();
  const outerIndex = new Map<string, number>();
  const innerGroups = levels[0].groups, outerGroups = levels.length > 1 ? levels[1].groups : null;
  const groupOf = new Int32Array(N);
  const outerList: number[] = [];
  const cols = columns.map((c) => c.values);
  const row = new Float64Array(p);
  for (let i = 0; i < N; i++) {
    for (let a = 0; a < p; a++) row[a] = cols[a][i];
    const yi = y[i];
    for (let a = 0; a < p; a++) {
      const ra = row[a];
      xty[a] += ra * yi;
      for (let b = a; b < p; b++) xtx[a * p + b] += ra * row[b];
    }
    yty += yi * yi;
    const gi = innerGroups[i];
    let k = innerIndex.get(gi);
    let outer = -1;
    if (outerGroups) {
      const go = outerGroups[i];
      outer = outerIndex.get(go) ?? -1;
      if (outer < 0) { outer = outerIndex.size; outerIndex.set(go, outer); }
    }
    if (k === undefined) {
      k = outerList.length; innerIndex.set(gi, k); outerList.push(outer);
    } else if (outerList[k] !== outer) {
      throw new Error(`fitMixedModel: ${levels[0].name} "${gi}" is in more than one ${levels[1].name}; the levels must be nested`);
    }
    groupOf[i] = k;
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) xtx[a * p + b] = xtx[b * p + a];
  const G = outerList.length;
  const size = new Float64Array(G), sx = new Float64Array(G * p), sy = new Float64Array(G);
  for (let i = 0; i < N; i++) {
    const g = groupOf[i], o = g * p;
    size[g]++; sy[g] += y[i];
    for (let a = 0; a < p; a++) sx[o + a] += cols[a][i];
  }
  const outer = Int32Array.from(outerList);
  // buckets of equal-size groups
  const bucketOf = new Map<number, number>();
  const groupBucket = new Int32Array(G);
  for (let g = 0; g < G; g++) {
    let b = bucketOf.get(size[g]);
    if (b === undefined) { b = bucketOf.size; bucketOf.set(size[g], b); }
    groupBucket[g] = b;
  }
  const K = bucketOf.size;
  const bucketSize = new Float64Array(K), bucketCount = new Float64Array(K);
  const bucketXX = new Float64Array(K * p * p), bucketXY = new Float64Array(K * p), bucketYY = new Float64Array(K);
  for (const [n, b] of bucketOf) bucketSize[b] = n;
  for (let g = 0; g < G; g++) {
    const b = groupBucket[g], o = g * p, ox = b * p * p;
    bucketCount[b]++;
    bucketYY[b] += sy[g] * sy[g];
    for (let a = 0; a < p; a++) {
      const xa = sx[o + a];
      bucketXY[b * p + a] += xa * sy[g];
      for (let c = a; c < p; c++) bucketXX[ox + a * p + c] += xa * sx[o + c];
    }
  }
  // cells (outer group x bucket), in outer-group order
  const L = outerIndex.size;
  const cellStart = new Int32Array(L + 1);
  const cellBucketList: number[] = [];
  let cellCount = new Float64Array(0), cellX = new Float64Array(0), cellY = new Float64Array(0);
  if (L > 0) {
    const cellOf = new Map<number, number>();
    const members: number[][] = Array.from({ length: L }, () => []);
    for (let g = 0; g < G; g++) members[outer[g]].push(g);
    const groupCell = new Int32Array(G);
    for (let l = 0; l < L; l++) {
      cellStart[l] = cellBucketList.length;
      cellOf.clear();
      for (const g of members[l]) {
        let c = cellOf.get(groupBucket[g]);
        if (c === undefined) { c = cellBucketList.length; cellOf.set(groupBucket[g], c); cellBucketList.push(groupBucket[g]); }
        groupCell[g] = c;
      }
    }
    cellStart[L] = cellBucketList.length;
    const C = cellBucketList.length;
    cellCount = new Float64Array(C); cellX = new Float64Array(C * p); cellY = new Float64Array(C);
    for (let g = 0; g < G; g++) {
      const c = groupCell[g];
      cellCount[c]++; cellY[c] += sy[g];
      for (let a = 0; a < p; a++) cellX[c * p + a] += sx[g * p + a];
    }
  }
  return {
    p, nobs: N, xtx, xty, yty, groups: G, size, sx, sy, outer, outerCount: L,
    bucketSize, bucketCount, bucketXX, bucketXY, bucketYY,
    cellStart, cellBucket: Int32Array.from(cellBucketList), cellCount, cellX, cellY,
  };
}

/**
 * X'V~^-1 X (Cholesky-factored), beta, r^2 = y'V~^-1 y - beta'X'V~^-1 y, log|V~| and log|X'V~^-1 X| at
 * theta, computed into preallocated buffers (no allocation per evaluation).
 */
class WoodburyForms {
  readonly beta: Float64Array;
  logDetV = 0;
  logDetQ = 0;
  r2 = 0;
  private readonly Q: Float64Array;
  private readonly b: Float64Array;
  private readonly z: Float64Array;
  private readonly ox: Float64Array;
  private readonly f: Float64Array;

  constructor(private readonly d: NestedDesign) {
    const p = d.p;
    this.Q = new Float64Array(p * p); this.b = new Float64Array(p); this.z = new Float64Array(p);
    this.beta = new Float64Array(p); this.ox = new Float64Array(p); this.f = new Float64Array(d.bucketSize.length);
  }

  /** False when X'V~^-1 X is not positive definite or r^2 <= 0. */
  evaluate(theta1: number, theta2: number): boolean {
    const d = this.d, p = d.p, pp = p * p, Q = this.Q, b = this.b, f = this.f;
    const t1 = theta1 * theta1, t2 = theta2 * theta2;
    Q.set(d.xtx); b.set(d.xty);
    let c = d.yty, logDetV = 0;
    for (let k = 0; k < f.length; k++) {
      const n = d.bucketSize[k], den = 1 + n * t1;
      f[k] = 1 / den;
      if (t1 === 0) continue;
      logDetV += d.bucketCount[k] * Math.log(den);
      const ck = t1 / den, ox = k * pp, oy = k * p;
      for (let a = 0; a < p; a++) {
        b[a] -= ck * d.bucketXY[oy + a];
        for (let j = a; j < p; j++) Q[a * p + j] -= ck * d.bucketXX[ox + a * p + j];
      }
      c -= ck * d.bucketYY[k];
    }
    if (t2 !== 0) {
      const ox = this.ox;
      for (let l = 0; l < d.outerCount; l++) {
        ox.fill(0);
        let oy = 0, tau = 0;
        for (let cell = d.cellStart[l]; cell < d.cellStart[l + 1]; cell++) {
          const k = d.cellBucket[cell], fk = f[k], o = cell * p;
          for (let a = 0; a < p; a++) ox[a] += fk * d.cellX[o + a];
          oy += fk * d.cellY[cell];
          tau += fk * d.bucketSize[k] * d.cellCount[cell];
        }
        const den = 1 + t2 * tau;
        logDetV += Math.log(den);
        const dl = t2 / den;
        for (let a = 0; a < p; a++) {
          const xa = dl * ox[a];
          b[a] -= xa * oy;
          for (let j = a; j < p; j++) Q[a * p + j] -= xa * ox[j];
        }
        c -= dl * oy * oy;
      }
    }
    // Cholesky in place: lower triangle L (row-major), Q = L L'
    let logDetQ = 0;
    for (let j = 0; j < p; j++) {
      let s = Q[j * p + j];
      for (let k = 0; k < j; k++) s -= Q[j * p + k] * Q[j * p + k];
      if (!(s > 0)) return false;
      const ljj = Math.sqrt(s);
      Q[j * p + j] = ljj;
      logDetQ += 2 * Math.log(ljj);
      for (let i = j + 1; i < p; i++) {
        let v = Q[j * p + i]; // upper triangle still holds Q[j][i] = Q[i][j]
        for (let k = 0; k < j; k++) v -= Q[i * p + k] * Q[j * p + k];
        Q[i * p + j] = v / ljj;
      }
    }
    const z = this.z, beta = this.beta;
    for (let a = 0; a < p; a++) { let v = b[a]; for (let k = 0; k < a; k++) v -= Q[a * p + k] * z[k]; z[a] = v / Q[a * p + a]; }
    for (let a = p - 1; a >= 0; a--) { let v = z[a]; for (let k = a + 1; k < p; k++) v -= Q[k * p + a] * beta[k]; beta[a] = v / Q[a * p + a]; }
    let r2 = c;
    for (let a = 0; a < p; a++) r2 -= beta[a] * b[a];
    if (!(r2 > 0)) return false;
    this.logDetV = logDetV; this.logDetQ = logDetQ; this.r2 = r2;
    return true;
  }

  /** (X'V~^-1 X)^-1 at the last evaluation. */
  inverse(): Matrix {
    const p = this.d.p, Li = this.lowerInverse();
    const out: Matrix = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    for (let i = 0; i < p; i++) for (let j = i; j < p; j++) {
      let s = 0;
      for (let k = j; k < p; k++) s += Li[k * p + i] * Li[k * p + j];
      out[i][j] = s; out[j][i] = s;
    }
    return out;
  }

  /** The diagonal of (X'V~^-1 X)^-1 at the last evaluation. */
  inverseDiagonal(out: Float64Array): void {
    const p = this.d.p, Li = this.lowerInverse();
    for (let i = 0; i < p; i++) { let s = 0; for (let k = i; k < p; k++) s += Li[k * p + i] ** 2; out[i] = s; }
  }

  private lowerInverse(): Float64Array {
    const p = this.d.p, L = this.Q, Li = new Float64Array(p * p);
    for (let j = 0; j < p; j++) {
      Li[j * p + j] = 1 / L[j * p + j];
      for (let i = j + 1; i < p; i++) { let s = 0; for (let k = j; k < i; k++) s -= L[i * p + k] * Li[k * p + j]; Li[i * p + j] = s / L[i * p + i]; }
    }
    return Li;
  }
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
    const H = hessian(f, theta, 1e-3, 1); // the step's direction only: the gradient decides where Newton stops
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

function hessian(f: (x: number[]) => number, x: number[], rel = 0.1, rounds = ROUNDS): Matrix {
  const n = x.length, f0 = f(x);
  const H: Matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) {
    const seq: number[] = [];
    let hi = step(x[i], rel), hj = step(x[j], rel);
    for (let r = 0; r < rounds; r++, hi /= 2, hj /= 2) {
      const at = (di: number, dj: number) => { const y = x.slice(); y[i] += di; y[j] += dj; return f(y); };
      seq.push(i === j
        ? (at(hi, 0) - 2 * f0 + at(-hi, 0)) / (hi * hi)
        : (at(hi, hj) - at(hi, -hj) - at(-hi, hj) + at(-hi, -hj)) / (4 * hi * hj));
    }
    H[i][j] = H[j][i] = richardson(seq);
  }
  return H;
}
