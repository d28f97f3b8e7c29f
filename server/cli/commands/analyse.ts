// `dslkit analyse`: intention-to-treat (or dose-response) analysis of a trial CSV, printed as a table or JSON.
import fs from 'node:fs';
import { parseCsv } from '../../domain/csv';
import { ittAnalysis, type IttResult } from '../../../reports/analysis';
import { mixedModelItt, type MixedIttResult } from '../../../reports/analysis/mixed-model-itt';
import { caceAnalysis, type CaceResult } from '../../../reports/analysis/cace';
import { clusterBootstrap, type BootstrapResult } from '../../../reports/analysis/cluster-bootstrap';
import { RMersenneTwister } from '../../domain/randomisation/mersenne-twister';
import { permutationTest, type PermutationResult } from '../../../reports/analysis/randomisation-inference';
import { rerandomisationDesign } from '../../domain/randomisation/rerandomise';
import { parseAllocationCsv } from '../../domain/randomisation/allocation-csv';
import { isMethod, type RandomisationMethod } from '../../domain/randomisation/randomise';
import { applyFilters, requireOneRowPerUnitAndWave, type RowFilter } from '../../../reports/analysis/unit-rows';
import { flag, listOption, numberOption, requiredString, stringOption, UsageError, type CliCommand, type CliContext } from '../command';

/** Cluster column names read as local authorities by --se auto (dslkit's exports use la_code; GIAS "LA (code)"). */
export const LA_COLUMN = /^(la|la[_ ]?code|la \(code\)|lea|la[_ ]?id|local[_ ]authority([_ ]code)?)$/i;

