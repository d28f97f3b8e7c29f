// Validates the report's randomisation-inference settings (permutation test, cluster bootstrap, CACE) for the staff settings page and `dslkit report-inputs settings set`.
import type { FieldProblem } from '../../../shared/errors';
import type { ReportSettings } from '../../../reports/view-models/report-data';

/** Entered inference fields: undefined keeps the stored value; '' on a number goes back to its default (a seed or threshold to none). */
export interface InferenceFields {
  permutation?: string; permutationDraws?: string; permutationSeed?: string;
  bootstrap?: string; bootstrapDraws?: string; bootstrapSeed?: string;
  cace?: string; caceThreshold?: string;
}

export const INFERENCE_FIELD_NAMES: Record<keyof InferenceFields, string> = {
  permutation: 'permutation', permutationDraws: 'permutation-draws', permutationSeed: 'permutation-seed',
  bootstrap: 'bootstrap', bootstrapDraws: 'bootstrap-draws', bootstrapSeed: 'bootstrap-seed',
  cace: 'cace', caceThreshold: 'cace-threshold',
};

export const PERMUTATION_DRAWS = { min: 100, max: 100_000, default: 10_000 };
export const BOOTSTRAP_DRAWS = { min: 100, max: 20_000, default: 2_000 };
export const MAX_SEED = 2_147_000_000;
export const MAX_THRESHOLD = 50;

type Inference = Required<Pick<ReportSettings, 'permutation' | 'bootstrap' | 'cace'>>;

const withCommas = (n: number) => n.toLocaleString('en-GB');

/** A whole number as people type it ("10,000", " 2000 "); null when it is not one. */
function wholeNumber(text: string): number | null {
  const t = text.trim().replace(/[\s,]/g, '');
  return /^\d{1,10}$/.test(t) ? Number(t) : null;
}

/**
 * Applies entered inference fields to the stored settings. Problems name the field (GOV.UK error-message wording);
 * a test switched on needs its seed (or, for the CACE, its number of sessions).
 */
export function parseInferenceFields(fields: InferenceFields, current: Partial<Inference>): { value: Inference; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const problem = (key: keyof InferenceFields, detail: string) => problems.push({ pointer: `/${INFERENCE_FIELD_NAMES[key]}`, detail });
  const onOff = (key: 'permutation' | 'bootstrap' | 'cace', stored: boolean, what: string): boolean => {
    const v = fields[key];
    if (v === undefined || v === '') return stored; // a form without the radio keeps the stored choice
    if (v === 'on' || v === 'off') return v === 'on';
    problem(key, `Select whether the report adds ${what}: yes or no`);
    return stored;
  };
  const number = (key: keyof InferenceFields, stored: number | null, fallback: number | null, range: { min: number; max: number }, message: string): number | null => {
    const v = fields[key];
    if (v === undefined) return stored;
    if (v.trim() === '') return fallback;
    const n = wholeNumber(v);
    if (n === null || n < range.min || n > range.max) { problem(key, message); return stored; }
    return n;
  };
  const p = current.permutation ?? { on: false, draws: PERMUTATION_DRAWS.default, seed: null };
  const b = current.bootstrap ?? { on: false, draws: BOOTSTRAP_DRAWS.default, seed: null };
  const c = current.cace ?? { on: false, threshold: null };
  const seedMessage = (test: string) => `The ${test} seed must be a whole number between 1 and ${withCommas(MAX_SEED)}`;
  const value: Inference = {
    permutation: {
      on: onOff('permutation', p.on, 'the permutation test'),
      draws: number('permutationDraws', p.draws, PERMUTATION_DRAWS.default, PERMUTATION_DRAWS, `The number of re-randomisations must be a whole number between ${withCommas(PERMUTATION_DRAWS.min)} and ${withCommas(PERMUTATION_DRAWS.max)}`)!,
      seed: number('permutationSeed', p.seed, null, { min: 1, max: MAX_SEED }, seedMessage('permutation test')),
    },
    bootstrap: {
      on: onOff('bootstrap', b.on, 'the bootstrap confidence intervals'),
      draws: number('bootstrapDraws', b.draws, BOOTSTRAP_DRAWS.default, BOOTSTRAP_DRAWS, `The number of bootstrap resamples must be a whole number between ${withCommas(BOOTSTRAP_DRAWS.min)} and ${withCommas(BOOTSTRAP_DRAWS.max)}`)!,
      seed: number('bootstrapSeed', b.seed, null, { min: 1, max: MAX_SEED }, seedMessage('bootstrap')),
    },
    cace: {
      on: onOff('cace', c.on, 'the complier average causal effect (CACE)'),
      threshold: number('caceThreshold', c.threshold, null, { min: 1, max: MAX_THRESHOLD }, `The number of sessions must be a whole number between 1 and ${MAX_THRESHOLD}`),
    },
  };
  const has = (key: keyof InferenceFields) => problems.some((x) => x.pointer === `/${INFERENCE_FIELD_NAMES[key]}`);
  if (value.permutation.on && value.permutation.seed === null && !has('permutationSeed')) problem('permutationSeed', 'Enter a seed for the permutation test, like 20261201');
  if (value.bootstrap.on && value.bootstrap.seed === null && !has('bootstrapSeed')) problem('bootstrapSeed', 'Enter a seed for the bootstrap, like 20261202');
  if (value.cace.on && value.cace.threshold === null && !has('caceThreshold')) problem('caceThreshold', 'Enter the number of formal sessions a school must receive to count as receiving supervision, like 3');
  return { value, problems };
}
