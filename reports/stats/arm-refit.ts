// Refits only the arm's coefficient and its CR1 or CR2 t statistic when the arm column changes and the other covariates do not (Frisch-Waugh-Lovell), for re-randomisation.
import { cholesky, type Matrix } from './matrix';
import { weightedLeastSquares, type DesignColumn, type WeightKind } from './weighted-least-squares';
import { clusterIndex } from './variance-types';

export interface ArmStatistic { estimate: number; se: number; t: number }

/**
 * With the fixed covariates Z (intercept, baseline, strata dummies) projected out once, each new arm
 * vector a costs O(N p): on the weighted scale (x* = w^(1/2) x), a~ = M_Z a*, s = a~'a~,
 * beta = a~'y~ / s and the full model's residuals are e = y~ - beta a~ (Frisch-Waugh-Lovell). The arm row of
 * (X'WX)^-1 X'W is a~'/s, so
 *   CR1: var = c sum_g (a~_g' e_g)^2 / s^2, c = G/(G-1) (N-1)/(N-K) (Stata), as cr1Variance;
 *   CR2: var = sum_g (a~_g' A_g e_g)^2 / s^2, A_g = (I - H_gg)^(-1/2), H_gg = H^Z_gg + a~_g a~_g'/s,
 * as cr2Variance (clubSandwich, identity working model on the weighted scale). H^Z_gg is kept for small
 * clusters (an n_g x n_g eigenproblem per draw); clusters larger than p + 1 rows use the p x p form of
 * cr2Variance. Eigenvalues of I - H_gg at or below 1e-12 get power 0, as clubSandwich.
 */
export class ArmRefit {
  readonly rows: number;
  readonly clusters: number;
  private readonly sw: Float64Array;
  private readonly z: Float64Array[]; // weighted-scale kept Z columns
  private readonly mz: Matrix; // (Z'WZ)^-1
  private readonly lz: Matrix; // chol(mz)
  private readonly yt: Float64Array; // weighted-scale residual of y on Z
  private readonly ids: Int32Array;
  private readonly members: Int32Array[];
  private readonly small: boolean[];
  private readonly hz: Float64Array[]; // H^Z_gg for small clusters (n_g x n_g, row-major)
  private readonly qz: Matrix[]; // Z_g'Z_g (weighted) for large clusters
  private readonly c1: number;
  private readonly pz: number;
  private readonly at: Float64Array;
  private readonly et: Float64Array;
  private scratchA = new Float64Array(16);
  private scratchV = new Float64Array(16);
  private readonly scratchL = new Float64Array(64);