export const command: CliCommand = {
  name: 'analyse',
  summary: 'intention-to-treat analysis: adjusted difference, cluster-robust CI and p, effect size; mixed model, permutation p, cluster bootstrap, CACE',
  usage: 'analyse --data <file.csv> --outcome <col> --arm <col> --cluster <col> [--baseline <col>] [--strata <col> ...] [--weight <col> | --aweight <col>] [--proportion] [--dosage <col>] [--se auto|cr1|cr2] [--filter <col>=<value> ...] [--unit <col>] [--model ols|mlm [--levels <col>[,<col>]] [--ml] [--df satterthwaite|kr]] [--permutations <n> --seed <n> [--design stratified|niesr-fsm-median] [--fsm <col>] [--allocation <file>]] [--received <col> [--received-threshold <k>]] [--bootstrap <n> --seed <n>] [--json]',
  description: `
Fits outcome ~ arm + baseline + strata dummies by (weighted) least squares with standard errors clustered
on --cluster, the unit of randomisation. --arm takes 0/1 or control/intervention. Rows missing the outcome
are dropped and counted; rows missing a covariate are dropped and named in the notes.

Standard errors (--se): auto (the default) uses CR2 (Bell-McCaffrey) with Satterthwaite degrees of freedom
when there are fewer than 40 clusters or the clusters are local authorities (a cluster column named la,
la_code, "LA (code)" or local_authority), and otherwise CR1 with Stata's small-sample factor
G/(G-1)(N-1)/(N-K) on G - 1 degrees of freedom; the output says which it used and why. cr1 and cr2 force one.

Weights: --weight gives frequency weights, whole numbers of units each row stands for (pupils on roll):
N = sum of weights, exactly Stata's [fw=] and the pupil-level expansion; a non-integer weight is refused.
--aweight gives analytic (inverse-variance) weights, Stata's [aw=] and R estimatr lm_robust(weights = ):
N = rows. The point estimates agree; the standard errors differ.

Warnings (on stderr, and under "warnings" in --json) are printed, not refused: an arm with fewer than 3
clusters, or an arm that varies within a cluster (the cluster column is then not the unit of randomisation).

One row per unit and wave: when the data has a --unit column (default dsl_id when present) it must hold one
row per unit (per unit and wave with a wave column). The long export, which stacks every scale, is refused
unless --filter picks one row each (e.g. --filter instrument=scs@1 --filter scale=total --filter wave=endline).

Mixed model (--model mlm): the same fixed effects (arm, baseline, strata) with random intercepts for each
--levels column, innermost first (default: the --cluster column): --levels school for DSLs in schools,
--levels school,la for DSLs in schools in LAs. Fitted by REML (--ml for maximum likelihood) as R
lme4::lmer(y ~ arm + baseline + strata + (1 | la) + (1 | school)). Degrees of freedom (--df) of the arm's t
test and CI: satterthwaite (the default) as lmerTest, with the model SE sqrt(sigma^2 (X'V^-1 X)^-1); or kr,
Kenward-Roger (Kenward & Roger 1997) as pbkrtest and lmerTest summary(fit, ddf = "Kenward-Roger"): the SE
is then the Kenward-Roger adjusted one (pbkrtest::vcovAdj, which widens the model SE for the uncertainty in
the estimated variance components) and the df pbkrtest::Lb_ddf's. With few top-level groups (10 LAs) the
two can differ noticeably. Kenward-Roger is defined for REML fits, so --ml with --df kr is refused. The
effect sizes' CIs use the same SE and df. --json gives df_method, se_method and, with kr, se_unadjusted (the
model SE). Also printed: each level's variance and the residual, the same from the null model
y ~ 1 + random intercepts (the unconditional split), the ICC of each level, the log-likelihood, and EEF
effect sizes: Hedges' g = J x difference / SD with J = 1 - 3/(4N - 9), on the total SD (all levels plus
residual) and on the within (residual) SD of the unconditional model, CIs scaled from the difference's.
Weights and --dosage are refused for the mixed model.

Randomisation inference (--permutations <n> --seed <s>): the trial's own allocation procedure is re-run on
the same units of randomisation (the --cluster values) and the model refitted each time; the statistic is the
arm's t with the analysis' own standard errors (CR1 or CR2). --design names the procedure: stratified
(complete randomisation within the --strata, as dslkit randomise; the default) or niesr-fsm-median (the
Bolton/NIESR FSM-median blocks; --fsm names the % FSM column). --allocation <file> reads the method and each
unit's stratum from the file dslkit randomise wrote. Re-run b uses set.seed(s + b), b = 1..n, on R's Mersenne
Twister, so an R loop re-derives every allocation; p = (1 + draws at least as extreme in |t|) / (1 + n). With
at most 20 units every allocation the procedure can make is enumerated instead (each equally likely) and p is
exact: the share of allocations at least as extreme, the observed one included. --json adds
permutation: {p, draws, exact, extreme, observed_t, statistic, method}.

Cluster bootstrap (--bootstrap <n> --seed <s>): n resamples of whole clusters with replacement within strata
(strata in code-point order, clusters in id order, cluster floor(m u) + 1 for each uniform u of R's
set.seed(s); runif), refitting the ITT estimate each time; the percentile interval (R quantile type 7) and
the BCa interval (bias correction from the share of resamples below the estimate, acceleration from the
leave-one-cluster-out jackknife). With few clusters the bootstrap is itself unreliable: read it beside CR2
and the permutation p. --json adds bootstrap: {draws, percentile, bca, bias_correction_z0, acceleration}.

CACE (--received <col>): the complier average causal effect of receiving supervision, by two-stage least
squares with the randomised arm as the instrument for receipt and the ITT model's covariates, clustering and
standard errors (CR1 or CR2, as estimatr::iv_robust). --received-threshold k makes receipt "at least k"
(e.g. sessions attended >= 3); without it the column is a continuous dose (e.g. sessions attended). It is the
effect on those who take supervision up when offered, not on everyone offered it. With --weight (frequency
weights, e.g. pupils) both stages are weighted and the SEs are CR1 as on the expanded rows; CR2 with weights is refused. --json adds cace: {estimate,
se, df, p, ci, receipt_by_arm, first_stage}.

--proportion: the outcome is a proportion of the weight; the effect-size SD is the pupil-level 0/1 SD of the control group.
--dosage: replace the arm by a dosage in [0, 1] (exploratory dose-response).
Example: dslkit analyse --data la.csv --outcome nfa --arm arm --cluster urn --baseline nfa_prev --strata block --weight pupils --proportion --json`,
  options: [
    { name: 'data', type: 'string', valueName: '<file.csv>', description: 'CSV file with one row per unit (school, DSL)' },
    { name: 'outcome', type: 'string', valueName: '<col>', description: 'outcome column' },
    { name: 'arm', type: 'string', valueName: '<col>', description: 'arm column (0/1 or control/intervention)' },
    { name: 'cluster', type: 'string', valueName: '<col>', description: 'unit of randomisation (standard errors are clustered on it)' },
    { name: 'baseline', type: 'string', valueName: '<col>', description: 'baseline (previous period) measure' },
    { name: 'strata', type: 'string', multiple: true, valueName: '<col>', description: 'randomisation strata column (dummies; the first level in sorted order is the reference)' },
    { name: 'weight', type: 'string', valueName: '<col>', description: 'frequency weights: whole numbers, N = sum of weights (Stata [fw=])' },
    { name: 'aweight', type: 'string', valueName: '<col>', description: 'analytic weights: N = rows (Stata [aw=], estimatr lm_robust(weights =))' },
    { name: 'proportion', type: 'boolean', description: 'outcome is a proportion of the weight column' },
    { name: 'dosage', type: 'string', valueName: '<col>', description: 'dosage column in [0, 1] replacing the arm (exploratory)' },
    { name: 'se', type: 'string', valueName: 'auto|cr1|cr2', description: 'standard errors: auto = CR2 under 40 clusters or for LA clusters, else CR1', default: 'auto' },
    { name: 'effect-size', type: 'string', valueName: 'glass|hedges', description: 'effect size', default: 'glass' },
    { name: 'filter', type: 'string', multiple: true, valueName: '<col>=<value>', description: 'keep only rows whose column equals the value; all given must hold' },
    { name: 'unit', type: 'string', valueName: '<col>', description: 'column naming the unit that must have one row per wave (default dsl_id when present)' },
    { name: 'model', type: 'string', valueName: 'ols|mlm', description: 'ols: least squares with cluster-robust SEs; mlm: linear mixed model with random intercepts', default: 'ols' },
    { name: 'levels', type: 'string', valueName: '<col>[,<col>]', description: 'mlm: random-intercept groupings, innermost first (default: the --cluster column)' },
    { name: 'ml', type: 'boolean', description: 'mlm: fit by maximum likelihood instead of REML' },
    { name: 'df', type: 'string', valueName: 'satterthwaite|kr', description: 'mlm: df of the t test and CI: satterthwaite (lmerTest) or kr (Kenward-Roger, REML only; also adjusts the SE, as pbkrtest)', default: 'satterthwaite' },
    { name: 'permutations', type: 'string', valueName: '<n>', description: 'randomisation inference: re-run the allocation n times (exact enumeration with at most 20 units)' },
    { name: 'seed', type: 'string', valueName: '<n>', description: 'seed: re-randomisation b uses set.seed(seed + b); the bootstrap uses set.seed(seed)' },
    { name: 'design', type: 'string', valueName: 'stratified|niesr-fsm-median', description: 'the allocation procedure to re-run (default stratified on --strata)' },
    { name: 'fsm', type: 'string', valueName: '<col>', description: '% FSM column for --design niesr-fsm-median' },
    { name: 'allocation', type: 'string', valueName: '<file>', description: 'allocation file from dslkit randomise: method and strata of each unit' },
    { name: 'received', type: 'string', valueName: '<col>', description: 'CACE: receipt column (sessions attended, or a dose); the arm instruments it (2SLS)' },
    { name: 'received-threshold', type: 'string', valueName: '<k>', description: 'CACE: receipt is "at least k" of --received (binary); without it, a continuous dose' },
    { name: 'bootstrap', type: 'string', valueName: '<n>', description: 'cluster bootstrap: n resamples of clusters within strata (needs --seed)' },
    { name: 'json', type: 'boolean', description: 'print one JSON object' },
  ],
  run(ctx) {
    const file = requiredString(ctx, 'data');
    const se = stringOption(ctx, 'se') ?? 'auto';
    if (se !== 'cr1' && se !== 'cr2' && se !== 'auto') throw new UsageError(`--se must be auto, cr1 or cr2 (got "${se}")`);
    const es = stringOption(ctx, 'effect-size') ?? 'glass';
    if (es !== 'glass' && es !== 'hedges') throw new UsageError(`--effect-size must be glass or hedges (got "${es}")`);
    const fweight = stringOption(ctx, 'weight'), aweight = stringOption(ctx, 'aweight');
    if (fweight && aweight) throw new UsageError('give either --weight (frequency weights) or --aweight (analytic weights), not both');
    const filters = parseFilters(ctx);
    const table = parseCsv(fs.readFileSync(file, 'utf8'), file);
    for (const f of filters) if (!table.header.includes(f.column)) throw new UsageError(`--filter: no column "${f.column}" in ${file} (columns: ${table.header.join(', ')})`);
    const picked = applyFilters(table.rows.map((r) => r.values), table.rows.map((r) => `${file}: line ${r.line}`), filters);
    const unit = stringOption(ctx, 'unit') ?? (table.header.includes('dsl_id') ? 'dsl_id' : undefined);
    if (unit && !table.header.includes(unit)) throw new UsageError(`--unit: no column "${unit}" in ${file}`);
    if (unit) requireOneRowPerUnitAndWave(picked.rows, picked.labels, unit, file);
    const cluster = requiredString(ctx, 'cluster');
    const model = stringOption(ctx, 'model') ?? 'ols';
    if (model !== 'ols' && model !== 'mlm') throw new UsageError(`--model must be ols or mlm (got "${model}")`);
    if (model === 'ols' && (stringOption(ctx, 'levels') || flag(ctx, 'ml') || stringOption(ctx, 'df'))) throw new UsageError('--levels, --ml and --df belong to --model mlm');
    const dfMethod = mixedDfMethod(stringOption(ctx, 'df'), flag(ctx, 'ml'));
    if (model === 'mlm' && (stringOption(ctx, 'permutations') || stringOption(ctx, 'received') || stringOption(ctx, 'bootstrap'))) throw new UsageError('--permutations, --bootstrap and --received work with --model ols (the least-squares ITT model)');
    if (model === 'mlm') {
      const levels = (stringOption(ctx, 'levels') ?? cluster).split(',').map((l) => l.trim()).filter(Boolean);
      for (const l of levels) if (!table.header.includes(l)) throw new UsageError(`--levels: no column "${l}" in ${file} (columns: ${table.header.join(', ')})`);
      const mixed = mixedModelItt(picked.rows, {
        outcome: requiredString(ctx, 'outcome'), arm: requiredString(ctx, 'arm'), cluster, levels, reml: !flag(ctx, 'ml'), df: dfMethod,
        baseline: stringOption(ctx, 'baseline'), strata: listOption(ctx, 'strata'), weight: fweight ?? aweight,
        dosage: stringOption(ctx, 'dosage'), rowLabels: picked.labels,
      });
      ctx.io.stdout(flag(ctx, 'json') ? `${JSON.stringify(mixed, null, 2)}\n` : formatMixed(mixed, requiredString(ctx, 'outcome')));
      return 0;
    }
    const ittOpts = {
      outcome: requiredString(ctx, 'outcome'), arm: requiredString(ctx, 'arm'), cluster,
      baseline: stringOption(ctx, 'baseline'), strata: listOption(ctx, 'strata'), weight: fweight ?? aweight,
      weightKind: aweight ? 'analytic' : 'frequency', clustersAreLas: LA_COLUMN.test(cluster),
      proportion: flag(ctx, 'proportion'), dosage: stringOption(ctx, 'dosage'), se, effectSize: es,
      rowLabels: picked.labels,
    } as const;
    const permutations = numberOption(ctx, 'permutations', { integer: true, min: 1, max: 1_000_000 });
    const bootstrapDraws = numberOption(ctx, 'bootstrap', { integer: true, min: 2, max: 1_000_000 });
    const seedValue = numberOption(ctx, 'seed', { integer: true, min: -2147483647, max: 2147483647 });
    if (bootstrapDraws !== undefined && seedValue === undefined) throw new UsageError('--bootstrap needs --seed (the resamples use set.seed(seed))');
    let result: IttResult;
    let permutation: PermutationResult | undefined;
    if (permutations !== undefined) {
      const seed = seedValue;
      if (seed === undefined) throw new UsageError('--permutations needs --seed (re-run b uses set.seed(seed + b))');
      const inference = inferenceSettings(ctx);
      const r = permutationTest(picked.rows, { ...ittOpts, strata: [...ittOpts.strata] }, (units) => rerandomisationDesign(units, inference.method), { draws: permutations, seed, fsm: inference.fsm, strataOf: inference.strataOf });
      result = r.itt; permutation = r.permutation;
    } else {
      if ((stringOption(ctx, 'seed') && bootstrapDraws === undefined) || stringOption(ctx, 'design') || stringOption(ctx, 'allocation')) throw new UsageError('--seed, --design and --allocation belong to --permutations');
      result = ittAnalysis(picked.rows, { ...ittOpts, strata: [...ittOpts.strata] });
    }
    let bootstrap: BootstrapResult | undefined;
    if (bootstrapDraws !== undefined) {
      const rng = new RMersenneTwister(seedValue!);
      bootstrap = clusterBootstrap(picked.rows, { ...ittOpts, strata: [...ittOpts.strata], se: result.se_type }, { draws: bootstrapDraws, uniform: () => rng.unifRand(), seedNote: `set.seed(${seedValue})` }).bootstrap;
    }
    const received = stringOption(ctx, 'received');
    const threshold = numberOption(ctx, 'received-threshold', { min: 0 });
    if (threshold !== undefined && !received) throw new UsageError('--received-threshold needs --received <col>');
    const cace: CaceResult | undefined = received ? caceAnalysis(picked.rows, { ...ittOpts, strata: [...ittOpts.strata], se: result.se_type, received, threshold }) : undefined;
    for (const w of result.warnings) ctx.io.stderr(`Warning: ${w}\n`);
    const json = { ...toJson(result), ...(permutation ? { permutation } : {}), ...(bootstrap ? { bootstrap } : {}), ...(cace ? { cace } : {}) };
    ctx.io.stdout(flag(ctx, 'json') ? `${JSON.stringify(json, null, 2)}\n` : formatTable(result, requiredString(ctx, 'outcome'), permutation, cace, bootstrap));
    return 0;
  },
};

