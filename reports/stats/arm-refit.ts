// Refits only the arm's coefficient and its CR1 or CR2 t statistic when a cluster-level arm changes and the other covariates do not (Frisch-Waugh-Lovell), for re-randomisation.
import { weightedLeastSquares, type DesignColumn, type WeightKind } from './weighted-least-squares';
import { clusterIndex } from './variance-types';

export interface ArmStatistic { estimate: number; se: number; t: number }

/** A column of [sw_g, Z_g] whose part outside the earlier columns is at most this fraction of its norm adds no direction. */
const SPAN_TOLERANCE = 1e-12;
/** Eigenvalues of I - H_gg at or below this get power 0, as clubSandwich's matrix_power (and cr2Variance). */
const CR2_ZERO = 1e-12;

/**
 * The fixed covariates Z (intercept, baseline, strata dummies) are projected out once. On the weighted scale
 * (x* = w^(1/2) x), for an arm vector a the residualised arm is a~ = M_Z a*, s = a~'a~, beta = a~'y~ / s
 * and the full model's residuals are e = y~ - beta a~ (Frisch-Waugh-Lovell). The arm row of
 * (X'WX)^-1 X'W is a~'/s, so
 *   CR1: var = c sum_g (a~_g' e_g)^2 / s^2, c = G/(G-1) (N-1)/(N-K) (Stata), as cr1Variance;
 *   CR2: var = sum_g (a~_g' A_g e_g)^2 / s^2, A_g = (I - H_gg)^(-1/2), H_gg = H^Z_gg + a~_g a~_g'/s,
 * as cr2Variance (clubSandwich, identity working model on the weighted scale).
 *
 * The arm is constant within each cluster (clusters are the units of randomisation), so
 * a~_g = a_g sw_g - Z_g gamma lies in the span of [sw_g, Z_g]. Each cluster keeps, from a one-off setup,
 * an orthonormal basis Q_g of that span (q_g columns, at most min(n_g, p + 1)): w_g = Q_g'sw_g,
 * P_g = Q_g'Z_g (only the columns of Z that are non-zero in the cluster, so strata dummies cost nothing in
 * the other strata's clusters), t_g = Q_g'y~_g and B_g = Q_g'H^Z_gg Q_g. A draw then costs
 *   gamma = (Z'WZ)^-1 sum_g a_g Z_g'sw_g,  c_g = Q_g'a~_g = a_g w_g - P_g gamma,  s = sum c_g'c_g,
 *   a~_g'e_g = c_g'(t_g - beta c_g),
 *   a~_g'A_g e_g = c_g'f_g + c_g' G_g f_g with f_g = t_g - beta c_g, G_g = phi(B_g + c_g c_g'/s),
 *   phi(mu) = (1 - mu)^(-1/2) - 1 (or -1 where 1 - mu <= 1e-12),
 * because I - H_gg = (I - Q_g Q_g') + Q_g (I - M_g) Q_g'. phi of a 2 x 2 (the usual case: intercept and
 * baseline span a school's rows) is taken in closed form through its divided difference, which has no
 * cancellation when the eigenvalues are close; larger q_g use Jacobi (on preallocated scratch: a draw allocates
 * only the returned object).
 */
export class ArmRefit {
  readonly rows: number;
  readonly clusters: number;
  /** The cluster label of each cluster index 0..clusters-1 (first appearance in the rows). */
  readonly clusterLabels: string[];
  private readonly ids: Int32Array;
  private readonly pz: number;
  private readonly mz: Float64Array; // (Z'WZ)^-1, pz x pz row-major
  private readonly c1: number;
  // per cluster g: q_g columns in Q_g at qOff[g]..qOff[g+1]; non-zero Z columns nzCols[nzOff[g]..nzOff[g+1]]
  private readonly qOff: Int32Array;
  private readonly nzOff: Int32Array;
  private readonly nzCols: Int32Array;
  private readonly pOff: Int32Array; // P_g (q_g x nnz_g row-major) at pOff[g]
  private readonly bOff: Int32Array; // B_g (q_g x q_g row-major) at bOff[g]
  private readonly pq: Float64Array;
  private readonly bq: Float64Array;
  private readonly c0: Float64Array; // Z_g'sw_g on the non-zero columns, at nzOff[g]
  private readonly swss: Float64Array; // sw_g'sw_g
  private readonly wq: Float64Array; // w_g at qOff[g]
  private readonly tq: Float64Array; // t_g at qOff[g]
  private readonly cq: Float64Array; // c_g of the current draw
  private readonly b: Float64Array;
  private readonly gamma: Float64Array;
  private readonly armOfCluster: Float64Array;
  private readonly scratchM: Float64Array;
  private readonly scratchV: Float64Array;
  private readonly scratchL: Float64Array;

