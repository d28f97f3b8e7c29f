// The arm-comparison report's robustness section (issue 16, as the Bolton report's "Additional analyses and robustness checks"): the primary model on a sub-window of months, unweighted at school level, by multiple imputation and by subgroup.
import { multipleImputationItt, subgroupAnalysis, type DataRow, type IttOptions, type IttResult } from '../analysis';
import { monthsBetween } from './admin-coverage';
import { clusterLevelOf } from './cluster-level';
import { fmtCi, fmtInt, fmtMonth, fmtNumber, fmtP } from './format';
import type { OutcomeDataset } from './outcomes';
import type { ReportData } from './report-data';

export interface RobustnessRowView { label: string; estimate: string; se: string; ci: string; p: string; n: string; method: string }
export interface RobustnessView {
  /** "percentage points" or "scale points": the unit of every estimate, SE and CI in the table. */
  unit: string;
  outcome: string;
  rows: RobustnessRowView[];
  /** Sentences for the checks that could not be run (no sub-window data, nothing to impute ...). */
  sentences: string[];
}

/** What the section needs of the report's primary analysis: the dataset, its result and the report's way of fitting it. */
export interface PrimaryAnalysis { dataset: OutcomeDataset; result: IttResult | null }
export type Fit = (dataset: OutcomeDataset, extra?: Partial<IttOptions>) => { result: IttResult | null; problem: string | null };
/** The options the report fits the primary model with (outcome, arm, cluster, baseline, strata, weight, SE type). */
export type OptionsOf = (dataset: OutcomeDataset) => IttOptions;

/** Imputations and seed of the multiple-imputation row (fixed, so the report is reproducible). */
export const MI_IMPUTATIONS = 20;
export const MI_SEED = 16;

/**
 * The robustness rows for the primary outcome. `fit` fits a dataset as the report's primary model (extra options
 * override it); `optionsOf` gives those options for the imputation and subgroup models. Null when the primary
 * outcome has no result.
 */
