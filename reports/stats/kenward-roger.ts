// Kenward–Roger adjusted covariance of the fixed effects and denominator df of a REML random-intercept fit, as pbkrtest::vcovAdj and pbkrtest::Lb_ddf (lmerTest's ddf = "Kenward-Roger").
import { fromEigen, multiply, symmetricEigen, type Matrix } from './matrix';
import type { MixedModelFit } from './mixed-model';

export interface KenwardRoger {
  /** The adjusted covariance Phi_A = Phi + 2 Phi U Phi (pbkrtest::vcovAdj). */
  vcov: Matrix;
  /** sqrt of its diagonal: the Kenward–Roger standard errors. */
  se: number[];
  /** Kenward–Roger denominator df of each coefficient's t test (pbkrtest::Lb_ddf with L = e_k, V0 = vcov(fit)). */
  df: number[];
  /** Smallest |eigenvalue| of the expected information of the variance parameters (pbkrtest's attr "condi"). */
  condition: number;
}

/**
 * Kenward & Roger (1997), Biometrics 53(3), as coded in pbkrtest 0.5 (vcovAdj_internal and Lb_ddf), for
 * Sigma = sum_r gamma_r G_r with G = (Z_1 Z_1', [Z_2 Z_2',] I) and gamma the variance components:
 *   P_r = -X' Sigma^-1 G_r Sigma^-1 X,  Q_rs = X' Sigma^-1 G_r Sigma^-1 G_s Sigma^-1 X,
 *   K_rs = tr(G_r Sigma^-1 G_s Sigma^-1),  I_rs = K_rs - 2 tr(Phi Q_rs) + tr(Phi P_r Phi P_s),
 *   W = 2 I^-1,  U = sum_rs W_rs (Q_rs - P_r Phi P_s),  Phi_A = Phi + 2 Phi U Phi,
 * and for a single coefficient (q = 1) the df of Lb_ddf. Sigma^-1 = V~^-1 / sigma^2, and V~^-1 has the nested
 * Woodbury form W~ = B - sum_l d_l w_l w_l' (B block diagonal by school with blocks I - c_g 11', w_l = B 1_l),
 * so every Z_r' W~ X, Z_r' W~ Z_s and trace above is a closed form in the per-school sums n_g and X_g'1:
 * no N x N matrix is formed. Defined for REML fits only (pbkrtest refits ML fits by REML; we refuse them).
 */