  constructor(fixed: DesignColumn[], y: ArrayLike<number>, weights: ArrayLike<number> | undefined, cluster: ArrayLike<string>, weightKind: WeightKind = 'frequency') {
    const fit = weightedLeastSquares(fixed, y, weights, weightKind);
    const n = y.length;
    this.rows = n;
    const pz = (this.pz = fit.rank);
    const sw = Float64Array.from(fit.weights, Math.sqrt);
    const z = fit.x.map((col) => Float64Array.from(col, (v, i) => v * sw[i]));
    const yt = Float64Array.from(fit.residuals, (e, i) => e * sw[i]);
    this.mz = new Float64Array(pz * pz);
    for (let a = 0; a < pz; a++) for (let c = 0; c < pz; c++) this.mz[a * pz + c] = fit.bread[a][c];
    const { ids, count } = clusterIndex(cluster);
    this.ids = ids; this.clusters = count;
    this.clusterLabels = new Array<string>(count);
    for (let i = 0; i < n; i++) this.clusterLabels[ids[i]] = String(cluster[i]);
    const lists: number[][] = Array.from({ length: count }, () => []);
    for (let i = 0; i < n; i++) lists[ids[i]].push(i);

    const qOff = new Int32Array(count + 1), nzOff = new Int32Array(count + 1), pOff = new Int32Array(count + 1), bOff = new Int32Array(count + 1);
    const nz: number[] = [], pq: number[] = [], bq: number[] = [], c0: number[] = [], wq: number[] = [], tq: number[] = [];
    this.swss = new Float64Array(count);
    let maxQ = 1;
    for (let g = 0; g < count; g++) {
      const m = lists[g], k = m.length;
      const cols: number[] = [];
      for (let j = 0; j < pz; j++) if (m.some((i) => z[j][i] !== 0)) cols.push(j);
      // orthonormal basis of span[sw_g, Z_g] by modified Gram-Schmidt, twice (each column re-orthogonalised)
      const basis: Float64Array[] = [];
      const candidates = [Float64Array.from(m, (i) => sw[i]), ...cols.map((j) => Float64Array.from(m, (i) => z[j][i]))];
      for (const v of candidates) {
        if (basis.length >= k) break;
        const norm0 = Math.sqrt(dot(v, v));
        if (!(norm0 > 0)) continue;
        for (let pass = 0; pass < 2; pass++) for (const u of basis) { const d = dot(u, v); for (let r = 0; r < k; r++) v[r] -= d * u[r]; }
        const rest = Math.sqrt(dot(v, v));
        if (rest <= SPAN_TOLERANCE * norm0) continue;
        for (let r = 0; r < k; r++) v[r] /= rest;
        basis.push(v);
      }
      const q = basis.length;
      maxQ = Math.max(maxQ, q);
      const swg = Float64Array.from(m, (i) => sw[i]), ytg = Float64Array.from(m, (i) => yt[i]);
      this.swss[g] = dot(swg, swg);
      for (const u of basis) { wq.push(dot(u, swg)); tq.push(dot(u, ytg)); }
      const pg: number[] = [];
      for (const u of basis) for (const j of cols) { let s = 0; for (let r = 0; r < k; r++) s += u[r] * z[j][m[r]]; pg.push(s); }
      for (const j of cols) { let s = 0; for (const i of m) s += z[j][i] * sw[i]; c0.push(s); }
      // B_g = P_g Mz P_g' on the non-zero columns
      const nc = cols.length;
      for (let a = 0; a < q; a++) for (let c = 0; c < q; c++) {
        let s = 0;
        for (let i = 0; i < nc; i++) { const pa = pg[a * nc + i]; if (pa === 0) continue; for (let j = 0; j < nc; j++) s += pa * this.mz[cols[i] * pz + cols[j]] * pg[c * nc + j]; }
        bq.push(s);
      }
      nz.push(...cols); pq.push(...pg);
      qOff[g + 1] = qOff[g] + q; nzOff[g + 1] = nzOff[g] + nc; pOff[g + 1] = pOff[g] + q * nc; bOff[g + 1] = bOff[g] + q * q;
    }
    this.qOff = qOff; this.nzOff = nzOff; this.pOff = pOff; this.bOff = bOff;
    this.nzCols = Int32Array.from(nz); this.pq = Float64Array.from(pq); this.bq = Float64Array.from(bq);
    this.c0 = Float64Array.from(c0); this.wq = Float64Array.from(wq); this.tq = Float64Array.from(tq);
    this.cq = new Float64Array(qOff[count]);
    this.b = new Float64Array(pz); this.gamma = new Float64Array(pz);
    this.armOfCluster = new Float64Array(count);
    this.scratchM = new Float64Array(maxQ * maxQ); this.scratchV = new Float64Array(maxQ * maxQ); this.scratchL = new Float64Array(maxQ);
    const N = fit.n, K = pz + 1;
    this.c1 = (count / (count - 1)) * ((N - 1) / (N - K));
  }