  constructor(fixed: DesignColumn[], y: ArrayLike<number>, weights: ArrayLike<number> | undefined, cluster: ArrayLike<string>, weightKind: WeightKind = 'frequency') {
    const fit = weightedLeastSquares(fixed, y, weights, weightKind);
    const n = y.length;
    this.rows = n;
    this.sw = Float64Array.from(fit.weights, Math.sqrt);
    this.pz = fit.rank;
    this.z = fit.x.map((col) => Float64Array.from(col, (v, i) => v * this.sw[i]));
    this.mz = fit.bread;
    this.lz = cholesky(fit.bread);
    this.yt = Float64Array.from(fit.residuals, (e, i) => e * this.sw[i]);
    const { ids, count } = clusterIndex(cluster);
    this.ids = ids; this.clusters = count;
    const lists: number[][] = Array.from({ length: count }, () => []);
    for (let i = 0; i < n; i++) lists[ids[i]].push(i);
    this.members = lists.map((l) => Int32Array.from(l));
    const P = this.pz + 1;
    this.small = this.members.map((m) => m.length <= P);
    this.hz = []; this.qz = [];
    this.members.forEach((m, g) => {
      const k = m.length;
      if (this.small[g]) {
        const zm = Array.from(m, (i) => this.mzTimes(this.z.map((c) => c[i])));
        const h = new Float64Array(k * k);
        for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) { let s = 0; for (let j = 0; j < this.pz; j++) s += this.z[j][m[a]] * zm[b][j]; h[a * k + b] = s; }
        this.hz[g] = h;
      } else {
        const q: Matrix = Array.from({ length: this.pz }, () => new Array<number>(this.pz).fill(0));
        for (const i of m) for (let a = 0; a < this.pz; a++) for (let b = 0; b < this.pz; b++) q[a][b] += this.z[a][i] * this.z[b][i];
        this.qz[g] = q;
      }
    });
    const N = fit.n, K = this.pz + 1;
    this.c1 = (count / (count - 1)) * ((N - 1) / (N - K));
    this.at = new Float64Array(n); this.et = new Float64Array(n);
  }

  private mzTimes(v: number[]): number[] { return this.mz.map((row) => row.reduce((s, x, j) => s + x * v[j], 0)); }

  /** The arm's coefficient, SE and t for the arm vector (one value per row). Returns NaNs when the arm is collinear with Z. */
  statistic(arm: ArrayLike<number>, se: 'cr1' | 'cr2'): ArmStatistic {
    const n = this.rows, pz = this.pz, z = this.z, sw = this.sw, at = this.at, et = this.et;
    const b = new Float64Array(pz);
    for (let j = 0; j < pz; j++) { const c = z[j]; let s = 0; for (let i = 0; i < n; i++) s += c[i] * sw[i] * arm[i]; b[j] = s; }
    const gamma = new Float64Array(pz);
    for (let j = 0; j < pz; j++) { let s = 0; for (let k = 0; k < pz; k++) s += this.mz[j][k] * b[k]; gamma[j] = s; }
    let ss = 0, sy = 0, sa = 0;
    for (let i = 0; i < n; i++) { sa += (sw[i] * arm[i]) ** 2; }
    for (let i = 0; i < n; i++) {
      let v = sw[i] * arm[i];
      for (let j = 0; j < pz; j++) v -= z[j][i] * gamma[j];
      at[i] = v; ss += v * v; sy += v * this.yt[i];
    }
    if (!(ss > 1e-7 * 1e-7 * sa)) return { estimate: NaN, se: NaN, t: NaN };
    const beta = sy / ss;
    for (let i = 0; i < n; i++) et[i] = this.yt[i] - beta * at[i];
    let meat = 0;
    if (se === 'cr1') {
      const u = new Float64Array(this.clusters);
      for (let i = 0; i < n; i++) u[this.ids[i]] += at[i] * et[i];
      for (let g = 0; g < this.clusters; g++) meat += u[g] * u[g];
      meat *= this.c1;
    } else {
      for (let g = 0; g < this.clusters; g++) { const r = this.small[g] ? this.smallCluster(g, ss) : this.largeCluster(g, ss); meat += r * r; }
    }
    const s = Math.sqrt(meat) / ss;
    return { estimate: beta, se: s, t: beta / s };
  }

  /** a~_g' (I - H_gg)^(-1/2) e_g through the n_g x n_g eigenproblem. */
  private smallCluster(g: number, ss: number): number {
    const m = this.members[g], k = m.length, hz = this.hz[g];
    const a = this.scratchA.length >= k * k ? this.scratchA : (this.scratchA = new Float64Array(k * k));
    for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) a[r * k + c] = (r === c ? 1 : 0) - hz[r * k + c] - (this.at[m[r]] * this.at[m[c]]) / ss;
    if (k === 1) { const v = a[0]; return v > 1e-12 ? (this.at[m[0]] * this.et[m[0]]) / Math.sqrt(v) : 0; }
    const vec = this.scratchV.length >= k * k ? this.scratchV : (this.scratchV = new Float64Array(k * k));
    const vals = jacobiFlat(a, k, vec, this.scratchL);
    // sum_l (a~'v_l)(v_l'e) lambda_l^-1/2
    let out = 0;
    for (let l = 0; l < k; l++) {
      const lam = vals[l];
      if (!(lam > 1e-12)) continue;
      let pa = 0, pe = 0;
      for (let r = 0; r < k; r++) { pa += vec[r * k + l] * this.at[m[r]]; pe += vec[r * k + l] * this.et[m[r]]; }
      out += (pa * pe) / Math.sqrt(lam);
    }
    return out;
  }

  /** The same through the p x p matrix S = L'X_g'X_g L, L L' = (X'WX)^-1 for the design [Z, a~] (block diagonal). */
  private largeCluster(g: number, ss: number): number {
    const m = this.members[g], pz = this.pz, P = pz + 1, z = this.z, at = this.at, et = this.et;
    const q = new Float64Array(P * P);
    const xa = new Float64Array(P), xe = new Float64Array(P);
    const qz = this.qz[g];
    for (let a = 0; a < pz; a++) for (let b = 0; b < pz; b++) q[a * P + b] = qz[a][b];
    let aa = 0, ae = 0;
    for (const i of m) {
      for (let a = 0; a < pz; a++) { const v = z[a][i]; q[a * P + pz] += v * at[i]; xa[a] += v * at[i]; xe[a] += v * et[i]; }
      aa += at[i] * at[i]; ae += at[i] * et[i];
    }
    for (let a = 0; a < pz; a++) q[pz * P + a] = q[a * P + pz];
    q[pz * P + pz] = aa; xa[pz] = aa; xe[pz] = ae;
    // L = blockdiag(chol(Mz), 1/sqrt(ss)); S = L' Q L
    const L = new Float64Array(P * P);
    for (let a = 0; a < pz; a++) for (let b = 0; b < pz; b++) L[a * P + b] = this.lz[a][b];
    L[pz * P + pz] = 1 / Math.sqrt(ss);
    const QL = mul(q, L, P), S = mulT(L, QL, P);
    const vec = new Float64Array(P * P);
    const vals = jacobiFlat(S, P, vec);
    // a~'A e = a~'e + (X'a~)' L K L' (X'e), K = V diag(gA) V'
    const la = mulTVec(L, xa, P), le = mulTVec(L, xe, P);
    let corr = 0;
    for (let l = 0; l < P; l++) {
      const lam = vals[l], one = 1 - lam;
      const gA = one <= 1e-12 ? -1 / lam : Math.abs(lam) < 1e-8 ? 0.5 + 0.375 * lam : (1 / Math.sqrt(one) - 1) / lam;
      let pa = 0, pe = 0;
      for (let r = 0; r < P; r++) { pa += vec[r * P + l] * la[r]; pe += vec[r * P + l] * le[r]; }
      corr += gA * pa * pe;
    }
    return ae + corr;
  }
}

