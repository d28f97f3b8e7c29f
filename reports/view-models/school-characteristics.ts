// Table 2 of the arm-comparison report (Bolton Table 2): school characteristics by arm (GIAS categories, pupils and % FSM, the covariates imported: ever-FSM, EAL, SEN support, KS2; baseline outcomes), the evaluator's national or LA comparison column, and which covariates are not held.
import { standardisedDifference } from '../stats';
import { balanceChart } from '../charts';
import { figure, mean, sd, type FigureView } from './common';
import { fmtCountPercent, fmtDate, fmtMeanSd, fmtNOfN, fmtNumber } from './format';
import type { OutcomeDataset } from './outcomes';
import type { ArmName, ReportData, ReportSchool } from './report-data';

const ARMS: ArmName[] = ['intervention', 'control'];
const OFSTED_ORDER = ['Outstanding', 'Good', 'Requires improvement', 'Inadequate'];

export interface CategoricalRowView { label: string; comparison: string; interventionN: string; interventionCount: string; controlN: string; controlCount: string }
export interface ContinuousRowView { label: string; comparison: string; interventionN: string; interventionMean: string; controlN: string; controlMean: string; standardisedDifference: string }

export interface SchoolCharacteristicsView {
  /** The comparison column's heading (what the figures are, as the evaluator wrote it), or null: no column. */
  comparisonHeading: string | null;
  categorical: { group: string; rows: CategoricalRowView[] }[];
  continuous: ContinuousRowView[];
  figure: FigureView | null;
  /** Where the covariates came from, which are not held, and what the comparison column is. */
  notes: string[];
}

/** A characteristic the evaluator may give a national or LA comparison figure for (the report-inputs form lists these). */
export interface ComparisonCharacteristic { key: string; label: string; unit: 'percent' | 'pupils'; group: string | null }

interface CategoricalSpec { key: string; group: string; pick: (s: ReportSchool) => string | null; order?: string[]; comparable: boolean }

const CATEGORICAL: CategoricalSpec[] = [
  { key: 'ofsted', group: 'Ofsted overall effectiveness', pick: (s) => s.ofstedRating, order: OFSTED_ORDER, comparable: true },
  { key: 'type', group: 'School type', pick: (s) => s.type, comparable: true },
  { key: 'urban_rural', group: 'Urban/rural location', pick: (s) => s.urbanRural, comparable: true },
  { key: 'phase', group: 'Phase', pick: (s) => s.phase, comparable: true },
  // the trial's own LAs: a national share per LA is not a comparison anyone reports
  { key: 'la', group: 'Local authority', pick: (s) => s.laName, comparable: false },
];

function levelsOf(spec: CategoricalSpec, allocated: ReportSchool[]): string[] {
  const order = spec.order ?? [];
  return [...new Set(allocated.map(spec.pick).filter((v): v is string => v !== null && v !== ''))]
    .sort((a, b) => {
      const ia = order.indexOf(a); const ib = order.indexOf(b);
      if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
      return a < b ? -1 : a > b ? 1 : 0;
    });
}

/** School-level continuous characteristics: GIAS's pupils and % FSM, then each imported covariate that is held. */
function continuousSpecs(data: ReportData): Array<{ key: string; label: string; unit: 'percent' | 'pupils'; value: (s: ReportSchool) => number | null }> {
  const values = new Map<string, number | null>();
  for (const v of data.covariateValues ?? []) values.set(`${v.covariate}|${v.urn}`, v.value);
  return [
    { key: 'fsm_percent', label: '% pupils eligible for free school meals', unit: 'percent' as const, value: (s: ReportSchool) => s.fsmPercent },
    { key: 'pupils', label: 'Number of pupils on roll', unit: 'pupils' as const, value: (s: ReportSchool) => s.pupils },
    ...(data.covariates ?? []).filter((c) => c.sources.length > 0).map((c) => ({
      key: c.key, label: c.label, unit: 'percent' as const, value: (s: ReportSchool) => values.get(`${c.key}|${s.urn}`) ?? null,
    })),
  ];
}

/** The rows of Table 2 that take a comparison figure, in the table's order. */
export function comparisonCharacteristics(data: ReportData, allocated: ReportSchool[]): ComparisonCharacteristic[] {
  const out: ComparisonCharacteristic[] = [];
  for (const spec of CATEGORICAL.filter((c) => c.comparable)) {
    for (const level of levelsOf(spec, allocated)) out.push({ key: `${spec.key}:${level}`, label: `${spec.group}: ${level}`, unit: 'percent', group: spec.group });
  }
  for (const c of continuousSpecs(data)) out.push({ key: c.key, label: c.label, unit: c.unit, group: null });
  return out;
}

/** A comparison figure as Table 2 prints it (Bolton: "18%" for a category, "23.0" for a mean); '–' when none was entered for it. */
function comparisonText(data: ReportData, key: string, categorical: boolean): string {
  const v = data.comparison?.figures[key];
  if (v === undefined || !Number.isFinite(v)) return data.comparison ? '–' : '';
  return categorical ? `${fmtNumber(v, Number.isInteger(v) ? 0 : 1)}%` : fmtNumber(v, 1);
}

