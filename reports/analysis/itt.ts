// Intention-to-treat arm comparison: outcome ~ arm + baseline + strata dummies, clustered at the unit of randomisation.
import { ValidationError } from '../../shared/errors';
import { coefficientTable } from '../stats/coefficient-test';
import { cr1Variance } from '../stats/cr1-variance';
import { cr2Variance } from '../stats/cr2-variance';
import { cr2AnalyticVariance } from '../stats/cr2-analytic-variance';
import { glassDelta, proportionSd } from '../stats/glass-delta';
import { hedgesG } from '../stats/hedges-g';
import { tCritical } from '../stats/t-distribution';
import { weightedLeastSquares, type DesignColumn, type WeightKind } from '../stats/weighted-least-squares';
import type { VarianceEstimate } from '../stats/variance-types';
import { isMissing, numericCell, parseArm, requireColumnsPresent, rowLabel, sortedLevels, type Arm } from './prepare-data';
import type { DataRow, IttOptions, IttResult } from './types';

/** Validated rows of an ITT analysis: covariates complete; the outcome may be missing (undefined). */
export interface PreparedItt {
  outcome: Array<number | undefined>;
  arm: Arm[];
  cluster: string[];
  baseline?: number[];
  strata: Array<{ column: string; values: string[] }>;
  weight?: number[];
  dosage?: number[];
  /** Index in the input rows of each kept row. */
  rowIndex: number[];
  /** Rows dropped for a missing covariate (arm, cluster, baseline, strata, weight, dosage). */
  droppedCovariate: number;
  notes: string[];
}

/** Validates the rows (one sentence per problem) and keeps those with complete covariates. */
export function prepareItt(rows: DataRow[], opts: IttOptions): PreparedItt {
  requireColumnsPresent(rows, [
    { role: 'outcome', name: opts.outcome }, { role: 'arm', name: opts.arm }, { role: 'cluster', name: opts.cluster },
    { role: 'baseline', name: opts.baseline }, { role: 'weight', name: opts.weight }, { role: 'dosage', name: opts.dosage },
    ...(opts.strata ?? []).map((s) => ({ role: 'strata', name: s })),
  ]);
  if (opts.proportion && !opts.weight) throw new ValidationError('A proportion outcome needs --weight (the denominator, e.g. pupils on roll).');
  const out: PreparedItt = { outcome: [], arm: [], cluster: [], strata: (opts.strata ?? []).map((column) => ({ column, values: [] })), rowIndex: [], droppedCovariate: 0, notes: [] };
  if (opts.baseline) out.baseline = [];
  if (opts.weight) out.weight = [];
  if (opts.dosage) out.dosage = [];
  const missingBy = new Map<string, number>();
  const miss = (what: string) => { missingBy.set(what, (missingBy.get(what) ?? 0) + 1); out.droppedCovariate++; };
  rows.forEach((row, i) => {
    const label = rowLabel(opts.rowLabels, i);
    const armRaw = row[opts.arm];
    if (isMissing(armRaw)) return miss('arm');
    const arm = parseArm(armRaw);
    if (arm === undefined) throw new ValidationError(`${cap(label)}: the arm column "${opts.arm}" has the value "${String(armRaw)}", but it must be 0/1 or control/intervention.`);
    const y = numericCell(row, opts.outcome, 'outcome', label);
    const clusterRaw = row[opts.cluster];
    const base = opts.baseline ? numericCell(row, opts.baseline, 'baseline', label) : undefined;
    const w = opts.weight ? numericCell(row, opts.weight, 'weight', label) : undefined;
    const dose = opts.dosage ? numericCell(row, opts.dosage, 'dosage', label) : undefined;
    if (w !== undefined && !(w > 0)) throw new ValidationError(`${cap(label)}: the weight column "${opts.weight}" must be positive (got ${w}).`);
    if (w !== undefined && opts.weightKind !== 'analytic' && !Number.isInteger(w)) {
      throw new ValidationError(`${cap(label)}: the weight column "${opts.weight}" has the non-integer value ${w}, but frequency weights count units (such as pupils) and must be whole numbers, as Stata's [fw=] requires; for analytic (inverse-variance) weights use --aweight instead.`);
    }
    if (opts.proportion && y !== undefined && (y < 0 || y > 1)) throw new ValidationError(`${cap(label)}: the outcome "${opts.outcome}" is a proportion and must be between 0 and 1 (got ${y}).`);
    if (dose !== undefined && (dose < 0 || dose > 1)) throw new ValidationError(`${cap(label)}: the dosage column "${opts.dosage}" must be between 0 and 1 (got ${dose}).`);
    if (dose !== undefined && arm === 0 && dose !== 0) throw new ValidationError(`${cap(label)}: a control row has dosage ${dose}, but control rows must have dosage 0.`);
    if (isMissing(clusterRaw)) return miss('cluster');
    if (opts.baseline && base === undefined) return miss('baseline');
    if (opts.weight && w === undefined) return miss('weight');
    if (opts.dosage && dose === undefined) return miss('dosage');
    const strataValues = out.strata.map((s) => row[s.column]);
    const sMissing = strataValues.findIndex((v) => isMissing(v));
    if (sMissing >= 0) return miss(`strata "${out.strata[sMissing].column}"`);
    out.outcome.push(y);
    out.rowIndex.push(i);
    out.arm.push(arm);
    out.cluster.push(String(clusterRaw).trim());
    if (out.baseline) out.baseline.push(base!);
    if (out.weight) out.weight.push(w!);
    if (out.dosage) out.dosage.push(dose!);
    out.strata.forEach((s, k) => s.values.push(String(strataValues[k]).trim()));
  });
  for (const [what, count] of missingBy) out.notes.push(`${count} row${count === 1 ? '' : 's'} dropped for a missing ${what} value.`);
  return out;
}

