// Glass's delta: a mean difference in units of the control group's unconditional standard deviation.
export interface EffectSize { kind: 'glass_delta' | 'hedges_g'; value: number; ci: [number, number]; sd: number; method: string }

/**
 * Glass's delta (Glass, McGaw & Smith 1981): difference / SD of the control group's outcome
 * (unadjusted). The CI is the CI of the difference divided by the same SD, the method of the EEF
 * guidance used in the Bolton report (https://educationendowmentfoundation.org.uk/ "Statistical
 * analysis guidance for EEF evaluations", 2022); it ignores uncertainty in the SD.
 */
export function glassDelta(difference: number, ci: [number, number], controlSd: number): EffectSize {
  if (!(controlSd > 0)) throw new Error('glassDelta: the control group standard deviation must be positive');
  return {
    kind: 'glass_delta', value: difference / controlSd, ci: [ci[0] / controlSd, ci[1] / controlSd], sd: controlSd,
    method: 'adjusted difference and its CI divided by the control group unconditional SD',
  };
}

/**
 * SD of a 0/1 pupil-level indicator from a pooled proportion p over N pupils:
 * sqrt(p (1 - p) N / (N - 1)) (the sample SD of N Bernoulli values with mean p).
 */
export function proportionSd(p: number, n: number): number {
  if (!(n > 1)) throw new Error('proportionSd: need more than one pupil');
  if (!(p >= 0 && p <= 1)) throw new Error('proportionSd: the proportion must be between 0 and 1');
  return Math.sqrt((p * (1 - p) * n) / (n - 1));
}