function mul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const o = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) { const v = a[i * n + k]; if (v !== 0) for (let j = 0; j < n; j++) o[i * n + j] += v * b[k * n + j]; }
  return o;
}
/** a' b */
function mulT(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const o = new Float64Array(n * n);
  for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) { const v = a[k * n + i]; if (v !== 0) for (let j = 0; j < n; j++) o[i * n + j] += v * b[k * n + j]; }
  return o;
}
/** a' v */
function mulTVec(a: Float64Array, v: Float64Array, n: number): Float64Array {
  const o = new Float64Array(n);
  for (let k = 0; k < n; k++) { const x = v[k]; if (x !== 0) for (let i = 0; i < n; i++) o[i] += a[k * n + i] * x; }
  return o;
}

/** Cyclic Jacobi eigen-decomposition of a small symmetric matrix (row-major, overwritten); eigenvectors as columns of `vec`. */
export function jacobiFlat(a: Float64Array, n: number, vec: Float64Array, vals = new Float64Array(n)): Float64Array {
  vec.fill(0, 0, n * n);
  for (let i = 0; i < n; i++) vec[i * n + i] = 1;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) { const v = (a[i * n + j] + a[j * n + i]) / 2; a[i * n + j] = v; a[j * n + i] = v; }
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, diag = 0;
    for (let i = 0; i < n; i++) { diag += a[i * n + i] ** 2; for (let j = i + 1; j < n; j++) off += a[i * n + j] ** 2; }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) for (let q = p + 1; q < n; q++) {
      const apq = a[p * n + q];
      if (apq === 0) continue;
      const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1), s = t * c;
      for (let k = 0; k < n; k++) { const akp = a[k * n + p], akq = a[k * n + q]; a[k * n + p] = c * akp - s * akq; a[k * n + q] = s * akp + c * akq; }
      for (let k = 0; k < n; k++) { const apk = a[p * n + k], aqk = a[q * n + k]; a[p * n + k] = c * apk - s * aqk; a[q * n + k] = s * apk + c * aqk; }
      for (let k = 0; k < n; k++) { const vkp = vec[k * n + p], vkq = vec[k * n + q]; vec[k * n + p] = c * vkp - s * vkq; vec[k * n + q] = s * vkp + c * vkq; }
    }
  }
  for (let i = 0; i < n; i++) vals[i] = a[i * n + i];
  return vals;
}