/** The allocation procedure to re-run: --design (default stratified) or an allocation file's method and strata. */
function inferenceSettings(ctx: CliContext): { method: RandomisationMethod; fsm?: string; strataOf?: Map<string, string> } {
  const file = stringOption(ctx, 'allocation');
  let method = stringOption(ctx, 'design');
  let strataOf: Map<string, string> | undefined;
  if (file) {
    const parsed = parseAllocationCsv(fs.readFileSync(file, 'utf8'), file);
    if (method && method !== parsed.header.method) throw new UsageError(`--design ${method} differs from the allocation file's method ${parsed.header.method}`);
    method = parsed.header.method;
    strataOf = new Map(parsed.rows.map((r) => [r.cluster ?? r.id, r.stratum]));
  }
  method ??= 'stratified';
  if (!isMethod(method)) throw new UsageError(`--design must be stratified or niesr-fsm-median (got "${method}")`);
  const fsm = stringOption(ctx, 'fsm');
  if (method === 'niesr-fsm-median' && !fsm) throw new UsageError('--design niesr-fsm-median needs --fsm <col> (each school\'s % FSM, as at randomisation)');
  return { method, fsm: method === 'niesr-fsm-median' ? fsm : undefined, strataOf };
}

function parseFilters(ctx: CliContext): RowFilter[] {
  return listOption(ctx, 'filter').map((raw) => {
    const eq = raw.indexOf('=');
    if (eq <= 0) throw new UsageError(`--filter "${raw}" must be column=value (e.g. --filter scale=total)`);
    return { column: raw.slice(0, eq).trim(), value: raw.slice(eq + 1).trim() };
  });
}

