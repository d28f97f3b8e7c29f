// `dslkit analyse`: intention-to-treat (or dose-response) analysis of a trial CSV, printed as a table or JSON.
import fs from 'node:fs';
import { parseCsv } from '../../domain/csv';
import { ittAnalysis, type IttResult } from '../../../reports/analysis';
import { flag, listOption, requiredString, stringOption, UsageError, type CliCommand } from '../command';

export const command: CliCommand = {
  name: 'analyse',
  summary: 'intention-to-treat analysis: adjusted difference, cluster-robust CI and p, Glass\'s delta',
  usage: 'analyse --data <file.csv> --outcome <col> --arm <col> --cluster <col> [--baseline <col>] [--strata <col> ...] [--weight <col>] [--proportion] [--dosage <col>] [--se cr1|cr2] [--json]',
  description: `
Fits outcome ~ arm + baseline + strata dummies by (weighted) least squares with standard errors clustered
on --cluster (CR1 with Stata's small-sample factor and df = clusters - 1, or CR2 with Satterthwaite df).
--arm takes 0/1 or control/intervention. Rows missing the outcome are dropped and counted.
--weight gives frequency weights (N = sum of weights, as Stata [fw=] / the pupil-level expansion).
--proportion: the outcome is a proportion of the weight; the effect-size SD is the pupil-level 0/1 SD of the control group.
--dosage: replace the arm by a dosage in [0, 1] (exploratory dose-response).
Example: dslkit analyse --data la.csv --outcome nfa --arm arm --cluster urn --baseline nfa_prev --strata block --weight pupils --proportion --json`,
  options: [
    { name: 'data', type: 'string', valueName: '<file.csv>', description: 'CSV file with one row per unit (school, DSL)' },
    { name: 'outcome', type: 'string', valueName: '<col>', description: 'outcome column' },
    { name: 'arm', type: 'string', valueName: '<col>', description: 'arm column (0/1 or control/intervention)' },
    { name: 'cluster', type: 'string', valueName: '<col>', description: 'unit of randomisation (standard errors are clustered on it)' },
    { name: 'baseline', type: 'string', valueName: '<col>', description: 'baseline (previous period) measure' },
    { name: 'strata', type: 'string', multiple: true, valueName: '<col>', description: 'randomisation strata column' },
    { name: 'weight', type: 'string', valueName: '<col>', description: 'frequency weight column (e.g. pupils)' },
    { name: 'proportion', type: 'boolean', description: 'outcome is a proportion of the weight column' },
    { name: 'dosage', type: 'string', valueName: '<col>', description: 'dosage column in [0, 1] replacing the arm (exploratory)' },
    { name: 'se', type: 'string', valueName: 'cr1|cr2', description: 'standard errors', default: 'cr1' },
    { name: 'effect-size', type: 'string', valueName: 'glass|hedges', description: 'effect size', default: 'glass' },
    { name: 'json', type: 'boolean', description: 'print one JSON object' },
  ],
  run(ctx) {
    const file = requiredString(ctx, 'data');
    const se = stringOption(ctx, 'se') ?? 'cr1';
    if (se !== 'cr1' && se !== 'cr2') throw new UsageError(`--se must be cr1 or cr2 (got "${se}")`);
    const es = stringOption(ctx, 'effect-size') ?? 'glass';
    if (es !== 'glass' && es !== 'hedges') throw new UsageError(`--effect-size must be glass or hedges (got "${es}")`);
    const table = parseCsv(fs.readFileSync(file, 'utf8'), file);
    const result = ittAnalysis(table.rows.map((r) => r.values), {
      outcome: requiredString(ctx, 'outcome'), arm: requiredString(ctx, 'arm'), cluster: requiredString(ctx, 'cluster'),
      baseline: stringOption(ctx, 'baseline'), strata: listOption(ctx, 'strata'), weight: stringOption(ctx, 'weight'),
      proportion: flag(ctx, 'proportion'), dosage: stringOption(ctx, 'dosage'), se, effectSize: es,
      rowLabels: table.rows.map((r) => `${file}: line ${r.line}`),
    });
    ctx.io.stdout(flag(ctx, 'json') ? `${JSON.stringify(toJson(result), null, 2)}\n` : formatTable(result, requiredString(ctx, 'outcome')));
    return 0;
  },
};

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
    effect_size: effect, se_type: r.se_type, weighted: r.weighted, n_effective: r.n_effective,
    dropped_columns: r.dropped_columns, exploratory: r.exploratory, coefficients: r.coefficients, notes: r.notes,
  };
}

const f = (x: number, d = 4) => (Math.abs(x) < 1e-3 && x !== 0 ? x.toPrecision(3) : x.toFixed(d));
const ci = (c: [number, number] | null, d = 4) => (c ? `(${f(c[0], d)}, ${f(c[1], d)})` : 'n/a');

function formatTable(r: IttResult, outcome: string): string {
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
  for (const n of r.notes) lines.push(`  Note: ${n}`);
  return lines.join('\n') + '\n';
}
