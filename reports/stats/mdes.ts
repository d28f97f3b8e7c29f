// Minimum detectable effect size and required number of clusters for a two-level cluster randomised trial (Bloom; PowerUp!).
import { tQuantile } from './t-distribution';

export interface MdesOptions {
  /** J: number of clusters randomised. */
  clusters: number;
  /** n: average number of individuals per cluster. */
  clusterSize: number;
  /** rho: intra-cluster correlation. */
  icc: number;
  /** R^2 explained by cluster-level covariates (default 0). */
  r2Cluster?: number;
  /** R^2 explained by individual-level covariates (default 0). */
  r2Individual?: number;
  /** P: proportion of clusters treated (default 0.5). */
  pTreated?: number;
  /** Two-sided significance level (default 0.05). */
  alpha?: number;
  /** Power (default 0.8). */
  power?: number;
  /** g: number of cluster-level covariates (default 0, as PowerUp!). */
  covariates?: number;
}

export interface MdesResult { mdes: number; df: number; multiplier: number; standardError: number; clusters: number }

/**
 * MDES = M * sqrt( rho (1 - R2_2) / (P (1-P) J) + (1 - rho)(1 - R2_1) / (P (1-P) J n) ),
 * M = t(1 - alpha/2, df) + t(power, df), df = J - g - 2.
 * Reference: Dong & Maynard (2013) "PowerUp!: A tool for calculating minimum detectable effect sizes and
 * minimum required sample sizes", J. Research on Educational Effectiveness 6(1), model CRA2_2
 * (https://doi.org/10.1080/19345747.2012.673143); Bloom (2006) "The core analytics of randomized experiments".
 */
export function mdes(opts: MdesOptions): MdesResult {
  const o = withDefaults(opts);
  const df = o.clusters - o.covariates - 2;
  if (!(df >= 1)) throw new RangeError(`MDES: ${o.clusters} clusters leave no degrees of freedom with ${o.covariates} covariates (need J - g - 2 >= 1)`);
  const multiplier = tQuantile(1 - o.alpha / 2, df) + tQuantile(o.power, df);
  const pq = o.pTreated * (1 - o.pTreated);
  const se = Math.sqrt((o.icc * (1 - o.r2Cluster)) / (pq * o.clusters) + ((1 - o.icc) * (1 - o.r2Individual)) / (pq * o.clusters * o.clusterSize));
  return { mdes: multiplier * se, df, multiplier, standardError: se, clusters: o.clusters };
}

/** The smallest number of clusters J whose MDES is at most `target` (other settings as in mdes()). */
export function requiredClusters(opts: Omit<MdesOptions, 'clusters'> & { target: number }): MdesResult {
  if (!(opts.target > 0)) throw new RangeError('required clusters: the target effect size must be positive');
  const g = opts.covariates ?? 0;
  const at = (j: number) => mdes({ ...opts, clusters: j });
  let lo = g + 3;
  if (at(lo).mdes <= opts.target) return at(lo);
  let hi = lo * 2;
  const limit = 1e8;
  while (at(hi).mdes > opts.target) {
    lo = hi; hi *= 2;
    if (hi > limit) throw new RangeError(`required clusters: the target ${opts.target} cannot be reached (the MDES floor with these settings is above it)`);
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (at(mid).mdes <= opts.target) hi = mid; else lo = mid;
  }
  return at(hi);
}

function withDefaults(o: MdesOptions): Required<MdesOptions> {
  const d = { r2Cluster: 0, r2Individual: 0, pTreated: 0.5, alpha: 0.05, power: 0.8, covariates: 0, ...o } as Required<MdesOptions>;
  const check = (name: string, v: number, lo: number, hi: number, openLo = false, openHi = false) => {
    const ok = Number.isFinite(v) && (openLo ? v > lo : v >= lo) && (openHi ? v < hi : v <= hi);
    if (!ok) throw new RangeError(`MDES: ${name} must be ${openLo ? 'above' : 'at least'} ${lo} and ${openHi ? 'below' : 'at most'} ${hi} (got ${v})`);
  };
  check('the ICC', d.icc, 0, 1);
  check('the cluster-level R2', d.r2Cluster, 0, 1, false, true);
  check('the individual-level R2', d.r2Individual, 0, 1, false, true);
  check('the proportion treated', d.pTreated, 0, 1, true, true);
  check('alpha', d.alpha, 0, 1, true, true);
  check('power', d.power, 0, 1, true, true);
  check('the cluster size', d.clusterSize, 1, Infinity, false, true);
  if (!Number.isInteger(d.covariates) || d.covariates < 0) throw new RangeError('MDES: the number of covariates must be a whole number, 0 or more');
  return d;
}