export function robustnessSection(data: ReportData, primary: PrimaryAnalysis | null, fit: Fit, optionsOf: OptionsOf): RobustnessView | null {
  if (!primary?.result) return null;
  const d = primary.dataset;
  const prop = d.kind === 'proportion';
  const scale = prop ? 100 : 1;
  const digits = prop ? 3 : 2;
  const rows: RobustnessRowView[] = [];
  const sentences: string[] = [];
  const num = (x: number) => fmtNumber(x * scale, digits);
  const ci = (c: [number, number]) => fmtCi([c[0] * scale, c[1] * scale], digits);
  const opts = optionsOf(d);
  const { name: clusterName, plural: clusters } = clusterLevelOf(data);
  const nOf = (r: IttResult) => (prop ? `${fmtInt(r.n)} schools (${fmtInt(r.n_effective)} pupils)` : `${fmtInt(r.n)} DSLs in ${fmtInt(r.clusters)} ${clusters}`);
  const add = (label: string, r: IttResult, method: string, n = nOf(r)) => rows.push({ label, estimate: num(r.estimate), se: num(r.se), ci: ci(r.ci), p: fmtP(r.p), n, method });
  const seName = (r: IttResult) => (r.se_type === 'cr2' ? 'CR2 with Satterthwaite df' : `CR1, df ${fmtInt(r.df)}`);

  add('Primary analysis (Table 3)', primary.result, `As Table 3: outcome on arm, baseline and strata${prop ? ', weighted by pupils' : ''}; ${seName(primary.result)}, clustered by ${clusterName}.`);

  // 1. The primary model on a sub-window of the outcome window (administrative outcomes only).
  const sub = data.adminSubWindow;
  if (prop && sub) {
    const months = monthsBetween(...sub.months);
    const span = `${fmtMonth(sub.months[0])} to ${fmtMonth(sub.months[1])}`;
    const subRows = subWindowRows(d, data, months);
    const withData = subRows.filter((r) => typeof r.y === 'number').length;
    const outcome = data.adminWindows.outcome;
    if (outcome && (sub.months[0] < outcome[0] || sub.months[1] > outcome[1])) {
      sentences.push(`The robustness months set for this report, ${span}, are not all inside the outcome window (${fmtMonth(outcome[0])} to ${fmtMonth(outcome[1])}), so the primary model was not re-run on them; choose months inside it in the report settings.`);
    } else if (withData === 0) {
      sentences.push(`The sub-window ${span} has no LA outcome data yet, so the primary model could not be re-run on it.`);
    } else {
      const a = fit({ ...d, rows: subRows });
      if (a.result) add(`Outcome months ${span} only`, a.result, `Primary model with the outcome counted over ${span} (${sub.fromSetting ? 'report setting' : 'the latter half of the outcome window, the default'}), schools with data for every month of it; baseline as Table 3.`);
      else sentences.push(`The primary model on ${span} could not be estimated: ${a.problem}.`);
    }
  } else if (!prop) {
    sentences.push('The primary outcome is a survey score measured once at endline, so there is no sub-window of months to re-run it on.');
  }

  // 2. Unweighted, one row per school.
  const school = prop ? d : schoolMeans(d);
  const u = fit(school, { weight: undefined, proportion: false });
  if (u.result) add('Unweighted, school level', u.result, prop ? 'Primary model with each school counted once (no weighting by pupils).' : 'School means of the DSLs\' scores, each school counted once.', `${fmtInt(u.result.n)} schools`);
  else sentences.push(`The unweighted school-level model could not be estimated: ${u.problem}.`);

  // 3. Multiple imputation of missing outcomes.
  const miData = miRows(d, data);
  const missing = miData.filter((r) => (r.y === null || r.y === undefined) && (!d.hasBaseline || typeof r.baseline === 'number') && (!prop || typeof r.pupils === 'number')).length;
  if (missing === 0) {
    sentences.push(`Every ${prop ? 'allocated school' : 'DSL'} with the model's covariates has the primary outcome, so there is nothing to impute: multiple imputation would repeat the primary analysis.`);
  } else {
    try {
      const mi = multipleImputationItt(miData, { ...opts, imputations: MI_IMPUTATIONS, seed: MI_SEED });
      const imputed = mi.imputed.control + mi.imputed.intervention;
      const pooled = mi.pooled;
      rows.push({
        label: 'Multiple imputation of missing outcomes', estimate: num(pooled.estimate), se: num(pooled.se), ci: ci(pooled.ci), p: fmtP(pooled.p),
        n: `${fmtInt(mi.completeCase.n + imputed)} ${prop ? 'schools' : 'DSLs'} (${fmtInt(imputed)} imputed)`,
        method: `${MI_IMPUTATIONS} imputations, seed ${MI_SEED}: normal linear regression by arm on baseline and strata with posterior draws, pooled by Rubin's rules (Barnard–Rubin df ${fmtNumber(pooled.df, 1)}); assumes outcomes missing at random.`,
      });
    } catch (err) {
      sentences.push(`Multiple imputation could not be run: ${(err as Error).message}`);
    }
  }

  // 4. Exploratory subgroups of schools. Under the 'auto' setting a subgroup's own model picks CR2 below 40 schools, as the report does.
  const subOpts: IttOptions = { ...opts, se: opts.se === 'cr1' && data.settings.seType === 'auto' ? 'auto' : opts.se, clustersAreLas: opts.clustersAreLas };
  for (const g of subgroupsOf(data)) {
    const rowsWith = d.rows.map((r) => ({ ...r, subgroup: g.levelOf(Number(r.urn)) }));
    try {
      const s = subgroupAnalysis(rowsWith, { ...subOpts, subgroup: 'subgroup' });
      for (const lv of s.byLevel) {
        if (lv.result) add(`${g.name}: ${lv.level}`, lv.result, `Primary model within these schools only; ${seName(lv.result)}; exploratory.`);
        else sentences.push(`${g.name}, ${lv.level}: not estimated (${lv.reason}).`);
      }
      const [ref] = s.byLevel.map((l) => l.level);
      for (const it of s.interactions) {
        const lv = it.name.slice(it.name.indexOf('=') + 1);
        rows.push({ label: `${g.name}: difference between the subgroups`, estimate: num(it.estimate), se: num(it.se), ci: ci(it.ci), p: fmtP(it.p), n: nOf(primary.result),
          method: `Arm × subgroup interaction in the primary model: the effect in "${lv}" schools minus that in "${ref}" schools; ${subOpts.se === 'cr2' ? 'CR2' : 'CR1'}; exploratory.` });
      }
    } catch (err) {
      sentences.push(`${g.name}: the subgroup analysis could not be run (${(err as Error).message})`);
    }
  }
  return { unit: prop ? 'percentage points' : 'scale points', outcome: d.label, rows, sentences };
}