/** The JSON contract of `dslkit analyse --json` (issue 4): stable keys, effect_size.glass_delta when Glass's delta is shown. */
export function toJson(r: IttResult): Record<string, unknown> {
  const effect: Record<string, unknown> = r.effect_size.kind === 'glass_delta'
    ? { glass_delta: r.effect_size.value, ci: r.effect_size.ci, sd: r.effect_size.sd, method: r.effect_size.method }
    : { hedges_g: r.effect_size.value, ci: r.effect_size.ci, sd: r.effect_size.sd, method: r.effect_size.method };
  return {
    term: r.term, n: r.n, clusters: r.clusters, n_by_arm: r.nByArm, clusters_by_arm: r.clustersByArm, weight_by_arm: r.weightByArm,
    missing_by_arm: r.missingByArm, dropped: r.dropped,
    estimate: r.estimate, se: r.se, df: r.df, t: r.t, p: r.p, ci: r.ci,
    control_mean: r.control_mean, treatment_mean: r.treatment_mean, control_mean_ci: r.control_mean_ci, treatment_mean_ci: r.treatment_mean_ci,
    unadjusted_difference: r.unadjusted_difference, control_sd: r.control_sd, treatment_sd: r.treatment_sd,
    effect_size: effect, se_type: r.se_type, se_choice: r.se_choice, warnings: r.warnings, weighted: r.weighted, n_effective: r.n_effective,
    dropped_columns: r.dropped_columns, exploratory: r.exploratory, coefficients: r.coefficients, notes: r.notes,
  };
}

