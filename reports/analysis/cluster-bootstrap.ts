// Cluster bootstrap of the ITT estimate: whole clusters resampled with replacement within strata, percentile and BCa intervals.
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { ValidationError } from '../../shared/errors';
import { cholesky } from '../stats/matrix';
import { fitPreparedItt, ittDesign, prepareItt } from './itt';
import { sortedLevels } from './prepare-data';
import type { DataRow, IttOptions, IttResult } from './types';

export interface BootstrapSettings {
  draws: number;
  /** Uniform (0, 1) draws, e.g. R's Mersenne Twister after set.seed(seed) (the caller's, so R re-derives the resamples). */
  uniform: () => number;
  /** How the caller seeded `uniform`, for the method note (e.g. "set.seed(7)"). */
  seedNote: string;
  level?: number;
}

export interface BootstrapResult {
  draws: number;
  percentile: [number, number];
  bca: [number, number] | null;
  bias_correction_z0: number | null;
  acceleration: number;
  /** Resamples where the model could not be fitted (e.g. the arm constant within the resample), left out. */
  failed: number;
  method: string;
}

/**
 * Case resampling of clusters within strata (Field & Welsh 2007, "Bootstrapping clustered data", JRSS B 69(3);
 * Davison & Hinkley 1997 section 3.8): in each resample every stratum (strata in code-point order) draws as many
 * of its clusters (in canonical id order: numeric when every id is a whole number) with replacement as it has, by
 * index floor(m u) for each uniform u in turn, and the ITT model is refitted on all their rows.
 * - percentile: the (1 - level)/2 and (1 + level)/2 quantiles of the resampled estimates (R quantile(type = 7));
 * - BCa (Efron 1987): z0 = qnorm(share of resampled estimates below the estimate, ties within 1e-9 counting half), acceleration a from the
 *   leave-one-cluster-out jackknife, a = sum(d^3) / (6 sum(d^2)^1.5) with d = mean - theta_(g); the quantiles at
 *   pnorm(z0 + (z0 + z)/(1 - a (z0 + z))), z = qnorm of each end.
 * Each refit uses per-cluster sums X_g'W_g X_g and X_g'W_g y_g, so a resample costs O(G p^2).
 */