/** The primary dataset with the outcome counted over the sub-window: schools analysed in Table 3 with data for every month of it. */
export function subWindowRows(d: OutcomeDataset, data: ReportData, months: string[]): DataRow[] {
  const measure = d.key.replace(/^admin:/, '');
  const counts = new Map<number, number>();
  for (const c of data.adminSubWindow?.counts ?? []) if (c.measure === measure) counts.set(c.urn, c.count);
  const withAny = new Set((data.adminSubWindow?.counts ?? []).map((c) => c.urn));
  const covered = data.adminCoverage ? new Map(data.adminCoverage.map((c) => [c.urn, new Set(c.months)])) : null;
  return d.rows.map((r) => {
    const urn = Number(r.urn);
    const full = covered ? months.every((m) => covered.get(urn)?.has(m)) : withAny.has(urn);
    const ok = r.y !== null && r.y !== undefined && typeof r.pupils === 'number' && full;
    return { ...r, y: ok ? (counts.get(urn) ?? 0) / (r.pupils as number) : null };
  });
}

/**
 * Rows for the imputation: an administrative outcome left out for gaps has no baseline in the dataset (outcomes.ts),
 * so the school's baseline proportion is restored where its baseline window is complete; survey rows are as they are.
 */
export function miRows(d: OutcomeDataset, data: ReportData): DataRow[] {
  if (d.kind !== 'proportion' || !d.hasBaseline || !data.adminWindows.baseline) return d.rows;
  const measure = d.key.replace(/^admin:/, '');
  const need = monthsBetween(...data.adminWindows.baseline).length;
  const fullBaseline = new Set(data.adminOutcomes.filter((o) => o.baselineMonths >= need).map((o) => o.urn));
  const count = new Map(data.adminOutcomes.filter((o) => o.measure === measure).map((o) => [o.urn, o.baselineCount ?? 0]));
  return d.rows.map((r) => {
    if (typeof r.baseline === 'number' || typeof r.pupils !== 'number' || !fullBaseline.has(Number(r.urn))) return r;
    return { ...r, baseline: (count.get(Number(r.urn)) ?? 0) / r.pupils };
  });
}

/** Survey rows collapsed to one row per school: the mean score, and the mean baseline of the same DSLs. */
function schoolMeans(d: OutcomeDataset): OutcomeDataset {
  const by = new Map<string, DataRow[]>();
  for (const r of d.rows) by.set(String(r.urn), [...(by.get(String(r.urn)) ?? []), r]);
  const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  const rows: DataRow[] = [...by.values()].map((list) => {
    const answered = list.filter((r) => typeof r.y === 'number' && (!d.hasBaseline || typeof r.baseline === 'number'));
    return { urn: list[0].urn, la: list[0].la, arm: list[0].arm, stratum: list[0].stratum, y: avg(answered.map((r) => r.y as number)), baseline: d.hasBaseline ? avg(answered.map((r) => r.baseline as number)) : null };
  });
  return { ...d, rows };
}

/** The school subgroups the section compares: % FSM at or below vs above the allocated schools' median, and urban vs rural. */
export function subgroupsOf(data: ReportData): Array<{ name: string; levelOf: (urn: number) => string | null }> {
  const allocated = data.schools.filter((s) => s.arm === 'intervention' || s.arm === 'control');
  const byUrn = new Map(allocated.map((s) => [s.urn, s]));
  const out: Array<{ name: string; levelOf: (urn: number) => string | null }> = [];
  const fsm = allocated.map((s) => s.fsmPercent).filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
  if (fsm.length >= 4) {
    const mid = fsm.length / 2;
    const median = fsm.length % 2 ? fsm[Math.floor(mid)] : (fsm[mid - 1] + fsm[mid]) / 2;
    const m = fmtNumber(median, 1);
    out.push({ name: '% FSM', levelOf: (urn) => { const v = byUrn.get(urn)?.fsmPercent; return typeof v === 'number' ? (v <= median ? `at or below the median (${m}%)` : `above the median (${m}%)`) : null; } });
  }
  const area = (urn: number) => { const v = byUrn.get(urn)?.urbanRural; return v ? (/rural/i.test(v) ? 'rural' : 'urban') : null; };
  if (new Set(allocated.map((s) => area(s.urn)).filter(Boolean)).size > 1) out.push({ name: 'Location', levelOf: area });
  return out;
}
