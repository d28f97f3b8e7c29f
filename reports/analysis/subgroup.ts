// Exploratory subgroup analysis: arm x subgroup interaction in the ITT model, and the ITT within each subgroup.
import { ValidationError } from '../../shared/errors';
import { coefficientTest, type CoefficientTest } from '../stats/coefficient-test';
import { cr1Variance } from '../stats/cr1-variance';
import { cr2Variance } from '../stats/cr2-variance';
import { weightedLeastSquares, type DesignColumn } from '../stats/weighted-least-squares';
import { ittAnalysis, prepareItt } from './itt';
import { isMissing, sortedLevels } from './prepare-data';
import type { DataRow, IttOptions, IttResult } from './types';

export interface SubgroupResult {
  subgroup: string;
  /** Interaction coefficients arm x level (reference: first level), cluster-robust as the ITT. */
  interactions: CoefficientTest[];
  /** ITT estimated separately within each level (null when a level has too little data). */
  byLevel: Array<{ level: string; result: IttResult | null; reason?: string }>;
  exploratory: true;
  notes: string[];
}

/**
 * Exploratory subgroup analysis (not powered; label it so): outcome ~ arm + baseline + strata + subgroup
 * dummies + arm x subgroup dummies, clustered as the ITT; plus the ITT within each level.
 * Reference: Wang et al. (2007) "Statistics in medicine: reporting of subgroup analyses in clinical trials", NEJM 357.
 */
export function subgroupAnalysis(rows: DataRow[], opts: IttOptions & { subgroup: string }): SubgroupResult {
  const withSub = rows.filter((r) => !isMissing(r[opts.subgroup]));
  if (withSub.length === 0) throw new ValidationError(`The subgroup column "${opts.subgroup}" has no values.`);
  const prep = prepareItt(withSub, opts);
  const keep = prep.outcome.map((y, i) => (y === undefined ? -1 : i)).filter((i) => i >= 0);
  // prepareItt drops rows with missing covariates; re-derive the subgroup value aligned to the prepared rows
  const subValues: string[] = [];
  withSub.forEach((r) => { if (rowComplete(r, opts)) subValues.push(String(r[opts.subgroup]).trim()); });
  const levels = sortedLevels(keep.map((i) => subValues[i]));
  if (levels.length < 2) throw new ValidationError(`The subgroup column "${opts.subgroup}" has only one level, so there is nothing to compare.`);
  const pick = <T>(a: T[]) => keep.map((i) => a[i]);
  const arm = pick(prep.arm);
  const sub = pick(subValues);
  const cols: DesignColumn[] = [{ name: '(Intercept)', values: keep.map(() => 1) }];
  if (prep.baseline) cols.push({ name: opts.baseline!, values: pick(prep.baseline) });
  for (const s of prep.strata) { const v = pick(s.values); for (const lv of sortedLevels(v).slice(1)) cols.push({ name: `${s.column}=${lv}`, values: v.map((x) => (x === lv ? 1 : 0)) }); }
  for (const lv of levels.slice(1)) cols.push({ name: `${opts.subgroup}=${lv}`, values: sub.map((x) => (x === lv ? 1 : 0)) });
  cols.push({ name: opts.arm, values: arm });
  const interactionNames = levels.slice(1).map((lv) => `${opts.arm}:${opts.subgroup}=${lv}`);
  levels.slice(1).forEach((lv, k) => cols.push({ name: interactionNames[k], values: sub.map((x, i) => (x === lv ? arm[i] : 0)) }));
  const fit = weightedLeastSquares(cols, pick(prep.outcome) as number[], prep.weight ? pick(prep.weight) : undefined, opts.weightKind ?? 'frequency');
  const cluster = pick(prep.cluster);
  const v = opts.se === 'cr2' ? cr2Variance(fit, cluster) : cr1Variance(fit, cluster);
  const interactions = interactionNames.filter((n) => fit.names.includes(n)).map((n) => coefficientTest(fit, v, n, opts.level ?? 0.95));
  const byLevel = levels.map((level) => {
    try {
      return { level, result: ittAnalysis(withSub.filter((r) => String(r[opts.subgroup]).trim() === level), opts) };
    } catch (err) {
      if (err instanceof ValidationError) return { level, result: null, reason: err.message };
      throw err;
    }
  });
  const notes = ['Exploratory subgroup analysis: not pre-specified as confirmatory, and not powered to detect interactions.'];
  if (fit.dropped.length) notes.push(`Dropped aliased columns: ${fit.dropped.join(', ')}.`);
  return { subgroup: opts.subgroup, interactions, byLevel, exploratory: true, notes };
}

function rowComplete(r: DataRow, o: IttOptions): boolean {
  const need = [o.arm, o.cluster, o.baseline, o.weight, o.dosage, ...(o.strata ?? [])].filter((c): c is string => Boolean(c));
  return need.every((c) => !isMissing(r[c]));
}
