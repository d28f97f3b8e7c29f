// Weighted ordinary least squares by Householder QR, dropping aliased (collinear) columns the way R's lm() does.
import { zeros, type Matrix } from './matrix';

/**
 * Weights as Stata distinguishes them:
 * - `frequency` (`[fw=]`): each row stands for w identical observations; N = sum of weights
 *   (equivalent to fitting the expanded, e.g. pupil-level, data).
 * - `analytic` (`[aw=]`): weights inversely proportional to variance; N = number of rows.
 */
export type WeightKind = 'frequency' | 'analytic';

export interface DesignColumn { name: string; values: ArrayLike<number> }

export interface LeastSquaresFit {
  /** Names of the estimated coefficients, in design order, after dropping aliased columns. */
  names: string[];
  /** Columns dropped because they are linear combinations of earlier columns. */
  dropped: string[];
  coefficients: number[];
  /** (X'WX)^-1 with the raw weights, for the kept columns: the "bread" of every sandwich. */
  bread: Matrix;
  /** Kept design columns (same order as names). */
  x: Float64Array[];
  y: Float64Array;
  residuals: Float64Array;
  /** Raw weights (all 1 when unweighted). */
  weights: Float64Array;
  weighted: boolean;
  weightKind: WeightKind;
  /** Rows used. */
  rows: number;
  /** N in the small-sample factors: sum of weights for frequency weights, else the number of rows. */
  n: number;
  /** K: number of estimated coefficients (the rank). */
  rank: number;
}

/** Relative tolerance for declaring a column aliased: R's lm() (LINPACK dqrdc2) uses 1e-7. */
export const ALIAS_TOLERANCE = 1e-7;

/**
 * Weighted least squares (Gauss-Markov / WLS) estimate beta = (X'WX)^-1 X'Wy.
 *
 * Computed by Householder QR of W^(1/2) X (Golub & Van Loan, Matrix Computations, 5.2) which never
 * forms X'WX, so large or offset covariates do not lose precision. Columns are taken in the given
 * order; a column whose remaining norm after projecting out the earlier kept columns is below
 * 1e-7 of its own norm is aliased and dropped, as R's lm() reports NA for it
 * (reference: R documentation ?qr, "LINPACK dqrdc2"; https://stat.ethz.ch/R-manual/R-devel/library/base/html/qr.html).
 */
export function weightedLeastSquares(columns: DesignColumn[], y: ArrayLike<number>, weights?: ArrayLike<number>, weightKind: WeightKind = 'frequency'): LeastSquaresFit {
  const rows = y.length;
  const w = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const wi = weights ? weights[i] : 1;
    if (!(wi > 0) || !Number.isFinite(wi)) throw new Error(`weightedLeastSquares: weight in row ${i + 1} must be a positive number`);
    w[i] = wi;
  }
  const sw = w.map(Math.sqrt);
  const reflections: Float64Array[] = [];
  const betasHouse: number[] = [];
  const rCols: number[][] = [];
  const kept: number[] = [];
  const dropped: string[] = [];

  const applyReflections = (v: Float64Array) => {
    for (let k = 0; k < reflections.length; k++) {
      const u = reflections[k];
      let dot = 0;
      for (let i = k; i < rows; i++) dot += u[i - k] * v[i];
      const f = betasHouse[k] * dot;
      if (f !== 0) for (let i = k; i < rows; i++) v[i] -= f * u[i - k];
    }
  };

  columns.forEach((col, c) => {
    if (col.values.length !== rows) throw new Error(`weightedLeastSquares: column ${col.name} has ${col.values.length} values, expected ${rows}`);
    const v = new Float64Array(rows);
    let orig = 0;
    for (let i = 0; i < rows; i++) { v[i] = sw[i] * col.values[i]; orig += v[i] * v[i]; }
    orig = Math.sqrt(orig);
    applyReflections(v);
    const k = reflections.length;
    let rest = 0;
    for (let i = k; i < rows; i++) rest += v[i] * v[i];
    rest = Math.sqrt(rest);
    if (k >= rows || orig === 0 || rest <= ALIAS_TOLERANCE * orig) { dropped.push(col.name); return; }
    const alpha = v[k] > 0 ? -rest : rest;
    const u = new Float64Array(rows - k);
    for (let i = k; i < rows; i++) u[i - k] = v[i];
    u[0] -= alpha;
    let uu = 0;
    for (let i = 0; i < u.length; i++) uu += u[i] * u[i];
    reflections.push(u);
    betasHouse.push(uu === 0 ? 0 : 2 / uu);
    const rc = new Array<number>(k + 1);
    for (let i = 0; i < k; i++) rc[i] = v[i];
    rc[k] = alpha;
    rCols.push(rc);
    kept.push(c);
  });

  const p = kept.length;
  // R (p x p upper triangular), R[i][j] = rCols[j][i]
  const r = zeros(p, p);
  for (let j = 0; j < p; j++) for (let i = 0; i <= j; i++) r[i][j] = rCols[j][i];
  const qty = new Float64Array(rows);
  for (let i = 0; i < rows; i++) qty[i] = sw[i] * y[i];
  applyReflections(qty);
  const beta = new Array<number>(p).fill(0);
  for (let i = p - 1; i >= 0; i--) {
    let s = qty[i];
    for (let j = i + 1; j < p; j++) s -= r[i][j] * beta[j];
    beta[i] = s / r[i][i];
  }
  // R^-1 by back substitution, then bread = R^-1 R^-T
  const rinv = zeros(p, p);
  for (let j = 0; j < p; j++) {
    rinv[j][j] = 1 / r[j][j];
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let k = i + 1; k <= j; k++) s += r[i][k] * rinv[k][j];
      rinv[i][j] = -s / r[i][i];
    }
  }
  const bread = zeros(p, p);
  for (let i = 0; i < p; i++) for (let j = i; j < p; j++) {
    let s = 0;
    for (let k = j; k < p; k++) s += rinv[i][k] * rinv[j][k];
    bread[i][j] = s; bread[j][i] = s;
  }
  const x = kept.map((c) => Float64Array.from(columns[c].values));
  const yy = Float64Array.from(y);
  const residuals = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let f = 0;
    for (let j = 0; j < p; j++) f += x[j][i] * beta[j];
    residuals[i] = yy[i] - f;
  }
  let sumW = 0;
  for (let i = 0; i < rows; i++) sumW += w[i];
  return {
    names: kept.map((c) => columns[c].name), dropped, coefficients: beta, bread, x, y: yy, residuals,
    weights: w, weighted: Boolean(weights), weightKind, rows,
    n: weights && weightKind === 'frequency' ? sumW : rows, rank: p,
  };
}
