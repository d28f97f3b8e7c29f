// Rubin's rules: pooling M multiply-imputed estimates of one scalar into an estimate, SE and df.
export interface PooledEstimate {
  estimate: number; se: number; df: number; withinVariance: number; betweenVariance: number; totalVariance: number;
  /** Relative increase in variance due to non-response, (1 + 1/M) B / U. */
  riv: number; fmi: number; m: number; dfMethod: 'barnard-rubin' | 'classic';
}

/**
 * Rubin (1987) "Multiple Imputation for Nonresponse in Surveys": Qbar = mean(Q_m), U = mean(U_m),
 * B = var(Q_m), T = U + (1 + 1/M) B. Degrees of freedom: classic nu = (M - 1)(1 + 1/r)^2 with
 * r = (1 + 1/M) B / U, or Barnard & Rubin (1999, Biometrika 86(4)) with the complete-data df:
 * nu_obs = (df_com + 1)/(df_com + 3) df_com (1 - lambda), lambda = (1 + 1/M) B / T,
 * nu = 1 / (1/nu_classic + 1/nu_obs), as R mice::pool (https://stefvanbuuren.name/fimd/sec-whyandwhen.html).
 */
export function rubinsRules(estimates: number[], variances: number[], opts: { dfComplete?: number } = {}): PooledEstimate {
  const m = estimates.length;
  if (m < 2 || variances.length !== m) throw new Error('rubinsRules: need at least two imputations with one variance each');
  const qbar = estimates.reduce((s, x) => s + x, 0) / m;
  const u = variances.reduce((s, x) => s + x, 0) / m;
  const b = estimates.reduce((s, x) => s + (x - qbar) ** 2, 0) / (m - 1);
  const t = u + (1 + 1 / m) * b;
  const riv = ((1 + 1 / m) * b) / u;
  const lambda = ((1 + 1 / m) * b) / t;
  const dfClassic = b > 0 ? (m - 1) * (1 + 1 / riv) ** 2 : Infinity;
  let df = dfClassic;
  let dfMethod: PooledEstimate['dfMethod'] = 'classic';
  if (opts.dfComplete !== undefined) {
    const dc = opts.dfComplete;
    const dfObs = ((dc + 1) / (dc + 3)) * dc * (1 - lambda);
    df = Number.isFinite(dfClassic) ? 1 / (1 / dfClassic + 1 / dfObs) : dfObs;
    dfMethod = 'barnard-rubin';
  }
  const fmi = Number.isFinite(df) ? (riv + 2 / (df + 3)) / (1 + riv) : lambda;
  return { estimate: qbar, se: Math.sqrt(t), df, withinVariance: u, betweenVariance: b, totalVariance: t, riv, fmi, m, dfMethod };
}