/** Fits the ITT model on prepared rows; `outcomeOverride` supplies a completed outcome (multiple imputation). */
export function fitPreparedItt(prep: PreparedItt, opts: IttOptions, outcomeOverride?: number[]): IttResult {
  const level = opts.level ?? 0.95;
  const weightKind: WeightKind = opts.weightKind ?? 'frequency';
  const notes = [...prep.notes];
  const keep: number[] = [];
  const missingByArm = { control: 0, intervention: 0 };
  prep.outcome.forEach((y, i) => {
    const v = outcomeOverride ? outcomeOverride[i] : y;
    if (v === undefined) { if (prep.arm[i] === 1) missingByArm.intervention++; else missingByArm.control++; } else keep.push(i);
  });
  const pick = <T>(a: T[]) => keep.map((i) => a[i]);
  const y = keep.map((i) => (outcomeOverride ? outcomeOverride[i] : prep.outcome[i]) as number);
  const arm = pick(prep.arm);
  const cluster = pick(prep.cluster);
  const weight = prep.weight ? pick(prep.weight) : undefined;
  const n = y.length;
  const nInt = arm.filter((a) => a === 1).length;
  if (nInt === 0) throw new ValidationError('The intervention arm has no rows with an outcome, so the arms cannot be compared.');
  if (nInt === n) throw new ValidationError('The control arm has no rows with an outcome, so the arms cannot be compared.');
  const clusterSet = new Set(cluster);
  if (clusterSet.size < 2) throw new ValidationError(`Only one cluster ("${cluster[0]}") has data, and cluster-robust standard errors need at least two.`);
  const seChoice = chooseSe(opts.se ?? 'cr1', clusterSet.size, Boolean(opts.clustersAreLas), opts.cluster);
  const seType = seChoice.used;
  const warnings = designWarnings(arm, cluster);

  const { columns, term, armName } = ittDesign(prep, keep, opts);

  const fit = weightedLeastSquares(columns, y, weight, weightKind);
  if (fit.dropped.includes(armName)) {
    throw new ValidationError(`The ${term} "${armName}" is collinear with the other covariates (baseline or strata), so its effect cannot be estimated.`);
  }
  if (fit.dropped.length) notes.push(`Dropped aliased column${fit.dropped.length > 1 ? 's' : ''} (linear combination of earlier columns): ${fit.dropped.join(', ')}.`);
  const variance: VarianceEstimate = seType === 'cr1' ? cr1Variance(fit, cluster)
    : weight && weightKind === 'analytic' ? cr2AnalyticVariance(fit, cluster) : cr2Variance(fit, cluster);
  const armIndex = fit.names.indexOf(armName);
  if (!(variance.df[armIndex] > 0) || !(variance.vcov[armIndex][armIndex] > 0)) {
    throw new ValidationError(`The ${term} effect has no usable ${seType.toUpperCase()} standard error with ${clusterSet.size} clusters (${variance.vcov[armIndex][armIndex] > 0 ? 'the Satterthwaite degrees of freedom are not positive' : 'the variance is zero'}); there is too little replication across clusters to test it.`);
  }
  const table = coefficientTable(fit, variance, level);
  const main = table.find((c) => c.name === armName)!;
  if (![main.estimate, main.se, main.df, main.t, main.p].every(Number.isFinite)) {
    throw new ValidationError(`The ${term} effect could not be estimated (the standard error is not finite); check that both arms vary within the data.`);
  }

  const stats = (a: Arm) => armSummary(y, weight, cluster, arm.map((x) => x === a), seType, weightKind, level);
  const c = stats(0), t = stats(1);
  let controlSd: number;
  if (opts.proportion) {
    controlSd = proportionSd(c.mean, c.weightTotal);
    const tsd = proportionSd(t.mean, t.weightTotal);
    t.sd = tsd; c.sd = controlSd;
    notes.push('Outcome is a proportion of the weight: the effect-size SD is the pupil-level 0/1 SD sqrt(p(1-p)N/(N-1)) of the control group.');
  } else {
    controlSd = c.sd;
  }
  if (!(controlSd > 0)) throw new ValidationError('The control group outcome has no variation (SD 0), so an effect size cannot be computed.');
  const effect = opts.effectSize === 'hedges'
    ? hedgesG(main.estimate, main.ci, { sdTreated: t.sd, nTreated: t.weightTotal, sdControl: c.sd, nControl: c.weightTotal })
    : glassDelta(main.estimate, main.ci, controlSd);
  if (prep.dosage) notes.push('Dose-response: dosage is not randomised, so this estimate is exploratory (CACE by instrumental variables is the rigorous companion).');
  notes.push(seType === 'cr2'
    ? `Standard errors: CR2 (Bell-McCaffrey) clustered on "${opts.cluster}" with Satterthwaite degrees of freedom.`
    : `Standard errors: CR1 clustered on "${opts.cluster}" with Stata's small-sample factor; df = clusters - 1.`);
  if (weight) notes.push(weightKind === 'frequency'
    ? `Frequency weights "${opts.weight}": N = sum of weights = ${fit.n}, as the pupil-level expansion.`
    : `Analytic weights "${opts.weight}": N = rows = ${fit.n} (Stata [aw=], estimatr lm_robust(weights =))${seType === 'cr2' ? '; CR2 with an identity working model' : ''}.`);
  notes.push(effect.kind === 'glass_delta' ? `Effect size: Glass's delta (${effect.method}).` : `Effect size: Hedges' g (${effect.method}).`);

  return {
    n, clusters: clusterSet.size, rowsAnalysed: keep.map((i) => prep.rowIndex[i]),
    nByArm: { control: n - nInt, intervention: nInt },
    clustersByArm: { control: c.clusters, intervention: t.clusters },
    weightByArm: { control: c.weightTotal, intervention: t.weightTotal },
    missingByArm,
    dropped: prep.droppedCovariate + missingByArm.control + missingByArm.intervention,
    term, estimate: main.estimate, se: main.se, df: main.df, t: main.t, p: main.p, ci: main.ci,
    unadjusted_difference: t.mean - c.mean,
    control_mean: c.mean, treatment_mean: t.mean, control_mean_ci: c.ci, treatment_mean_ci: t.ci,
    control_sd: controlSd, treatment_sd: t.sd, control_variance: controlSd * controlSd, treatment_variance: t.sd * t.sd,
    effect_size: { kind: effect.kind, value: effect.value, ci: effect.ci, sd: effect.sd, method: effect.method },
    dropped_columns: fit.dropped, se_type: seType, se_choice: seChoice, warnings, weighted: Boolean(weight), n_effective: fit.n,
    coefficients: table, exploratory: Boolean(prep.dosage), notes,
  };
}

