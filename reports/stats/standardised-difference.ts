// Standardised mean difference for baseline balance tables.
/**
 * Standardised difference (Austin 2009, "Balance diagnostics for comparing the distribution of baseline
 * covariates between treatment groups in propensity-score matched samples", Stat. Med. 28(25)):
 * d = (mean_1 - mean_0) / sqrt((s_1^2 + s_0^2) / 2). Returns null when both SDs are 0.
 */
export function standardisedDifference(mean1: number, sd1: number, mean0: number, sd0: number): number | null {
  const denom = Math.sqrt((sd1 * sd1 + sd0 * sd0) / 2);
  return denom > 0 ? (mean1 - mean0) / denom : null;
}
