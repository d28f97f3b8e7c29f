// The ITT model as a linear mixed model with random intercepts (two or three levels), with EEF effect sizes (Hedges' g on total and within variance), ICCs and the variance split.
import { ValidationError } from '../../shared/errors';
import { fitMixedModel, type MixedModelFit } from '../stats/mixed-model';
import { iccConfidenceInterval } from '../stats/icc-confidence';
import { kenwardRoger } from '../stats/kenward-roger';
import { tCritical, twoSidedP } from '../stats/t-distribution';
import { ittDesign, prepareItt } from './itt';
import { isMissing } from './prepare-data';
import type { DataRow, IttOptions } from './types';

export interface MixedIttOptions extends IttOptions {
  /** Grouping columns of the random intercepts, innermost first: ['school'] or ['school', 'la']. */
  levels: string[];
  /** REML (default) or maximum likelihood. */
  reml?: boolean;
  /** Denominator df of the t tests: Satterthwaite (default, as lmerTest) or Kenward–Roger (REML only, as pbkrtest), which also adjusts the SEs. */
  df?: 'satterthwaite' | 'kenward-roger';
}

export interface EffectSizeWithCi { value: number; ci: [number, number] }

export interface MixedIttResult {
  model: 'mlm';
  method: 'REML' | 'ML';
  levels: string[];
  n: number;
  groups: Record<string, number>;
  nByArm: { control: number; intervention: number };
  dropped: number;
  estimate: number; se: number; df: number; t: number; p: number; ci: [number, number];
  df_method: 'satterthwaite' | 'kenward-roger';
  /** 'model': sqrt of sigma^2 (X'V^-1 X)^-1 as vcov(lmer); 'kenward-roger': the adjusted covariance of pbkrtest::vcovAdj. */
  se_method: 'model' | 'kenward-roger';
  /** With Kenward–Roger: the unadjusted (model) SE of the arm, for comparison. */
  se_unadjusted?: number;
  /** Variance of each level's random intercepts and the residual, from the ITT model (conditional). */
  variance: Record<string, number>;
  /** The same from the null model y ~ 1 + random intercepts on the same rows (unconditional). */
  variance_unconditional: Record<string, number>;
  /** Share of the total variance at each level: unconditional (null model) and conditional (ITT model). */
  icc: Record<string, { unconditional: number; conditional: number; ci: [number, number] | null; ci_method: string | null }>;
  loglik: number;
  loglik_unconditional: number;
  effect_size: {
    hedges_g_total: EffectSizeWithCi; hedges_g_within: EffectSizeWithCi;
    conditional: { hedges_g_total: EffectSizeWithCi; hedges_g_within: EffectSizeWithCi };
    correction_j: number; method: string;
  };
  coefficients: Array<{ name: string; estimate: number; se: number; df: number; t: number; p: number }>;
  notes: string[];
}

/**
 * Fits outcome ~ arm + baseline + strata dummies + (1 | level_1) [+ (1 | level_2)] as lme4::lmer, and the null
 * model outcome ~ 1 + the same random intercepts on the same complete cases. EEF effect sizes (as eefAnalytics'
 * crtFREQ reports them): Hedges' g = J b / sd with J = 1 - 3/(4N - 9), sd = sqrt(total variance) or the within
 * (residual) sd of the unconditional model; CI = J (b -/+ t(0.975, df) se) / sd, df and se Satterthwaite's
 * (model SE) or, with df = 'kenward-roger', Kenward–Roger's (adjusted SE). The same on the
 * conditional variances is given beside.
 */