export function kenwardRoger(fit: MixedModelFit): KenwardRoger {
  if (!fit.reml) throw new Error('kenwardRoger: Kenward-Roger is defined for REML fits');
  const d = fit.design, p = d.p, G = d.groups;
  const twoLevels = fit.theta.length > 1;
  const t1 = fit.theta[0] ** 2, t2 = twoLevels ? fit.theta[1] ** 2 : 0;
  const s2 = fit.sigma ** 2;
  const Phi = fit.vcov;
  // outer groups: with one level every school is its own "outer group" with d = 0
  const L = twoLevels ? d.outerCount : G;
  const size = d.size, sx = d.sx, outerIdx = d.outer;
  const outer = twoLevels ? outerIdx : Int32Array.from({ length: G }, (_, g) => g);
  const f = new Float64Array(G), a = new Float64Array(G);
  const tau = new Float64Array(L), sl = new Float64Array(L), ox = new Float64Array(L * p);
  for (let g = 0; g < G; g++) {
    const n = size[g], fg = 1 / (1 + n * t1), l = outer[g];
    f[g] = fg; a[g] = n * fg;
    tau[l] += n * fg; sl[l] += n * fg * fg;
    for (let k = 0; k < p; k++) ox[l * p + k] += fg * sx[g * p + k];
  }
  const dl = new Float64Array(L), el = new Float64Array(L);
  for (let l = 0; l < L; l++) { dl[l] = twoLevels ? t2 / (1 + t2 * tau[l]) : 0; el[l] = 1 - dl[l] * tau[l]; }

  // Flat p x p accumulators (row-major). With U = W~ X: m_g = (Z_1' U)_g = (Z_1' W~ X)_g; ou_l = sum_g f_g m_g;
  // am_l = sum_g a_g m_g; (Z_1' W~ U)_g = f_g m_g - d_l a_g ou_l.
  const pp = p * p;
  const UtU = Float64Array.from(d.xtx), UtWU = new Float64Array(pp), P1 = new Float64Array(pp), Q11 = new Float64Array(pp), Q13 = new Float64Array(pp);
  const m = new Float64Array(G * p), ou = new Float64Array(L * p), am = new Float64Array(L * p), h = new Float64Array(p), mu = new Float64Array(p);
  const R = twoLevels ? 3 : 2; // parameters: inner level, [outer level,] residual
  const res = R - 1;
  const K: number[][] = Array.from({ length: R }, () => new Array<number>(R).fill(0));
  const sa2 = new Float64Array(L), sa3 = new Float64Array(L), s33 = new Float64Array(L), sf3 = new Float64Array(L);
  let k0res = 0, k01 = 0;
  for (let g = 0; g < G; g++) {
    const l = outer[g], n = size[g], fg = f[g], ag = a[g], cg = t1 * fg, dg = dl[l], o = g * p, ol = l * p;
    for (let k = 0; k < p; k++) {
      const mk = fg * sx[o + k] - dg * ag * ox[ol + k];
      m[o + k] = mk;
      ou[ol + k] += fg * mk;
      am[ol + k] += ag * mk;
      h[k] = cg * sx[o + k] + dg * fg * ox[ol + k]; // U's rows are x_i - h_g
    }
    for (let i = 0; i < p; i++) {
      const si = sx[o + i], hi = h[i], mi = m[o + i];
      for (let j = 0; j < p; j++) {
        const mm = mi * m[o + j];
        UtU[i * p + j] += n * hi * h[j] - si * h[j] - hi * sx[o + j];
        P1[i * p + j] += mm;
        Q11[i * p + j] += ag * mm;
        UtWU[i * p + j] -= cg * mm;
      }
    }
    sa2[l] += ag * ag; sa3[l] += ag * ag * ag; sf3[l] += n * fg * fg * fg;
    s33[l] += n - 2 * cg * n + cg * cg * n * n;
    k0res += fg * fg * n - 2 * dg * n * n * fg * fg * fg + dg * dg * n * n * fg * fg * sl[l];
    k01 += ag * ag * el[l] * el[l];
  }
  for (let g = 0; g < G; g++) {
    const l = outer[g], fg = f[g], ag = a[g], dg = dl[l], o = g * p, ol = l * p;
    for (let k = 0; k < p; k++) mu[k] = fg * m[o + k] - dg * ag * ou[ol + k];
    for (let i = 0; i < p; i++) { const mi = m[o + i]; for (let j = 0; j < p; j++) Q13[i * p + j] += mi * mu[j]; }
  }
  // U'W~U = U'U - sum_g c_g m_g m_g' (done above) - sum_l d_l ou_l ou_l'
  for (let i = 0; i < pp; i++) UtWU[i] += UtU[i];
  for (let l = 0; l < L; l++) {
    const dg = dl[l], ol = l * p;
    if (dg !== 0) for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) { UtWU[i * p + j] -= dg * ou[ol + i] * ou[ol + j]; Q11[i * p + j] -= dg * am[ol + i] * am[ol + j]; }
    K[0][0] += sa2[l] - 2 * dg * sa3[l] + dg * dg * sa2[l] * sa2[l];
    K[res][res] += s33[l] - 2 * dg * sf3[l] + dg * dg * sl[l] * sl[l];
    if (twoLevels) { K[1][1] += tau[l] * tau[l] * el[l] * el[l]; K[1][res] += el[l] * el[l] * sl[l]; }
  }
  K[0][res] = k0res;
  if (twoLevels) K[0][1] = k01;
  const asMatrix = (x: Float64Array): Matrix => Array.from({ length: p }, (_, i) => Array.from(x.subarray(i * p, (i + 1) * p)));
  const P: Matrix[] = [asMatrix(P1)], Q = new Map<string, Matrix>();
  const key = (r: number, s: number) => `${r},${s}`;
  Q.set(key(0, 0), asMatrix(Q11)); Q.set(key(0, res), asMatrix(Q13));
  if (twoLevels) {
    // M_l = (Z_2' W~ X)_l = e_l ox_l; (Z_2' W~ U)_l = e_l ou_l; Z_1'W~Z_2 has a_g e_l at (g, l(g)); Z_2'W~Z_2 = diag(tau_l e_l)
    const P2 = new Float64Array(pp), Q12 = new Float64Array(pp), Q22 = new Float64Array(pp), Q23 = new Float64Array(pp);
    for (let l = 0; l < L; l++) {
      const e = el[l], ol = l * p;
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) {
        const MiMj = e * e * ox[ol + i] * ox[ol + j];
        P2[i * p + j] += MiMj;
        Q12[i * p + j] += e * am[ol + i] * e * ox[ol + j];
        Q22[i * p + j] += tau[l] * e * MiMj;
        Q23[i * p + j] += e * ox[ol + i] * e * ou[ol + j];
      }
    }
    P.push(asMatrix(P2));
    Q.set(key(0, 1), asMatrix(Q12)); Q.set(key(1, 1), asMatrix(Q22)); Q.set(key(1, res), asMatrix(Q23));
  }
  P.push(asMatrix(UtU));
  Q.set(key(res, res), asMatrix(UtWU));
  const s4 = s2 * s2, s6 = s4 * s2;
  const Ps = P.map((x) => x.map((row) => row.map((v) => -v / s4)));
  const Qs = new Map([...Q].map(([k, x]) => [k, x.map((row) => row.map((v) => v / s6))] as const));
  for (let r = 0; r < R; r++) for (let s = r; s < R; s++) { K[r][s] /= s4; K[s][r] = K[r][s]; }

  // information of the variance parameters and W = 2 I^-1 (pbkrtest: generalised inverse when near singular)
  const PhiP = Ps.map((x) => multiply(Phi, x));
  const IE2: Matrix = Array.from({ length: R }, () => new Array<number>(R).fill(0));
  for (let r = 0; r < R; r++) for (let s = r; s < R; s++) {
    const q = Qs.get(key(r, s))!;
    let trPhiQ = 0, trPP = 0;
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) { trPhiQ += Phi[i][j] * q[i][j]; trPP += PhiP[r][i][j] * PhiP[s][j][i]; }
    IE2[r][s] = IE2[s][r] = K[r][s] - 2 * trPhiQ + trPP;
  }
  const eig = symmetricEigen(IE2);
  const condition = Math.min(...eig.values.map(Math.abs));
  const maxAbs = Math.max(...eig.values.map(Math.abs));
  const tol = condition > 1e-10 ? 0 : Math.sqrt(Number.EPSILON) * maxAbs; // MASS::ginv's tolerance
  const W = fromEigen(eig.vectors, eig.values.map((v) => (Math.abs(v) > tol ? 2 / v : 0)));

  const U: Matrix = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const addTerm = (w: number, r: number, s: number) => {
    const q = Qs.get(key(r, s))!, pps = multiply(multiply(Ps[r], Phi), Ps[s]);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) U[i][j] += w * (q[i][j] - pps[i][j]);
  };
  for (let r = 0; r < R - 1; r++) for (let s = r + 1; s < R; s++) addTerm(W[r][s], r, s);
  for (let i = 0; i < p; i++) for (let j = i; j < p; j++) { const v = U[i][j] + U[j][i]; U[i][j] = v; U[j][i] = v; }
  for (let r = 0; r < R; r++) addTerm(W[r][r], r, r);
  const PUP = multiply(multiply(Phi, U), Phi);
  const vcov = Phi.map((row, i) => row.map((v, j) => v + 2 * PUP[i][j]));
  const se = vcov.map((row, i) => Math.sqrt(row[i]));
  const df = Phi.map((_, k) => lbDdf(k, Phi, Ps, W));
  return { vcov, se, df, condition };
}