  /** The arm's coefficient, SE and t for an arm given per row; it must be constant within each cluster. */
  statistic(arm: ArrayLike<number>, se: 'cr1' | 'cr2'): ArmStatistic {
    const byCluster = this.armOfCluster;
    byCluster.fill(NaN);
    for (let i = 0; i < this.rows; i++) {
      const g = this.ids[i], v = arm[i];
      if (Number.isNaN(byCluster[g])) byCluster[g] = v;
      else if (byCluster[g] !== v) throw new Error(`ArmRefit: the arm varies within cluster "${this.clusterLabels[g]}"`);
    }
    return this.statisticByCluster(byCluster, se);
  }

  /** The same for the arm of each cluster index (see clusterLabels). Returns NaNs when the arm is collinear with Z. */
  statisticByCluster(arm: ArrayLike<number>, se: 'cr1' | 'cr2'): ArmStatistic {
    const G = this.clusters, pz = this.pz, b = this.b, gamma = this.gamma, mz = this.mz;
    const qOff = this.qOff, nzOff = this.nzOff, nzCols = this.nzCols, pOff = this.pOff, pq = this.pq, c0 = this.c0, wq = this.wq, tq = this.tq, cq = this.cq;
    b.fill(0);
    let sa = 0;
    for (let g = 0; g < G; g++) {
      const a = arm[g];
      if (a === 0) continue;
      sa += a * a * this.swss[g];
      for (let k = nzOff[g], e = nzOff[g + 1]; k < e; k++) b[nzCols[k]] += a * c0[k];
    }
    for (let j = 0; j < pz; j++) { let s = 0; for (let k = 0; k < pz; k++) s += mz[j * pz + k] * b[k]; gamma[j] = s; }
    let ss = 0, sy = 0;
    for (let g = 0; g < G; g++) {
      const a = arm[g], q0 = qOff[g], q = qOff[g + 1] - q0, n0 = nzOff[g], nc = nzOff[g + 1] - n0;
      let p = pOff[g];
      if (q === 2) { // the usual case, in one pass over the columns
        let v0 = a * wq[q0], v1 = a * wq[q0 + 1];
        for (let j = 0; j < nc; j++) { const gj = gamma[nzCols[n0 + j]]; v0 -= pq[p + j] * gj; v1 -= pq[p + nc + j] * gj; }
        cq[q0] = v0; cq[q0 + 1] = v1; ss += v0 * v0 + v1 * v1; sy += v0 * tq[q0] + v1 * tq[q0 + 1];
        continue;
      }
      for (let k = q0; k < q0 + q; k++) {
        let v = a * wq[k];
        for (let j = 0; j < nc; j++) v -= pq[p++] * gamma[nzCols[n0 + j]];
        cq[k] = v; ss += v * v; sy += v * tq[k];
      }
    }
    if (!(ss > 1e-7 * 1e-7 * sa)) return { estimate: NaN, se: NaN, t: NaN };
    const beta = sy / ss;
    let meat = 0;
    if (se === 'cr1') {
      for (let g = 0; g < G; g++) {
        const q0 = qOff[g], q1 = qOff[g + 1];
        let u = cq[q0] * (tq[q0] - beta * cq[q0]);
        for (let k = q0 + 1; k < q1; k++) u += cq[k] * (tq[k] - beta * cq[k]);
        meat += u * u;
      }
      meat *= this.c1;
    } else {
      const invSs = 1 / ss;
      for (let g = 0; g < G; g++) { const u = this.cr2Score(g, beta, ss, invSs); meat += u * u; }
    }
    const s = Math.sqrt(meat) / ss;
    return { estimate: beta, se: s, t: beta / s };
  }