export function mixedModelItt(rows: DataRow[], opts: MixedIttOptions): MixedIttResult {
  if (opts.weight) throw new ValidationError('The mixed model does not take weights: lme4 reads weights as precision weights, not counts of pupils. Fit school rows without --weight, or use the least-squares model.');
  if (opts.dosage) throw new ValidationError('The mixed model fits the randomised arm only; dose-response (--dosage) is for the least-squares model.');
  if (!opts.levels.length || opts.levels.length > 2) throw new ValidationError('--levels takes one or two grouping columns, innermost first (e.g. school or school,la).');
  const missingLevel = opts.levels.find((l) => !rows.slice(0, 50).some((r) => l in r));
  if (missingLevel) throw new ValidationError(`The level column "${missingLevel}" is not in the data.`);
  const usable = rows.filter((r) => opts.levels.every((l) => !isMissing(r[l])));
  const droppedLevel = rows.length - usable.length;
  const prep = prepareItt(usable, { ...opts, cluster: opts.cluster ?? opts.levels[0] });
  const keep = prep.outcome.flatMap((v, i) => (v === undefined ? [] : [i]));
  if (!keep.some((i) => prep.arm[i] === 1) || !keep.some((i) => prep.arm[i] === 0)) throw new ValidationError('Both arms need rows with an outcome to fit the mixed model.');
  const y = keep.map((i) => prep.outcome[i]!);
  const levelGroups = opts.levels.map((l) => keep.map((i) => String(usable[prep.rowIndex[i]][l]).trim()));
  for (const [k, g] of levelGroups.entries()) {
    const count = new Set(g).size;
    if (count < 2) throw new ValidationError(`The level "${opts.levels[k]}" has only ${count} group with data; a random intercept needs at least two.`);
  }
  if (levelGroups.length === 2) {
    const outerOf = new Map<string, string>();
    levelGroups[0].forEach((g, i) => {
      const o = outerOf.get(g);
      if (o !== undefined && o !== levelGroups[1][i]) throw new ValidationError(`The levels must be nested: ${opts.levels[0]} "${g}" is in both ${opts.levels[1]} "${o}" and "${levelGroups[1][i]}".`);
      outerOf.set(g, levelGroups[1][i]);
    });
  }
  const { columns, armName } = ittDesign(prep, keep, opts);
  const levels = opts.levels.map((name, k) => ({ name, groups: levelGroups[k] }));
  const reml = opts.reml ?? true;
  const kr = opts.df === 'kenward-roger';
  if (kr && !reml) throw new ValidationError('Kenward–Roger degrees of freedom are defined for REML fits: drop --ml, or keep --ml with the default Satterthwaite df.');
  let fit: MixedModelFit, nullFit: MixedModelFit;
  try {
    fit = fitMixedModel(columns, y, levels, { reml });
    nullFit = fitMixedModel([columns[0]], y, levels, { reml });
  } catch (err) {
    throw new ValidationError(`The mixed model could not be fitted: ${(err as Error).message.replace(/^fitMixedModel: /, '')}.`);
  }
  const k = fit.names.indexOf(armName);
  const adjusted = kr ? kenwardRoger(fit) : null;
  const seOf = adjusted ? adjusted.se : fit.se, dfOf = adjusted ? adjusted.df : fit.df;
  const estimate = fit.coefficients[k], se = seOf[k], df = dfOf[k];
  if (![estimate, se, df].every(Number.isFinite)) throw new ValidationError('The mixed model gave no finite standard error for the arm; check that both arms vary across groups.');
  const level = opts.level ?? 0.95;
  const crit = tCritical(df, level);
  const ci: [number, number] = [estimate - crit * se, estimate + crit * se];
  const N = y.length;
  const J = 1 - 3 / (4 * N - 9);
  const varianceOf = (f: MixedModelFit) => Object.fromEntries([...f.variances.map((v) => [v.level, v.variance] as const), ['residual', f.residualVariance] as const]);
  const variance = varianceOf(fit), unconditional = varianceOf(nullFit);
  const total = (v: Record<string, number>) => Object.values(v).reduce((a, b) => a + b, 0);
  const es = (sd: number): EffectSizeWithCi => ({ value: (J * estimate) / sd, ci: [(J * ci[0]) / sd, (J * ci[1]) / sd] });
  const icc: MixedIttResult['icc'] = {};
  for (const l of opts.levels) {
    let ciIcc: [number, number] | null = null;
    if (opts.levels.length === 1) ciIcc = iccConfidenceInterval(y, levelGroups[0], level).ci;
    icc[l] = {
      unconditional: unconditional[l] / total(unconditional), conditional: variance[l] / total(variance),
      ci: ciIcc, ci_method: ciIcc ? `Searle's F method on the one-way ANOVA of the outcome by ${l} (n0 for unequal sizes)` : null,
    };
  }
  const notes = [...prep.notes];
  if (droppedLevel) notes.push(`${droppedLevel} row${droppedLevel === 1 ? '' : 's'} dropped for a missing level (${opts.levels.join(', ')}) value.`);
  notes.push(`Linear mixed model by ${reml ? 'REML' : 'maximum likelihood'} with random intercepts for ${opts.levels.join(' within ')} (as lme4::lmer); ${adjusted ? 't test and CI on Kenward–Roger degrees of freedom with the Kenward–Roger adjusted SE (as pbkrtest::vcovAdj and lmerTest summary(ddf = "Kenward-Roger"))' : 't test and CI on Satterthwaite degrees of freedom (as lmerTest)'}.`);
  notes.push(`Effect size: Hedges' g = J x adjusted difference / SD with J = 1 - 3/(4N - 9) = ${J.toPrecision(6)}; "total" divides by the SD of all variance components and "within" by the residual SD, both from the unconditional model (no covariates); the CI is the difference's CI scaled the same way.`);
  for (const l of opts.levels) if (variance[l] < 1e-10 * total(variance)) notes.push(`The ${l} variance is estimated at 0 (on the boundary): the model reduces to one without that level.`);
  return {
    model: 'mlm', method: reml ? 'REML' : 'ML', levels: opts.levels, n: N,
    groups: Object.fromEntries(fit.variances.map((v) => [v.level, v.groups])),
    nByArm: { control: keep.filter((i) => prep.arm[i] === 0).length, intervention: keep.filter((i) => prep.arm[i] === 1).length },
    dropped: rows.length - N,
    estimate, se, df, t: estimate / se, p: twoSidedP(estimate / se, df), ci, df_method: adjusted ? 'kenward-roger' : 'satterthwaite',
    se_method: adjusted ? 'kenward-roger' : 'model', ...(adjusted ? { se_unadjusted: fit.se[k] } : {}),
    variance, variance_unconditional: unconditional, icc,
    loglik: fit.loglik, loglik_unconditional: nullFit.loglik,
    effect_size: {
      hedges_g_total: es(Math.sqrt(total(unconditional))), hedges_g_within: es(Math.sqrt(unconditional.residual)),
      conditional: { hedges_g_total: es(Math.sqrt(total(variance))), hedges_g_within: es(Math.sqrt(variance.residual)) },
      correction_j: J, method: 'Hedges\' g on the unconditional variance (total: all levels and residual; within: residual), times J = 1 - 3/(4N - 9); CI = J x CI of the difference / SD',
    },
    coefficients: fit.names.map((name, i) => ({ name, estimate: fit.coefficients[i], se: seOf[i], df: dfOf[i], t: fit.coefficients[i] / seOf[i], p: twoSidedP(fit.coefficients[i] / seOf[i], dfOf[i]) })),
    notes,
  };
}