/**
 * The ITT design matrix on the kept rows: intercept, baseline, strata dummies (first level in sorted order is
 * the reference), then the arm (or dosage) last.
 */
export function ittDesign(prep: PreparedItt, keep: number[], opts: IttOptions): { columns: DesignColumn[]; term: 'arm' | 'dosage'; armName: string } {
  const pick = <T>(a: T[]) => keep.map((i) => a[i]);
  const n = keep.length;
  const columns: DesignColumn[] = [{ name: '(Intercept)', values: new Float64Array(n).fill(1) }];
  if (prep.baseline) columns.push({ name: opts.baseline!, values: pick(prep.baseline) });
  for (const s of prep.strata) {
    const vals = pick(s.values);
    const levels = sortedLevels(vals);
    for (const lv of levels.slice(1)) columns.push({ name: `${s.column}=${lv}`, values: vals.map((v) => (v === lv ? 1 : 0)) });
  }
  const term = prep.dosage ? 'dosage' : 'arm';
  const armName = prep.dosage ? opts.dosage! : opts.arm;
  columns.push({ name: armName, values: prep.dosage ? pick(prep.dosage) : pick(prep.arm) });
  return { columns, term, armName };
}

/**
 * Intention-to-treat analysis of a cluster randomised trial. Adjusted difference from weighted OLS of
 * outcome on arm, baseline and strata dummies with cluster-robust SEs (CR1 Stata, or CR2 Satterthwaite);
 * unadjusted (weighted) means by arm with cluster-robust 95% CIs; Glass's delta (or Hedges' g) with CI.
 */
export function ittAnalysis(rows: DataRow[], opts: IttOptions): IttResult {
  return fitPreparedItt(prepareItt(rows, opts), opts);
}