const f = (x: number, d = 4) => (Math.abs(x) < 1e-3 && x !== 0 ? x.toPrecision(3) : x.toFixed(d));
const ci = (c: [number, number] | null, d = 4) => (c ? `(${f(c[0], d)}, ${f(c[1], d)})` : 'n/a');

function formatTable(r: IttResult, outcome: string, permutation?: PermutationResult, cace?: CaceResult, bootstrap?: BootstrapResult): string {
  const es = r.effect_size.kind === 'glass_delta' ? "Glass's delta" : "Hedges' g";
  const rows: Array<[string, string, string]> = [
    ['', 'Control', 'Intervention'],
    ['Rows analysed (missing)', `${r.nByArm.control} (${r.missingByArm.control})`, `${r.nByArm.intervention} (${r.missingByArm.intervention})`],
    ['Clusters', String(r.clustersByArm.control), String(r.clustersByArm.intervention)],
    ...(r.weighted ? [['Sum of weights', String(r.weightByArm.control), String(r.weightByArm.intervention)] as [string, string, string]] : []),
    ['Unadjusted mean (95% CI)', `${f(r.control_mean)} ${ci(r.control_mean_ci)}`, `${f(r.treatment_mean)} ${ci(r.treatment_mean_ci)}`],
    ['SD', f(r.control_sd), f(r.treatment_sd)],
  ];
  const w0 = Math.max(...rows.map((x) => x[0].length)), w1 = Math.max(...rows.map((x) => x[1].length));
  const lines = [`${r.exploratory ? 'Dose-response (exploratory)' : 'Intention-to-treat'} analysis of ${outcome}`, ''];
  for (const [a, b, c] of rows) lines.push(`  ${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}`);
  lines.push('',
    `  Adjusted difference (${r.term}): ${f(r.estimate, 5)}  95% CI ${ci(r.ci, 5)}`,
    `  SE ${f(r.se, 5)} (${r.se_type.toUpperCase()}), t = ${r.t.toFixed(3)}, df = ${Number.isInteger(r.df) ? r.df : r.df.toFixed(2)}, p = ${r.p < 0.001 ? r.p.toExponential(2) : r.p.toFixed(3)}`,
    `  ${es}: ${r.effect_size.value.toFixed(3)}  95% CI ${ci(r.effect_size.ci, 3)}`,
    `  n = ${r.n} rows in ${r.clusters} clusters; ${r.dropped} row(s) dropped`, '');
  if (r.dropped_columns.length) lines.push(`  Dropped aliased columns: ${r.dropped_columns.join(', ')}`);
  if (permutation) lines.push(`  Permutation p = ${permutation.p < 0.001 ? permutation.p.toExponential(2) : permutation.p.toFixed(4)} (${permutation.exact ? 'exact' : `${permutation.draws} draws`}); ${permutation.note}`);
  if (bootstrap) lines.push(`  Bootstrap 95% CI: percentile ${ci(bootstrap.percentile, 5)}, BCa ${ci(bootstrap.bca, 5)}; ${bootstrap.method}`);
  if (cace) lines.push(`  CACE (${cace.threshold === null ? `dose "${cace.received}"` : `${cace.received} >= ${cace.threshold}`}): ${f(cace.estimate, 5)}  95% CI ${ci(cace.ci, 5)}, SE ${f(cace.se, 5)}, p = ${cace.p < 0.001 ? cace.p.toExponential(2) : cace.p.toFixed(3)}; ${cace.method}`);
  lines.push(`  Standard errors: ${r.se_choice.reason}`);
  for (const w of r.warnings) lines.push(`  Warning: ${w}`);
  for (const n of r.notes) lines.push(`  Note: ${n}`);
  return lines.join('\n') + '\n';
}