function categoricalGroup(data: ReportData, spec: CategoricalSpec, allocated: ReportSchool[]) {
  const arm = (a: ArmName) => allocated.filter((s) => s.arm === a);
  const rows = levelsOf(spec, allocated).map((level) => {
    const cells = ARMS.map((a) => {
      const all = arm(a);
      const known = all.filter((s) => spec.pick(s) !== null && spec.pick(s) !== '');
      const count = known.filter((s) => spec.pick(s) === level).length;
      return { n: fmtNOfN(count, all.length, all.length - known.length), count: fmtCountPercent(count, known.length) };
    });
    return {
      label: level, comparison: spec.comparable ? comparisonText(data, `${spec.key}:${level}`, true) : (data.comparison ? '–' : ''),
      interventionN: cells[0].n, interventionCount: cells[0].count, controlN: cells[1].n, controlCount: cells[1].count,
    };
  });
  return { group: spec.group, rows };
}

interface ContinuousInput { label: string; comparison: string; values: Record<ArmName, { value: number | null }[]>; digits: number }

function continuousRows(inputs: ContinuousInput[]) {
  const balance: { characteristic: string; standardisedDifference: number }[] = [];
  const rows = inputs.map((c): ContinuousRowView => {
    const stats = ARMS.map((a) => {
      const all = c.values[a];
      const xs = all.map((v) => v.value).filter((v): v is number => v !== null && Number.isFinite(v));
      return { all: all.length, xs, mean: mean(xs), sd: sd(xs) };
    });
    const [i, k] = stats;
    const d = i.mean !== null && k.mean !== null && i.sd !== null && k.sd !== null ? standardisedDifference(i.mean, i.sd, k.mean, k.sd) : null;
    if (d !== null) balance.push({ characteristic: c.label, standardisedDifference: d });
    return {
      label: c.label, comparison: c.comparison,
      interventionN: fmtNOfN(i.xs.length, i.all, i.all - i.xs.length), interventionMean: fmtMeanSd(i.mean, i.sd, c.digits),
      controlN: fmtNOfN(k.xs.length, k.all, k.all - k.xs.length), controlMean: fmtMeanSd(k.mean, k.sd, c.digits),
      standardisedDifference: d === null ? 'n/a' : fmtNumber(d, 2),
    };
  });
  return { rows, balance };
}

/** Where each held covariate came from (grouped by file), which are not held, and what the comparison column is. */
function notesOf(data: ReportData): string[] {
  const notes: string[] = [];
  const covariates = data.covariates ?? [];
  const byFile = new Map<string, { file: string; sha256: string; importedAt: string; columns: string[] }>();
  for (const c of covariates) {
    for (const s of c.sources) {
      const k = `${s.file}|${s.sha256}`;
      const e = byFile.get(k) ?? { ...s, columns: [] };
      e.columns.push(c.column);
      byFile.set(k, e);
    }
  }
  if (byFile.size) {
    notes.push(`School covariates beyond GIAS: ${[...byFile.values()].map((f) => `${f.columns.join(', ')} from ${f.file} (SHA-256 ${f.sha256.slice(0, 12)}…, imported ${fmtDate(f.importedAt)})`).join('; ')}. A school without a value (blank or suppressed in the file, or not in it) is counted as missing.`);
  }
  const notHeld = covariates.filter((c) => c.sources.length === 0);
  if (!data.covariates) notes.push('No school covariates beyond GIAS (ever-FSM, EAL, SEN support, KS2) are held for this trial.');
  else if (notHeld.length) notes.push(`Not held for this trial, so not shown: ${notHeld.map((c) => `${c.label} (${c.column})`).join('; ')}.`);
  notes.push(data.comparison
    ? `Comparison column: ${data.comparison.heading}, as entered by the evaluator (not computed by dslkit); – where no figure was entered.`
    : 'No national or local authority comparison figures have been entered for this table (report inputs).');
  return notes;
}

/** Table 2: categorical and continuous school characteristics by arm (allocated schools), baseline outcomes, the balance figure and notes. */
export function schoolCharacteristics(data: ReportData, allocated: ReportSchool[], outcomes: OutcomeDataset[], primaryKey: string | null): SchoolCharacteristicsView {
  const categorical = CATEGORICAL.map((spec) => categoricalGroup(data, spec, allocated)).filter((g) => g.rows.length > 0);
  const bySchool = (pick: (s: ReportSchool) => number | null) => ({
    intervention: allocated.filter((s) => s.arm === 'intervention').map((s) => ({ value: pick(s) })),
    control: allocated.filter((s) => s.arm === 'control').map((s) => ({ value: pick(s) })),
  });
  const inputs: ContinuousInput[] = continuousSpecs(data).map((c) => ({ label: c.label, comparison: comparisonText(data, c.key, false), values: bySchool(c.value), digits: 1 }));
  for (const o of outcomes) {
    if (!o.hasBaseline || (o.kind === 'proportion' && o.key !== primaryKey)) continue;
    const vals = (arm: ArmName) => o.rows.filter((r) => r.arm === arm).map((r) => ({ value: typeof r.baseline === 'number' ? (o.kind === 'proportion' ? r.baseline * 100 : r.baseline) : null }));
    inputs.push({
      label: o.kind === 'proportion' ? `Prior year: ${o.label} as % of pupils` : `Baseline survey: ${o.label} (DSLs)`, comparison: data.comparison ? '–' : '',
      values: { intervention: vals('intervention'), control: vals('control') }, digits: o.kind === 'proportion' ? 2 : 1,
    });
  }
  const { rows, balance } = continuousRows(inputs);
  return {
    comparisonHeading: data.comparison?.heading ?? null,
    categorical,
    continuous: rows,
    figure: balance.length ? figure('2', balanceChart({ id: 'balance', rows: balance })) : null,
    notes: notesOf(data),
  };
}
