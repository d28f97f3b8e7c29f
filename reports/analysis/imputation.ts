// Multiple imputation of a missing outcome by arm (normal linear regression with posterior draws), pooled by Rubin's rules: the survey-outcome sensitivity analysis.
import { ValidationError } from '../../shared/errors';
import { cholesky } from '../stats/matrix';
import { seededRandom } from '../stats/random';
import { rubinsRules, type PooledEstimate } from '../stats/rubins-rules';
import { weightedLeastSquares } from '../stats/weighted-least-squares';
import { tCritical, twoSidedP } from '../stats/t-distribution';
import { sortedLevels } from './prepare-data';
import { fitPreparedItt, prepareItt } from './itt';
import type { DataRow, IttOptions, IttResult } from './types';

export interface MultipleImputationOptions extends IttOptions {
  /** Number of imputations (default 20). */
  imputations?: number;
  /** Seed of the generator (required: results are reproducible). */
  seed: number;
  /** 'barnard-rubin' (default, complete-data df = the ITT df) or 'classic' Rubin df. */
  dfMethod?: 'barnard-rubin' | 'classic';
}

export interface MultipleImputationResult {
  pooled: PooledEstimate & { t: number; p: number; ci: [number, number] };
  /** Complete-case analysis, for comparison. */
  completeCase: IttResult;
  perImputation: Array<{ estimate: number; se: number }>;
  imputed: { control: number; intervention: number };
  method: string;
  notes: string[];
}

/**
 * Multiple imputation by arm: within each arm the outcome is regressed on the baseline and strata
 * dummies of the analysis model, and each missing value is drawn from
 * the posterior predictive of a normal linear model (Rubin 1987, p.167; van Buuren, "Flexible Imputation
 * of Missing Data", 2nd ed., algorithm 3.1, https://stefvanbuuren.name/fimd/sec-linearnormal.html):
 * sigma*^2 = RSS / chi2(n - k), beta* ~ N(beta_hat, sigma*^2 (X'X)^-1), y* = x beta* + sigma* z.
 * Each completed data set is analysed with the ITT model and the arm effects are pooled by Rubin's rules.
 * Imputation is unweighted; the generator is seeded (xoshiro128**) so results are reproducible.
 */
export function multipleImputationItt(rows: DataRow[], opts: MultipleImputationOptions): MultipleImputationResult {
  const m = opts.imputations ?? 20;
  if (!Number.isInteger(m) || m < 2) throw new ValidationError('Multiple imputation needs at least two imputations.');
  if (opts.dosage) throw new ValidationError('Multiple imputation is for the ITT model; remove the dosage option.');
  const prep = prepareItt(rows, opts);
  const completeCase = fitPreparedItt(prep, opts);
  const rng = seededRandom(opts.seed);
  const perImputation: Array<{ estimate: number; se: number }> = [];
  const imputed = { control: 0, intervention: 0 };
  const n = prep.outcome.length;
  const strataLevels = prep.strata.map((s) => sortedLevels(s.values).slice(1));
  const predictors = (i: number): number[] => {
    const x = [1];
    if (prep.baseline) x.push(prep.baseline[i]);
    prep.strata.forEach((s, k) => { for (const lv of strataLevels[k]) x.push(s.values[i] === lv ? 1 : 0); });
    return x;
  };
  const models = ([0, 1] as const).map((a) => {
    const obs = [...Array(n).keys()].filter((i) => prep.arm[i] === a && prep.outcome[i] !== undefined);
    const mis = [...Array(n).keys()].filter((i) => prep.arm[i] === a && prep.outcome[i] === undefined);
    if (a === 1) imputed.intervention = mis.length; else imputed.control = mis.length;
    if (mis.length === 0) return { mis, draw: () => [] as number[] };
    const X = obs.map(predictors);
    const p = X[0].length;
    const fit = weightedLeastSquares([...Array(p).keys()].map((j) => ({ name: `x${j}`, values: X.map((r) => r[j]) })), obs.map((i) => prep.outcome[i]!));
    const keptIdx = fit.names.map((nm) => Number(nm.slice(1)));
    const dfResid = obs.length - fit.rank;
    if (dfResid < 1) throw new ValidationError(`The ${a === 1 ? 'intervention' : 'control'} arm has too few observed outcomes to impute from.`);
    let rss = 0;
    for (const e of fit.residuals) rss += e * e;
    const L = cholesky(fit.bread);
    const draw = () => {
      const sigma = Math.sqrt(rss / rng.chiSquare(dfResid));
      const z = fit.names.map(() => rng.normal());
      const beta = fit.coefficients.map((b, r) => b + sigma * L[r].reduce((s, l, c) => s + l * z[c], 0));
      return mis.map((i) => {
        const x = predictors(i);
        return keptIdx.reduce((s, j, k) => s + x[j] * beta[k], 0) + sigma * rng.normal();
      });
    };
    return { mis, draw };
  });
  for (let k = 0; k < m; k++) {
    const y = prep.outcome.slice() as number[];
    for (const mod of models) { const vals = mod.draw(); mod.mis.forEach((i, j) => { y[i] = vals[j]; }); }
    const res = fitPreparedItt(prep, opts, y);
    perImputation.push({ estimate: res.estimate, se: res.se });
  }
  const dfMethod = opts.dfMethod ?? 'barnard-rubin';
  const pooled = rubinsRules(perImputation.map((r) => r.estimate), perImputation.map((r) => r.se * r.se), dfMethod === 'barnard-rubin' ? { dfComplete: completeCase.df } : {});
  const t = pooled.estimate / pooled.se;
  const crit = tCritical(pooled.df);
  return {
    pooled: { ...pooled, t, p: twoSidedP(t, pooled.df), ci: [pooled.estimate - crit * pooled.se, pooled.estimate + crit * pooled.se] },
    completeCase, perImputation, imputed,
    method: `normal linear regression imputation with posterior draws, by arm, on ${['intercept', ...(opts.baseline ? [opts.baseline] : []), ...(opts.strata ?? [])].join(', ')}; ${m} imputations, seed ${opts.seed}; Rubin's rules with ${dfMethod === 'barnard-rubin' ? 'Barnard-Rubin (1999) degrees of freedom' : 'classic Rubin (1987) degrees of freedom'}`,
    notes: ['Sensitivity analysis: assumes outcomes are missing at random given arm, baseline and strata.'],
  };
}