/** --df for the mixed model: satterthwaite (default) or kr / kenward-roger, which needs REML. */
function mixedDfMethod(value: string | undefined, ml: boolean): 'satterthwaite' | 'kenward-roger' {
  const v = (value ?? 'satterthwaite').toLowerCase();
  const method = v === 'satterthwaite' ? 'satterthwaite' : v === 'kr' || v === 'kenward-roger' ? 'kenward-roger' : null;
  if (!method) throw new UsageError(`--df must be satterthwaite or kr (Kenward-Roger) (got "${value}")`);
  if (method === 'kenward-roger' && ml) throw new UsageError('--df kr: Kenward-Roger degrees of freedom are defined for REML fits; drop --ml, or keep --ml with --df satterthwaite');
  return method;
}

function formatMixed(r: MixedIttResult, outcome: string): string {
  const g = (e: { value: number; ci: [number, number] }) => `${e.value.toFixed(3)}  95% CI ${ci(e.ci, 3)}`;
  const lines = [`Linear mixed model (${r.method}) of ${outcome}: random intercepts for ${r.levels.join(' within ')}`, '',
    `  Rows analysed: ${r.n} (control ${r.nByArm.control}, intervention ${r.nByArm.intervention}); ${r.dropped} dropped; groups ${r.levels.map((l) => `${l} ${r.groups[l]}`).join(', ')}`,
    `  Adjusted difference (arm): ${f(r.estimate, 5)}  95% CI ${ci(r.ci, 5)}`,
    r.df_method === 'kenward-roger'
      ? `  SE ${r.se.toPrecision(5)} (Kenward-Roger adjusted; model SE ${r.se_unadjusted!.toPrecision(5)}), t = ${r.t.toFixed(3)}, Kenward-Roger df = ${r.df.toFixed(2)}, p = ${r.p < 0.001 ? r.p.toExponential(2) : r.p.toFixed(3)}`
      : `  SE ${f(r.se, 5)}, t = ${r.t.toFixed(3)}, Satterthwaite df = ${r.df.toFixed(2)}, p = ${r.p < 0.001 ? r.p.toExponential(2) : r.p.toFixed(3)}`,
    `  Hedges' g (total variance): ${g(r.effect_size.hedges_g_total)}`,
    `  Hedges' g (within variance): ${g(r.effect_size.hedges_g_within)}`,
    `  Variance (conditional / unconditional): ${Object.keys(r.variance).map((k) => `${k} ${f(r.variance[k])} / ${f(r.variance_unconditional[k])}`).join('; ')}`,
    ...r.levels.map((l) => `  ICC ${l}: ${r.icc[l].unconditional.toFixed(4)} unconditional${r.icc[l].ci ? ` (95% CI ${ci(r.icc[l].ci, 4)})` : ''}, ${r.icc[l].conditional.toFixed(4)} conditional`),
    `  Log-likelihood${r.method === 'REML' ? ' (REML)' : ''}: ${r.loglik.toFixed(4)}`, ''];
  for (const n of r.notes) lines.push(`  Note: ${n}`);
  return lines.join('\n') + '\n';
}
