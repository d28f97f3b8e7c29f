// The randomisation-inference part of the report settings page: form values from stored settings, and the radios and number inputs it shows.
import type { ReportSettings } from '../../../reports/view-models/report-data';
import { BOOTSTRAP_DRAWS, PERMUTATION_DRAWS } from '../../domain/report-inputs/inference-settings';

type Radios = (name: string, choices: Array<[string, string]>) => Array<{ value: string; label: string; id: string; checked: boolean }>;

const str = (v: number | null | undefined) => (v === undefined || v === null ? '' : String(v));

/** Form values of the stored inference settings. */
export function inferenceFormValues(s: ReportSettings): Record<string, string> {
  return {
    permutation: s.permutation?.on ? 'on' : 'off', 'permutation-draws': str(s.permutation?.draws ?? PERMUTATION_DRAWS.default), 'permutation-seed': str(s.permutation?.seed),
    bootstrap: s.bootstrap?.on ? 'on' : 'off', 'bootstrap-draws': str(s.bootstrap?.draws ?? BOOTSTRAP_DRAWS.default), 'bootstrap-seed': str(s.bootstrap?.seed),
    cace: s.cace?.on ? 'on' : 'off', 'cace-threshold': str(s.cace?.threshold),
  };
}

/** The three fieldsets (permutation test, bootstrap, CACE) for staff/report-inputs/settings.hbs. */
export function inferenceFormView(current: Record<string, string>, errors: Record<string, string>, radios: Radios) {
  const input = (name: string, label: string, hint: string) => ({ name, label, hint, value: current[name] ?? '', error: errors[name] });
  return [
    {
      name: 'permutation', legend: 'Permutation test (randomisation inference)', error: errors.permutation,
      hint: 'Re-runs the trial\'s own allocation procedure on the same schools or local authorities and refits the model each time, for a p-value beside the CR1 or CR2 p. With 20 units or fewer every possible allocation is used instead, so the p is exact. When local authorities were randomised the report always shows it.',
      radios: radios('permutation', [['off', 'No (default)'], ['on', 'Yes']]),
      inputs: [
        input('permutation-draws', 'Number of re-randomisations', `Between ${PERMUTATION_DRAWS.min} and ${PERMUTATION_DRAWS.max.toLocaleString('en-GB')}; default ${PERMUTATION_DRAWS.default.toLocaleString('en-GB')}. More make the first report after a change slower (a few seconds for 10,000 on 300 schools); the results are kept until the data change`),
        input('permutation-seed', 'Seed', 'A whole number; re-run b uses R\'s set.seed(seed + b), so R can re-derive every allocation'),
      ],
    },
    {
      name: 'bootstrap', legend: 'Cluster bootstrap confidence intervals', error: errors.bootstrap,
      hint: 'Resamples whole clusters with replacement within strata and refits the model, for percentile and BCa 95% intervals beside the model\'s CI.',
      radios: radios('bootstrap', [['off', 'No (default)'], ['on', 'Yes']]),
      inputs: [
        input('bootstrap-draws', 'Number of resamples', `Between ${BOOTSTRAP_DRAWS.min} and ${BOOTSTRAP_DRAWS.max.toLocaleString('en-GB')}; default ${BOOTSTRAP_DRAWS.default.toLocaleString('en-GB')}`),
        input('bootstrap-seed', 'Seed', 'A whole number; the resamples use R\'s set.seed(seed)'),
      ],
    },
    {
      name: 'cace', legend: 'Complier average causal effect (CACE)', error: errors.cace,
      hint: 'The effect of receiving supervision on schools that take it up when offered, by two-stage least squares with the randomised arm as the instrument. Shown beside the dose-response, for receipt of at least the number of formal sessions below and for the dosage as a continuous receipt.',
      radios: radios('cace', [['off', 'No (default)'], ['on', 'Yes']]),
      inputs: [input('cace-threshold', 'Formal sessions that count as receiving supervision', 'A school received supervision when it attended at least this many formal sessions, like 3')],
    },
  ];
}