/** Minimum clusters for which CR1 with G - 1 df is trusted by `--se auto` (Cameron & Miller 2015 put the danger zone below ~40-50). */
export const AUTO_CR2_BELOW = 40;

/** Resolves the requested standard errors ('auto' picks CR2 for few clusters or LA clusters) and states why, in one sentence. */
export function chooseSe(requested: 'cr1' | 'cr2' | 'auto', clusters: number, clustersAreLas: boolean, column: string): IttResult['se_choice'] {
  if (requested !== 'auto') {
    const caution = requested === 'cr1' && (clusters < AUTO_CR2_BELOW || clustersAreLas)
      ? ` With ${clusters} clusters${clustersAreLas ? ' that are local authorities' : ''} CR1 can understate the uncertainty; --se auto would use CR2.` : '';
    return { requested, used: requested, reason: `${requested.toUpperCase()} as requested.${caution}` };
  }
  if (clusters < AUTO_CR2_BELOW) return { requested, used: 'cr2', reason: `CR2 chosen by --se auto: ${clusters} clusters (fewer than ${AUTO_CR2_BELOW}), where CR1 with G - 1 df rejects too often.` };
  if (clustersAreLas) return { requested, used: 'cr2', reason: `CR2 chosen by --se auto: the clusters ("${column}") are local authorities, few and unequal, where CR1 is too small.` };
  return { requested, used: 'cr1', reason: `CR1 chosen by --se auto: ${clusters} clusters (at least ${AUTO_CR2_BELOW}) and not local authorities.` };
}

/** Warnings a reader of the estimate must see: an arm with fewer than 3 clusters, or an arm that varies within a cluster. */
export function designWarnings(arm: readonly number[], cluster: readonly string[]): string[] {
  const warnings: string[] = [];
  const arms = new Map<string, Set<number>>();
  arm.forEach((a, i) => { const s = arms.get(cluster[i]) ?? new Set<number>(); s.add(a); arms.set(cluster[i], s); });
  const mixed = [...arms].filter(([, s]) => s.size > 1).map(([c]) => c);
  for (const [a, name] of [[0, 'control'], [1, 'intervention']] as const) {
    const k = [...arms.values()].filter((s) => s.has(a)).length;
    if (k < 3) warnings.push(`the ${name} arm has only ${k} cluster${k === 1 ? '' : 's'}: with fewer than 3 clusters in an arm the standard error rests on almost no replication, and no small-sample correction rescues it.`);
  }
  if (mixed.length) {
    const shown = mixed.slice(0, 5).map((c) => `"${c}"`).join(', ');
    warnings.push(`the arm varies within ${mixed.length} cluster${mixed.length === 1 ? '' : 's'} (${shown}${mixed.length > 5 ? ', ...' : ''}): the cluster column should be the unit of randomisation, or some rows carry the wrong arm.`);
  }
  return warnings;
}

interface ArmStats { mean: number; sd: number; weightTotal: number; clusters: number; ci: [number, number] | null }

/** Weighted mean, SD (frequency-weight formula) and a cluster-robust CI of the mean (intercept-only model) for one arm. */
function armSummary(y: number[], weight: number[] | undefined, cluster: string[], inArm: boolean[], seType: 'cr1' | 'cr2', weightKind: WeightKind, level: number): ArmStats {
  const idx = inArm.flatMap((b, i) => (b ? [i] : []));
  const ys = idx.map((i) => y[i]);
  const ws = weight ? idx.map((i) => weight[i]) : undefined;
  const cl = idx.map((i) => cluster[i]);
  let sw = 0, swy = 0;
  ys.forEach((v, k) => { const w = ws ? ws[k] : 1; sw += w; swy += w * v; });
  const mean = swy / sw;
  let ss = 0;
  ys.forEach((v, k) => { const w = ws ? ws[k] : 1; ss += w * (v - mean) ** 2; });
  const sd = sw > 1 ? Math.sqrt(ss / (sw - 1)) : NaN;
  const clusters = new Set(cl).size;
  let ci: [number, number] | null = null;
  if (clusters >= 2) {
    const fit = weightedLeastSquares([{ name: '(Intercept)', values: new Float64Array(ys.length).fill(1) }], ys, ws, weightKind);
    const v = seType === 'cr1' ? cr1Variance(fit, cl) : ws && weightKind === 'analytic' ? cr2AnalyticVariance(fit, cl) : cr2Variance(fit, cl);
    const se = Math.sqrt(v.vcov[0][0]);
    const crit = v.df[0] > 0 ? tCritical(v.df[0], level) : NaN;
    if (Number.isFinite(se) && Number.isFinite(crit)) ci = [mean - crit * se, mean + crit * se];
  }
  return { mean, sd, weightTotal: sw, clusters, ci };
}

function cap(s: string): string { return s.charAt(0).toUpperCase() + s.slice(1); }
