// Intra-cluster correlation by one-way ANOVA with unequal cluster sizes.
export interface IccResult { icc: number; truncated: boolean; msb: number; msw: number; n0: number; clusters: number; n: number; note?: string }

/**
 * ANOVA estimator of the ICC (Donner 1986, "A review of inference procedures for the intraclass
 * correlation coefficient in the one-way random effects model", Int. Stat. Review 54(1)):
 * n0 = (N - sum n_j^2 / N) / (J - 1), ICC = (MSB - MSW) / (MSB + (n0 - 1) MSW),
 * truncated at 0 when negative (the result says so). Same as R `ICC::ICCest` / the
 * `aov` mean squares used in tests/fixtures/r.
 */
export function icc(values: ArrayLike<number>, clusters: ArrayLike<string | number>): IccResult {
  if (values.length !== clusters.length) throw new Error('icc: values and clusters differ in length');
  const groups = new Map<string | number, { n: number; sum: number }>();
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new Error(`icc: value ${i + 1} is not a number`);
    const g = groups.get(clusters[i]) ?? { n: 0, sum: 0 };
    g.n++; g.sum += v; total += v;
    groups.set(clusters[i], g);
  }
  const N = values.length, J = groups.size;
  if (J < 2) throw new Error('icc: need at least two clusters');
  if (N - J < 1) throw new Error('icc: need at least one cluster with two or more members');
  const grand = total / N;
  let ssb = 0, sumN2 = 0;
  for (const g of groups.values()) { const m = g.sum / g.n; ssb += g.n * (m - grand) ** 2; sumN2 += g.n * g.n; }
  let ssw = 0;
  for (let i = 0; i < N; i++) { const g = groups.get(clusters[i])!; ssw += (values[i] - g.sum / g.n) ** 2; }
  const msb = ssb / (J - 1), msw = ssw / (N - J);
  const n0 = (N - sumN2 / N) / (J - 1);
  const raw = (msb - msw) / (msb + (n0 - 1) * msw);
  const truncated = raw < 0;
  return {
    icc: truncated ? 0 : raw, truncated, msb, msw, n0, clusters: J, n: N,
    note: truncated ? `the ANOVA estimate ${raw.toPrecision(3)} was negative and is reported as 0` : undefined,
  };
}