/** pbkrtest::Lb_ddf for L = e_k (q = 1), term by term as pbkrtest computes it. */
function lbDdf(k: number, V0: Matrix, P: Matrix[], W: Matrix): number {
  const p = V0.length, R = P.length;
  // Theta V0 = e_k V0[k,] / V0[k,k], so u_r = Theta V0 P_r V0 has one non-zero row, k: (V0[k,] P_r V0) / V0[k,k]
  const rowK = V0[k];
  const u = P.map((Pr) => {
    const vp = new Array<number>(p).fill(0);
    for (let j = 0; j < p; j++) { let s = 0; for (let i = 0; i < p; i++) s += rowK[i] * Pr[i][j]; vp[j] = s; }
    const out = new Array<number>(p).fill(0);
    for (let j = 0; j < p; j++) { let s = 0; for (let i = 0; i < p; i++) s += vp[i] * V0[i][j]; out[j] = s / rowK[k]; }
    return out;
  });
  let A1 = 0, A2 = 0;
  for (let i = 0; i < R; i++) for (let j = i; j < R; j++) {
    const e = i === j ? 1 : 2;
    const spurI = u[i][k], spurJ = u[j][k];
    A1 += e * W[i][j] * spurI * spurJ;
    A2 += e * W[i][j] * u[i][k] * u[j][k]; // sum(u_i * t(u_j)): only the (k, k) entries meet
  }
  const q = 1;
  const B = (1 / (2 * q)) * (A1 + 6 * A2);
  const g = ((q + 1) * A1 - (q + 4) * A2) / ((q + 2) * A2);
  const c1 = g / (3 * q + 2 * (1 - g)), c2 = (q - g) / (3 * q + 2 * (1 - g)), c3 = (q + 2 - g) / (3 * q + 2 * (1 - g));
  let v0 = 1 + c1 * B;
  const v1 = 1 - c2 * B, v2 = 1 - c3 * B;
  if (Math.abs(v0) < 1e-10) v0 = 0;
  const x = 1 - A2 / q;
  const ratio = Math.abs(x) < 1e-14 && Math.abs(v1) < 1e-14 ? 1 : x / v1;
  const rho = (1 / q) * ratio ** 2 * v0 / v2;
  return 4 + (q + 2) / (q * rho - 1);
}
