// Hedges' g: a mean difference in units of the pooled within-arm SD, with the small-sample correction J.
import type { EffectSize } from './glass-delta';

/**
 * Hedges' g (Hedges 1981; Hedges & Olkin 1985): J * difference / pooled SD,
 * pooled SD = sqrt(((n1 - 1) s1^2 + (n0 - 1) s0^2) / (n1 + n0 - 2)), J = 1 - 3 / (4m - 1), m = n1 + n0 - 2.
 * The CI is J * CI(difference) / pooled SD (same convention as Glass's delta here).
 * Reference: What Works Clearinghouse Procedures Handbook v5.0, appendix E (https://ies.ed.gov/ncee/wwc/Handbooks).
 */
export function hedgesG(difference: number, ci: [number, number], arms: { sdTreated: number; nTreated: number; sdControl: number; nControl: number }): EffectSize {
  const { sdTreated: s1, nTreated: n1, sdControl: s0, nControl: n0 } = arms;
  const m = n1 + n0 - 2;
  if (!(m > 0)) throw new Error('hedgesG: need at least three observations');
  const pooled = Math.sqrt(((n1 - 1) * s1 * s1 + (n0 - 1) * s0 * s0) / m);
  if (!(pooled > 0)) throw new Error('hedgesG: the pooled standard deviation must be positive');
  const j = 1 - 3 / (4 * m - 1);
  return {
    kind: 'hedges_g', value: (j * difference) / pooled, ci: [(j * ci[0]) / pooled, (j * ci[1]) / pooled], sd: pooled,
    method: `adjusted difference and its CI divided by the pooled SD, times J = 1 - 3/(4m - 1) = ${j.toPrecision(6)}`,
  };
}