export function clusterBootstrap(rows: DataRow[], opts: IttOptions, settings: BootstrapSettings): { itt: IttResult; bootstrap: BootstrapResult } {
  if (!Number.isInteger(settings.draws) || settings.draws < 2) throw new ValidationError('The number of bootstrap resamples must be a whole number of at least 2.');
  const prep = prepareItt(rows, opts);
  const itt = fitPreparedItt(prep, opts);
  const keep = prep.outcome.flatMap((v, i) => (v === undefined ? [] : [i]));
  const { columns } = ittDesign(prep, keep, opts);
  const kept = columns.filter((c) => !itt.dropped_columns.includes(c.name));
  const p = kept.length, armIndex = p - 1;
  const y = keep.map((i) => prep.outcome[i]!);
  const w = keep.map((i) => (prep.weight ? prep.weight[i] : 1));
  // clusters: sums of x x' w and x y w
  const clusterOf = new Map<string, number>();
  const xtx: Float64Array[] = [], xty: Float64Array[] = [], strataOf: string[] = [], ids: string[] = [];
  keep.forEach((i, r) => {
    const c = prep.cluster[i];
    let g = clusterOf.get(c);
    if (g === undefined) {
      g = ids.length; clusterOf.set(c, g); ids.push(c);
      xtx.push(new Float64Array(p * p)); xty.push(new Float64Array(p));
      strataOf.push(prep.strata.length ? prep.strata.map((s) => s.values[i]).join(' / ') : 'all');
    } else {
      const st = prep.strata.length ? prep.strata.map((s) => s.values[i]).join(' / ') : 'all';
      if (st !== strataOf[g]) throw new ValidationError(`Cluster "${c}" has rows in strata "${strataOf[g]}" and "${st}"; the bootstrap resamples clusters within strata.`);
    }
    const a = xtx[g], b = xty[g];
    for (let j = 0; j < p; j++) {
      const xj = kept[j].values[r] * w[r];
      b[j] += xj * y[r];
      for (let k = 0; k < p; k++) a[j * p + k] += xj * kept[k].values[r];
    }
  });
  const G = ids.length;
  const numeric = ids.every((id) => /^-?\d{1,15}$/.test(id));
  const strata = [...new Set(strataOf)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const members = strata.map((s) => ids.flatMap((id, g) => (strataOf[g] === s ? [g] : [])).sort((a, b) => (numeric ? Number(ids[a]) - Number(ids[b]) : ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0)));
  const A = new Float64Array(p * p), B = new Float64Array(p);
  const solveArm = (): number => {
    const m = Array.from({ length: p }, (_, j) => Array.from(A.subarray(j * p, j * p + p)));
    let L;
    try { L = cholesky(m); } catch { return NaN; }
    for (let j = 0; j < p; j++) if (!(L[j][j] > 1e-7 * Math.sqrt(Math.abs(m[j][j])))) return NaN;
    const z = new Array<number>(p);
    for (let j = 0; j < p; j++) { let v = B[j]; for (let k = 0; k < j; k++) v -= L[j][k] * z[k]; z[j] = v / L[j][j]; }
    const beta = new Array<number>(p);
    for (let j = p - 1; j >= 0; j--) { let v = z[j]; for (let k = j + 1; k < p; k++) v -= L[k][j] * beta[k]; beta[j] = v / L[j][j]; }
    return beta[armIndex];
  };
  const add = (g: number, sign: number) => { const a = xtx[g], b = xty[g]; for (let k = 0; k < p * p; k++) A[k] += sign * a[k]; for (let k = 0; k < p; k++) B[k] += sign * b[k]; };
  const estimates: number[] = [];
  let failed = 0;
  for (let b = 0; b < settings.draws; b++) {
    A.fill(0); B.fill(0);
    for (const m of members) for (let k = 0; k < m.length; k++) add(m[Math.floor(m.length * settings.uniform())], 1);
    const t = solveArm();
    if (Number.isFinite(t)) estimates.push(t); else failed++;
  }
  if (estimates.length < 2) throw new ValidationError('Almost no bootstrap resample could be fitted (the arm is constant within most resamples); the design has too few clusters for a cluster bootstrap.');
  estimates.sort((a, b) => a - b);
  const level = settings.level ?? 0.95;
  const lo = (1 - level) / 2, hi = (1 + level) / 2;
  const theta = itt.estimate;
  // jackknife (leave one cluster out) for the acceleration
  A.fill(0); B.fill(0);
  for (let g = 0; g < G; g++) add(g, 1);
  const jack: number[] = [];
  for (let g = 0; g < G; g++) { add(g, -1); const t = solveArm(); add(g, 1); if (Number.isFinite(t)) jack.push(t); }
  const jm = jack.reduce((s, x) => s + x, 0) / jack.length;
  let s2 = 0, s3 = 0;
  for (const t of jack) { const d = jm - t; s2 += d * d; s3 += d * d * d; }
  const acceleration = s2 > 0 ? s3 / (6 * s2 ** 1.5) : 0;
  // a resample of the very same clusters reproduces the estimate up to rounding: such ties count half below
  const tol = 1e-9 * Math.abs(theta);
  const below = (estimates.filter((t) => t < theta - tol).length + estimates.filter((t) => Math.abs(t - theta) <= tol).length / 2) / estimates.length;
  let bca: [number, number] | null = null, z0: number | null = null;
  if (below > 0 && below < 1) {
    z0 = normalQuantile(below, 0, 1);
    const adj = (q: number) => { const z = normalQuantile(q, 0, 1); return normalCdf(z0! + (z0! + z) / (1 - acceleration * (z0! + z)), 0, 1); };
    bca = [quantile7(estimates, adj(lo)), quantile7(estimates, adj(hi))];
  }
  const strataNote = strata.length > 1 || strata[0] !== 'all' ? ` within the ${strata.length} strata` : '';
  return { itt, bootstrap: {
    draws: estimates.length, percentile: [quantile7(estimates, lo), quantile7(estimates, hi)], bca, bias_correction_z0: z0, acceleration, failed,
    method: `Cluster bootstrap: ${estimates.length} resamples of the ${G} clusters with replacement${strataNote} (${settings.seedNote}, R's Mersenne Twister), the ITT model refitted on each; percentile and BCa (jackknife acceleration) ${Math.round(level * 100)}% intervals.${failed ? ` ${failed} resample${failed === 1 ? '' : 's'} could not be fitted and ${failed === 1 ? 'is' : 'are'} left out.` : ''}${bca ? '' : ' BCa is undefined: every resampled estimate fell on one side of the estimate.'}`,
  } };
}

/** R's quantile(x, q, type = 7) of sorted x. */
export function quantile7(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const l = Math.floor(h);
  return l + 1 < sorted.length ? sorted[l] + (h - l) * (sorted[l + 1] - sorted[l]) : sorted[l];
}