  /** a~_g' (I - H_gg)^(-1/2) e_g in the cluster's q-dimensional basis. */
  private cr2Score(g: number, beta: number, ss: number, invSs: number): number {
    const k0 = this.qOff[g], q = this.qOff[g + 1] - k0, cq = this.cq, tq = this.tq, bq = this.bq, b0 = this.bOff[g];
    if (q === 1) {
      const c = cq[k0], one = 1 - (bq[b0] + (c * c) / ss);
      return one > CR2_ZERO ? (c * (tq[k0] - beta * c)) / Math.sqrt(one) : 0;
    }
    if (q === 2) {
      const c0 = cq[k0], c1 = cq[k0 + 1], f0 = tq[k0] - beta * c0, f1 = tq[k0 + 1] - beta * c1;
      const m00 = bq[b0] + c0 * c0 * invSs, m01 = bq[b0 + 1] + c0 * c1 * invSs, m11 = bq[b0 + 3] + c1 * c1 * invSs;
      const hd = 0.5 * (m00 - m11), h = Math.sqrt(hd * hd + m01 * m01), mean = 0.5 * (m00 + m11);
      const s1 = 1 - (mean + h), s2 = 1 - (mean - h); // 1 - mu1 <= 1 - mu2
      // M - mu2 I = [[hd + h, m01], [m01, h - hd]], each diagonal entry without cancellation
      const d0 = hd >= 0 ? hd + h : (m01 * m01) / (h - hd), d1 = hd >= 0 ? (m01 * m01) / (h + hd) : h - hd;
      const cf = c0 * f0 + c1 * f1, cmf = c0 * (d0 * f0 + m01 * f1) + c1 * (m01 * f0 + d1 * f1);
      if (s1 > CR2_ZERO) {
        // G = phi(mu2) I + dd (M - mu2 I), dd = (phi(mu1) - phi(mu2)) / (mu1 - mu2) = x1^2 x2^2 / (x1 + x2), x = (1 - mu)^(-1/2)
        const r1 = Math.sqrt(s1), r2 = Math.sqrt(s2), t = 1 / (r1 * r2), x1 = r2 * t, x2 = r1 * t;
        return x2 * cf + ((t * t) / (x1 + x2)) * cmf;
      }
      const phi1 = -1, phi2 = s2 > CR2_ZERO ? 1 / Math.sqrt(s2) - 1 : -1;
      const dd = h > 0 ? (phi1 - phi2) / (2 * h) : 0;
      return cf + phi2 * cf + dd * cmf;
    }
    const M = this.scratchM, V = this.scratchV;
    for (let r = 0; r < q; r++) for (let c = 0; c < q; c++) M[r * q + c] = bq[b0 + r * q + c] + (cq[k0 + r] * cq[k0 + c]) / ss;
    const vals = jacobiFlat(M, q, V, this.scratchL);
    let out = 0;
    for (let r = 0; r < q; r++) out += cq[k0 + r] * (tq[k0 + r] - beta * cq[k0 + r]);
    for (let l = 0; l < q; l++) {
      const one = 1 - vals[l], phi = one > CR2_ZERO ? 1 / Math.sqrt(one) - 1 : -1;
      let pc = 0, pf = 0;
      for (let r = 0; r < q; r++) { const v = V[r * q + l], c = cq[k0 + r]; pc += v * c; pf += v * (tq[k0 + r] - beta * c); }
      out += phi * pc * pf;
    }
    return out;
  }
}

function dot(a: Float64Array, b: Float64Array): number { let s = 0; for (let i = 0; i < a.length; i++) s += a[i] * b[i]; return s; }

/** Cyclic Jacobi eigen-decomposition of a small symmetric matrix (row-major, overwritten); eigenvectors as columns of `vec`. */
export function jacobiFlat(a: Float64Array, n: number, vec: Float64Array, vals: Float64Array = new Float64Array(n)): Float64Array {
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
