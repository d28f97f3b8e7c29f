// One-dimensional minimisation on an interval by Brent's method (golden section with parabolic steps), as R's optimize().

/**
 * Brent (1973), "Algorithms for Minimization without Derivatives", ch. 5 (localmin), the algorithm of
 * R's `optimize()` (src/library/stats/src/optimize.c, Brent_fmin). Returns the minimiser found to
 * within about `tol` and its value.
 */
export function brentMinimum(f: (x: number) => number, lower: number, upper: number, tol = 1e-10): { x: number; value: number } {
  const c = (3 - Math.sqrt(5)) * 0.5;
  const eps = Math.sqrt(Number.EPSILON);
  let a = lower, b = upper;
  let v = a + c * (b - a), w = v, x = v;
  let d = 0, e = 0;
  let fx = f(x), fv = fx, fw = fx;
  const tol3 = tol / 3;
  for (let iter = 0; iter < 500; iter++) {
    const xm = (a + b) * 0.5;
    const tol1 = eps * Math.abs(x) + tol3, t2 = tol1 * 2;
    if (Math.abs(x - xm) <= t2 - (b - a) * 0.5) break;
    let p = 0, q = 0, r = 0;
    if (Math.abs(e) > tol1) {
      r = (x - w) * (fx - fv);
      q = (x - v) * (fx - fw);
      p = (x - v) * q - (x - w) * r;
      q = (q - r) * 2;
      if (q > 0) p = -p; else q = -q;
      r = e; e = d;
    }
    if (Math.abs(p) >= Math.abs(q * 0.5 * r) || p <= q * (a - x) || p >= q * (b - x)) {
      e = x < xm ? b - x : a - x;
      d = c * e;
    } else {
      d = p / q;
      const u = x + d;
      if (u - a < t2 || b - u < t2) d = x < xm ? tol1 : -tol1;
    }
    const u = Math.abs(d) >= tol1 ? x + d : d > 0 ? x + tol1 : x - tol1;
    const fu = f(u);
    if (fu <= fx) {
      if (u < x) b = x; else a = x;
      v = w; w = x; x = u;
      fv = fw; fw = fx; fx = fu;
    } else {
      if (u < x) a = u; else b = u;
      if (fu <= fw || w === x) { v = w; fv = fw; w = u; fw = fu; }
      else if (fu <= fv || v === x || v === w) { v = u; fv = fu; }
    }
  }
  return { x, value: fx };
}

const FINE_GRID = [0, 1e-4, 1e-3, 0.01, 0.03, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30, 100, 1000];
const COARSE_GRID = [0, 0.01, 0.1, 0.3, 1, 3, 10, 100, 1000];

/** Minimises f over [0, ∞) on a log-spaced grid (coarse: 9 points), then by Brent between the best grid point's neighbours. */
export function minimiseNonNegative(f: (x: number) => number, tol = 1e-10, coarse = false): { x: number; value: number } {
  const grid = coarse ? COARSE_GRID : FINE_GRID;
  const values = grid.map(f);
  let k = 0;
  for (let i = 1; i < grid.length; i++) if (values[i] < values[k]) k = i;
  const lo = grid[Math.max(0, k - 1)], hi = grid[Math.min(grid.length - 1, k + 1)];
  const best = brentMinimum(f, lo, hi, tol);
  return best.value <= values[k] ? best : { x: grid[k], value: values[k] };
}
