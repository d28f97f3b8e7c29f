// View-model of the arm-comparison report (Bolton report Tables 1-4, Figure 2, Appendix tables 1-2): runs the ITT analyses and formats every number as text.
import { consortCounts, ittAnalysis, type ConsortCounts, type ConsortRecord, type IttOptions, type IttResult } from '../analysis';
import { chooseSe } from '../analysis/itt';
import { mixedModelItt } from '../analysis/mixed-model-itt';
import { dosageByUrn, dosageSummary } from '../analysis/ipe';
import {
  CONSORT_STAGES, consortFlow, dosageChart, forestPlot, outcomeHistogram, outcomeHistogramPanel, responseRatesChart,
  type ConsortStage, type ForestRow, type HistogramRow,
} from '../charts';
import { ARM_LABEL, correlation, figure, reportHeader, type FigureView, type LabelValue } from './common';
import {
  fmtCi, fmtCiPercentagePoints, fmtDate, fmtInt, fmtMonth, fmtNMissing, fmtNumber, fmtP,
  fmtPercent, fmtPercentagePoints, fmtTotalSplit,
} from './format';
import { adminDatasets, isAllocated, surveyDatasets, type OutcomeDataset } from './outcomes';
import { adminCoverage, type CoverageSummary } from './admin-coverage';
import { mdesTable, type MdesTableView } from './mdes-table';
import { robustnessSection, type RobustnessView } from './robustness';
import { schoolCharacteristics, type SchoolCharacteristicsView } from './school-characteristics';
import { fmtMeanInUnit, secondaryCaption, splitByUnit, unitHeadings } from './outcome-units';
import { designOutcomes, designRows, type DesignOutcomesView } from './design-table';
import { inferenceSection, outcomeInference, type InferenceTools, type InferenceView, type OutcomeInference } from './inference';
import { evaluatorSections, type EvaluatorSectionsView } from './evaluator-sections';
import type { ArmName, ReportData, ReportSchool } from './report-data';
import { clusterLevelOf } from './cluster-level';

export interface OutcomeRowView {
  key: string;
  label: string;
  interventionN: string;
  interventionMean: string;
  controlN: string;
  controlMean: string;
  totalN: string;
  difference: string;
  effectSize: string;
  p: string;
  /** Set when the model could not be estimated; the numeric cells then read "n/a". */
  problem: string | null;
}

export interface AppendixRowView {
  label: string; unadjusted: string; adjusted: string; interventionN: string; interventionVariance: string; controlN: string; controlVariance: string; effectSize: string;
}

export interface OutcomeTableView {
  rows: OutcomeRowView[];
  /** Caption, e.g. "Table 4. Secondary analysis" (one table per unit: outcome-units.ts). */
  caption: string;
  meanHeading: string;
  differenceHeading: string;
  effectSizeHeading: string;
  methodNote: string;
  notes: string[];
}

export interface ArmComparisonView {
  kind: 'arm-comparison';
  /** Multilevel-model effect sizes of the survey outcomes, when the report settings ask for them. */
  mlm: { rows: Array<{ label: string; lead: string; other: string; icc: string; p: string }>; leadName: string; otherName: string; note: string; problems: string[] } | null;
  /** Permutation p and bootstrap CIs beside Tables 3 and 4, the CACE beside the dose-response (reports/view-models/inference.ts). */
  inference: InferenceView;
  title: string; subtitle: string; trialId: string; generatedOn: string; demoNotice: string | null;
  design: LabelValue[];
  /** Each outcome with its measure and data source (the design table's second part). */
  designOutcomes: DesignOutcomesView;
  /** The sections the evaluator writes (executive summary, introduction, logic model, Table 6 key conclusions, interpretation, limitations). */
  sections: EvaluatorSectionsView;
  /** A plain sentence when there are no outcome data to analyse yet. */
  noOutcomes: string | null;
  consort: { figure: FigureView; rows: { stage: string; intervention: string; control: string; all: string }[]; notes: string[] };
  attrition: { rows: { level: string; stage: string; intervention: string; control: string; total: string }[]; note: string };
  /** LA outcome data coverage per month and arm, and the schools left out for gaps (null when the trial has no outcome window or no data). */
  coverage: {
    statement: string;
    rows: { month: string; window: string; intervention: string; control: string }[];
    excluded: { urn: string; arm: string; reason: string }[];
    excludedNote: string | null;
  } | null;
  /** Table 2 (school-characteristics.ts). */
  baseline: SchoolCharacteristicsView;
  primary: OutcomeTableView | null;
  /** Plain sentence when the primary outcome has no data yet (instead of a table of empty cells). */
  primaryPending: string | null;
  /** One table per unit (administrative proportions, survey scores); empty when there are none. */
  secondary: OutcomeTableView[];
  /** Plain sentence naming secondary outcomes that have no data yet. */
  secondaryPending: string | null;
  forest: FigureView | null;
  distributions: { primary: FigureView[]; secondary: FigureView[] };
  /** paper: of the completed, how many were paper returns; anyPaper shows that column (none: every response was made on the web). */
  responseRates: { rows: { wave: string; arm: string; invited: string; completed: string; paper: string; rate: string }[]; figure: FigureView | null; anyPaper: boolean };
  compliance: { rows: { category: string; schools: string }[]; total: string; figure: FigureView; doseResponse: string; note: string };
  mdes: MdesTableView;
  /** Robustness checks of the primary outcome (robustness.ts); null while it has no result. */
  robustness: RobustnessView | null;
  appendix: { primary: AppendixRowView[]; secondary: AppendixRowView[]; note: string; analysisNotes: string[] };
}

export interface Analysed { dataset: OutcomeDataset; result: IttResult | null; problem: string | null; /** No outcome data at all yet (e.g. endline still open). */ pending: boolean }

const ARMS: ArmName[] = ['intervention', 'control'];

/** The schools in an outcome's analysis, by arm (its clusters when clustered by school; counted from the rows analysed when the clusters are LAs). */
export function schoolsAnalysedByArm(a: Pick<Analysed, 'dataset' | 'result'>): Record<ArmName, number> {
  const r = a.result;
  if (!r) return { intervention: 0, control: 0 };
  const seen = { intervention: new Set<unknown>(), control: new Set<unknown>() };
  for (const i of r.rowsAnalysed) {
    const row = a.dataset.rows[i];
    if (row.arm === 'intervention' || row.arm === 'control') seen[row.arm].add(row.urn);
  }
  return { intervention: seen.intervention.size, control: seen.control.size };
}

/** The report's SE type: `dslkit analyse --se auto`'s rule (chooseSe), applied to the clusters allocated rather than those analysed. */
export function chooseSeType(setting: 'auto' | 'cr1' | 'cr2', clusters: number, clustersAreLas: boolean): 'cr1' | 'cr2' {
  return chooseSe(setting, clusters, clustersAreLas, 'cluster').used;
}

/** The ITT options the report fits an outcome with (extra options override them). */
export function ittOptionsFor(dataset: OutcomeDataset, data: ReportData, extra: Partial<IttOptions> = {}): IttOptions {
  const level = clusterLevelOf(data);
  const allocatedClusters = new Set(dataset.rows.map((r) => r[level.column])).size;
  const strataLevels = new Set(dataset.rows.map((r) => r.stratum)).size;
  const opts: IttOptions = {
    outcome: 'y', arm: 'arm', cluster: level.column, clustersAreLas: level.las,
    baseline: dataset.hasBaseline ? 'baseline' : undefined,
    strata: strataLevels > 1 ? ['stratum'] : undefined,
    weight: dataset.kind === 'proportion' ? 'pupils' : undefined,
    proportion: dataset.kind === 'proportion',
    se: chooseSeType(data.settings.seType, allocatedClusters, level.las),
    effectSize: data.settings.effectSize,
    ...extra,
  };
  return opts;
}

function analyse(dataset: OutcomeDataset, data: ReportData, extra: Partial<IttOptions> = {}): Analysed {
  const opts = ittOptionsFor(dataset, data, extra);
  const complete = dataset.rows.filter((r) => r.y !== null && r.y !== undefined);
  if (complete.length === 0) return { dataset, result: null, problem: 'no outcome data yet', pending: true };
  for (const arm of ARMS) if (!complete.some((r) => r.arm === arm)) return { dataset, result: null, problem: `no outcome data yet in the ${arm} arm`, pending: false };
  try {
    return { dataset, result: ittAnalysis(dataset.rows, opts), problem: null, pending: false };
  } catch (err) {
    return { dataset, result: null, problem: (err as Error).message, pending: false };
  }
}

function effectSizeName(kind: 'glass' | 'hedges'): string {
  return kind === 'glass' ? "Glass's delta" : "Hedges' g";
}

function methodNote(analysed: Analysed[], data: ReportData): string {
  const r = analysed.find((a) => a.result)?.result;
  const es = data.settings.effectSize === 'glass'
    ? "Effect size: Glass's delta, the adjusted difference and its CI divided by the control group's unconditional (unadjusted) SD"
    : "Effect size: Hedges' g, the adjusted difference divided by the pooled SD with the small-sample correction";
  const prop = analysed.some((a) => a.dataset.kind === 'proportion') && data.settings.effectSize === 'glass'
    ? " (for proportions of pupils, the pupil-level SD of the 0/1 indicator in the control group, sqrt(p(1 − p)N/(N − 1)))" : '';
  const level = clusterLevelOf(data);
  const se = !r ? `Standard errors: cluster-robust, clustered by ${level.name}.`
    : r.se_type === 'cr1'
      ? `Standard errors: CR1 cluster-robust (as Stata vce(cluster)), clustered by ${level.name} (${fmtInt(r.clusters)} ${level.plural}); t tests and CIs with G − 1 = ${fmtInt(r.df)} degrees of freedom.`
      : `Standard errors: CR2 (Bell–McCaffrey) cluster-robust, clustered by ${level.name} (${fmtInt(r.clusters)} ${level.plural}), with Satterthwaite degrees of freedom${data.settings.seType !== 'auto' ? ' (chosen in the report settings)' : level.las ? ' (local authorities were randomised)' : ' (few clusters)'}.`;
  return `${es}${prop}. ${se} Model: outcome on arm, baseline (same measure, previous period) and strata dummies; intention to treat, complete cases.`;
}

function nCell(a: Analysed, arm: ArmName, data: ReportData): string {
  const allocated = a.dataset.rows.filter((r) => r.arm === arm);
  const r = a.result;
  const n = r ? r.nByArm[arm] : 0;
  const missing = allocated.length - n;
  if (a.dataset.kind === 'proportion') {
    const allPupils = allocated.reduce((s, row) => s + (typeof row.pupils === 'number' ? row.pupils : 0), 0);
    const pupils = r ? r.weightByArm[arm] : 0;
    return `Schools: ${fmtNMissing(n, missing)}; Pupils: ${fmtNMissing(pupils, allPupils - pupils)}`;
  }
  const schools = schoolsAnalysedByArm(a)[arm];
  void data;
  return `DSLs: ${fmtNMissing(n, missing)}; schools: ${fmtInt(schools)}`;
}

function labelWithDirection(d: OutcomeDataset): string {
  return d.direction ? `${d.label} (${d.direction})` : d.label;
}

function outcomeRow(a: Analysed, data: ReportData): OutcomeRowView {
  const r = a.result;
  const d = a.dataset;
  const na = 'n/a';
  if (!r) {
    return { key: d.key, label: labelWithDirection(d), interventionN: nCell(a, 'intervention', data), interventionMean: na, controlN: nCell(a, 'control', data), controlMean: na, totalN: na, difference: na, effectSize: na, p: na, problem: a.problem };
  }
  const prop = d.kind === 'proportion';
  const meanCell = (m: number, ci: [number, number] | null) => fmtMeanInUnit(d.kind, m, ci, d.digits);
  return {
    key: d.key,
    label: labelWithDirection(d),
    interventionN: nCell(a, 'intervention', data),
    interventionMean: meanCell(r.treatment_mean, r.treatment_mean_ci),
    controlN: nCell(a, 'control', data),
    controlMean: meanCell(r.control_mean, r.control_mean_ci),
    totalN: prop ? fmtTotalSplit(r.weightByArm.intervention, r.weightByArm.control) : fmtTotalSplit(r.nByArm.intervention, r.nByArm.control),
    difference: prop ? `${fmtPercentagePoints(r.estimate)} ${fmtCiPercentagePoints(r.ci)}` : `${fmtNumber(r.estimate, d.digits)} ${fmtCi(r.ci, d.digits)}`,
    effectSize: `${fmtNumber(r.effect_size.value, 3)} ${fmtCi(r.effect_size.ci, 3)}`,
    p: fmtP(r.p),
    problem: null,
  };
}

function appendixRow(a: Analysed): AppendixRowView {
  const r = a.result;
  const na = 'n/a';
  if (!r) return { label: a.dataset.label, unadjusted: na, adjusted: na, interventionN: na, interventionVariance: na, controlN: na, controlVariance: na, effectSize: na };
  const prop = a.dataset.kind === 'proportion';
  const digits = prop ? 5 : 3;
  const nOf = (arm: ArmName) => {
    const allocated = a.dataset.rows.filter((x) => x.arm === arm);
    if (prop) {
      const all = allocated.reduce((s, row) => s + (typeof row.pupils === 'number' ? row.pupils : 0), 0);
      return fmtNMissing(r.weightByArm[arm], all - r.weightByArm[arm]);
    }
    return fmtNMissing(r.nByArm[arm], allocated.length - r.nByArm[arm]);
  };
  return {
    label: a.dataset.label,
    unadjusted: fmtNumber(r.unadjusted_difference, digits),
    adjusted: fmtNumber(r.estimate, digits),
    interventionN: nOf('intervention'),
    interventionVariance: fmtNumber(r.treatment_variance, 4),
    controlN: nOf('control'),
    controlVariance: fmtNumber(r.control_variance, 4),
    effectSize: fmtNumber(r.effect_size.value, 3),
  };
}

/** An outcome table of outcomes in one unit (callers split them with splitByUnit). */
function outcomeTable(analysed: Analysed[], data: ReportData, caption: string): OutcomeTableView {
  const notes = [...new Set(analysed.map((a) => `${a.dataset.description}.`))];
  return {
    rows: analysed.map((a) => outcomeRow(a, data)),
    caption,
    ...unitHeadings(analysed[0].dataset.kind),
    effectSizeHeading: `${effectSizeName(data.settings.effectSize)} (95% CI)`,
    methodNote: methodNote(analysed, data),
    notes,
  };
}

/** Each analysis note once, naming the outcomes it applies to ("All outcomes" when it is every analysed one), in first-seen order. */
export function notesOnce(analysed: Analysed[]): string[] {
  const withResult = analysed.filter((a) => a.result);
  const byNote = new Map<string, string[]>();
  for (const a of withResult) for (const n of a.result!.notes) byNote.set(n, [...(byNote.get(n) ?? []), a.dataset.label]);
  return [...byNote].map(([note, labels]) => `${labels.length === withResult.length && labels.length > 1 ? 'All outcomes' : labels.join('; ')}: ${note}`);
}

function histogram(a: Analysed, n: string): FigureView {
  const values: HistogramRow[] = a.dataset.rows.filter((r) => typeof r.y === 'number').map((r) => ({ arm: ARM_LABEL[r.arm as ArmName], value: r.y as number }));
  return figure(n, outcomeHistogram({ id: `hist-${a.dataset.key.replace(/[^a-z0-9]+/gi, '-')}`, outcomeLabel: a.dataset.label, kind: a.dataset.kind, values }));
}

// ---- design, CONSORT, attrition ---------------------------------------------------------------

/** Counts of free-text reasons, most frequent first: "closing (2); LA decision (1)". */
function reasonList(reasons: Array<string | null | undefined>): string {
  const counts = new Map<string, number>();
  for (const r of reasons) { const k = r && r.trim() ? r.trim() : 'no reason recorded'; counts.set(k, (counts.get(k) ?? 0) + 1); }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${k} (${n})`).join('; ');
}

/**
 * One CONSORT record per allocated school: received the allocated condition (intervention: sessions recorded, or an
 * attendance record the evaluator marked missing, and not declined; control: no supervision sessions), left after
 * allocation (declined, withdrew), followed up (has the primary outcome).
 */
function schoolRecords(data: ReportData, allocated: ReportSchool[], primary: Analysed | null): ConsortRecord[] {
  const engagedUrns = new Set(data.sessions.filter((s) => s.kind !== 'adhoc').flatMap((s) => s.attendees.map((a) => a.urn)));
  const withY = new Set(primary ? primary.dataset.rows.filter((r) => r.y !== null && r.y !== undefined).map((r) => Number(r.urn)) : []);
  return allocated.map((s) => {
    const left = s.enrolment === 'declined' || s.enrolment === 'withdrawn' ? s.enrolment : null;
    const received = s.arm === 'intervention' ? s.enrolment !== 'declined' && (engagedUrns.has(s.urn) || s.attendanceMissing === true) : !engagedUrns.has(s.urn);
    return { id: String(s.urn), level: 'school' as const, arm: s.arm as ArmName, randomised: true, received, followedUp: withY.has(s.urn), analysed: withY.has(s.urn), left };
  });
}

function consortSection(data: ReportData, allocated: ReportSchool[], primary: Analysed | null) {
  const dslsOf = (urns: Set<number>) => data.dsls.filter((d) => urns.has(d.urn)).length;
  const assessedUrns = new Set(data.schools.map((s) => s.urn));
  const allocUrns = new Set(allocated.map((s) => s.urn));
  const excluded = data.schools.filter((s) => !allocUrns.has(s.urn) && (s.enrolment === 'excluded' || data.randomisation !== null));
  const excludedUrns = new Set(excluded.map((s) => s.urn));
  const engagedDsls = new Set(data.sessions.flatMap((s) => s.attendees.map((a) => a.dslId)));
  const records = schoolRecords(data, allocated, primary);
  const counts = consortCounts(records);
  const receivedUrns = new Set(records.filter((r) => r.received).map((r) => Number(r.id)));
  const rows: { stage: ConsortStage; arm: 'All' | 'Intervention' | 'Control'; schools: number; dsls: number }[] = [
    { stage: 'Assessed for eligibility', arm: 'All', schools: assessedUrns.size, dsls: dslsOf(assessedUrns) },
    { stage: 'Excluded', arm: 'All', schools: excludedUrns.size, dsls: dslsOf(excludedUrns) },
    { stage: 'Randomised', arm: 'All', schools: allocUrns.size, dsls: dslsOf(allocUrns) },
  ];
  const followed = (arm: ArmName): { schools: Set<number>; dsls: number } => {
    if (!primary) return { schools: new Set(), dsls: 0 };
    const withY = primary.dataset.rows.filter((r) => r.arm === arm && r.y !== null && r.y !== undefined);
    const schools = new Set(withY.map((r) => Number(r.urn)));
    return { schools, dsls: primary.dataset.kind === 'score' ? withY.length : dslsOf(schools) };
  };
  const notes: string[] = [];
  if (excluded.length) notes.push(`Excluded before randomisation: ${fmtInt(excluded.length)} school${excluded.length === 1 ? '' : 's'} (${reasonList(excluded.map((s) => (s.enrolment === 'excluded' ? s.statusReason : 'not randomised, no status recorded')))}).`);
  for (const arm of ARMS) {
    const label = ARM_LABEL[arm];
    const armSchools = allocated.filter((s) => s.arm === arm);
    const urns = new Set(armSchools.map((s) => s.urn));
    const stage = counts.school[arm];
    rows.push({ stage: 'Allocated', arm: label, schools: urns.size, dsls: dslsOf(urns) });
    const received = new Set(armSchools.filter((s) => receivedUrns.has(s.urn)).map((s) => s.urn));
    const receivedDsls = arm === 'intervention'
      ? data.dsls.filter((d) => received.has(d.urn) && (engagedDsls.has(d.id) || armSchools.some((s) => s.urn === d.urn && s.attendanceMissing))).length
      : dslsOf(received);
    rows.push({ stage: 'Received allocated intervention', arm: label, schools: stage.received, dsls: receivedDsls });
    const notReceived = new Set([...urns].filter((u) => !received.has(u)));
    rows.push({ stage: 'Did not receive allocated intervention', arm: label, schools: stage.notReceived, dsls: dslsOf(notReceived) });
    // Left the trial after allocation: a school that withdrew; a DSL withdrawn or erased at their request (still counted as randomised)
    const withdrawnDsls = data.dsls.filter((d) => urns.has(d.urn) && (d.status === 'withdrawn' || d.status === 'erased')).length;
    rows.push({ stage: 'Withdrew', arm: label, schools: stage.withdrawn, dsls: withdrawnDsls });
    const f = followed(arm);
    rows.push({ stage: 'Followed up', arm: label, schools: f.schools.size, dsls: f.dsls });
    const r = primary?.result;
    const analysedSchools = primary ? schoolsAnalysedByArm(primary)[arm] : 0;
    const analysedDsls = !r ? 0 : primary!.dataset.kind === 'score' ? r.nByArm[arm] : f.dsls;
    rows.push({ stage: 'Analysed', arm: label, schools: analysedSchools, dsls: analysedDsls });
    const missed = armSchools.filter((s) => notReceived.has(s.urn));
    if (arm === 'intervention' && missed.length) {
      const declined = missed.filter((s) => s.enrolment === 'declined');
      const other = missed.filter((s) => s.enrolment !== 'declined');
      notes.push(`Intervention schools that did not receive the intervention: ${fmtInt(missed.length)}`
        + (declined.length ? `; ${fmtInt(declined.length)} declined after allocation (${reasonList(declined.map((s) => s.statusReason))})` : '')
        + (other.length ? `; ${fmtInt(other.length)} with no supervision session recorded and no status` : '') + '.');
    }
    if (arm === 'control' && missed.length) notes.push(`Control schools with supervision sessions recorded (contamination): ${fmtInt(missed.length)}.`);
    const missing = armSchools.filter((s) => s.attendanceMissing);
    if (arm === 'intervention' && missing.length) notes.push(`Attendance record missing: ${fmtInt(missing.length)} intervention school${missing.length === 1 ? '' : 's'}, counted as having received the intervention (dosage unknown; Table 5 counts ${missing.length === 1 ? 'it' : 'them'} as missing information on attendance).`);
    const withdrew = armSchools.filter((s) => s.enrolment === 'withdrawn');
    if (withdrew.length) notes.push(`${label} schools that withdrew after allocation: ${fmtInt(withdrew.length)} (${reasonList(withdrew.map((s) => s.statusReason))}); they stay in their arm (intention to treat) and are analysed where outcome data exist.`);
  }
  const chart = consortFlow({ id: 'consort', rows });
  const stages: ConsortStage[] = [...CONSORT_STAGES];
  const cell = (stage: ConsortStage, arm: string) => {
    const r = chart.rows.find((x) => x.stage === stage && x.arm === arm);
    return r ? r.label : '';
  };
  return {
    figure: figure('1', chart),
    rows: stages.map((stage) => ({ stage, intervention: cell(stage, 'Intervention'), control: cell(stage, 'Control'), all: cell(stage, 'All') })),
    notes,
    counts,
  };
}

function attritionSection(allocated: ReportSchool[], primary: Analysed | null, counts: ConsortCounts) {
  const rows: ArmComparisonView['attrition']['rows'] = [];
  const r = primary?.result;
  const add = (level: string, rand: Record<ArmName, number>, analysed: Record<ArmName, number>, left?: { declined: Record<ArmName, number>; withdrawn: Record<ArmName, number> }) => {
    const total = (x: Record<ArmName, number>) => x.intervention + x.control;
    const lost = { intervention: rand.intervention - analysed.intervention, control: rand.control - analysed.control };
    rows.push({ level, stage: 'Randomised', intervention: fmtInt(rand.intervention), control: fmtInt(rand.control), total: fmtInt(total(rand)) });
    if (left && total(left.declined) > 0) rows.push({ level, stage: 'Declined after allocation (kept in arm)', intervention: fmtInt(left.declined.intervention), control: fmtInt(left.declined.control), total: fmtInt(total(left.declined)) });
    if (left && total(left.withdrawn) > 0) rows.push({ level, stage: 'Withdrew after allocation (kept in arm)', intervention: fmtInt(left.withdrawn.intervention), control: fmtInt(left.withdrawn.control), total: fmtInt(total(left.withdrawn)) });
    rows.push({ level, stage: 'Analysed', intervention: fmtInt(analysed.intervention), control: fmtInt(analysed.control), total: fmtInt(total(analysed)) });
    rows.push({ level, stage: 'Attrition (number)', intervention: fmtInt(lost.intervention), control: fmtInt(lost.control), total: fmtInt(total(lost)) });
    rows.push({ level, stage: 'Attrition (%)', intervention: fmtPercent(lost.intervention, rand.intervention), control: fmtPercent(lost.control, rand.control), total: fmtPercent(total(lost), total(rand)) });
  };
  const rand = { intervention: allocated.filter((s) => s.arm === 'intervention').length, control: allocated.filter((s) => s.arm === 'control').length };
  const s = counts.school;
  add('Schools', rand, primary ? schoolsAnalysedByArm(primary) : { intervention: 0, control: 0 }, {
    declined: { intervention: s.intervention.declined, control: s.control.declined }, withdrawn: { intervention: s.intervention.withdrawn, control: s.control.withdrawn },
  });
  if (primary?.dataset.kind === 'score') {
    const dslRand = { intervention: primary.dataset.rows.filter((x) => x.arm === 'intervention').length, control: primary.dataset.rows.filter((x) => x.arm === 'control').length };
    add('DSLs', dslRand, r ? r.nByArm : { intervention: 0, control: 0 });
  }
  const note = primary ? `Attrition from randomisation to the primary analysis (${primary.dataset.label}).` : 'No primary outcome has data yet.';
  return { rows, note };
}

// ---- administrative data coverage ------------------------------------------------------------

const MAX_LISTED_EXCLUSIONS = 50;

function coverageSection(data: ReportData, allocated: ReportSchool[], coverage: CoverageSummary | null): ArmComparisonView['coverage'] {
  if (!coverage || !coverage.known || data.adminOutcomes.length === 0) return null;
  const n = { intervention: allocated.filter((s) => s.arm === 'intervention').length, control: allocated.filter((s) => s.arm === 'control').length };
  const list = [...coverage.schools.values()];
  const excluded = list.filter((c) => c.excludedBecause !== null);
  const analysable = { intervention: n.intervention - excluded.filter((c) => c.arm === 'intervention').length, control: n.control - excluded.filter((c) => c.arm === 'control').length };
  const covered = new Map((data.adminCoverage ?? []).map((c) => [c.urn, new Set(c.months)]));
  const count = (month: string, arm: ArmName) => allocated.filter((s) => s.arm === arm && covered.get(s.urn)?.has(month)).length;
  const months = [...coverage.baselineUsed ? coverage.baselineMonths.map((m) => [m, 'baseline'] as const) : [], ...coverage.outcomeMonths.map((m) => [m, 'outcome'] as const)];
  const windows = `the outcome window (${fmtMonth(coverage.outcomeMonths[0])} to ${fmtMonth(coverage.outcomeMonths[coverage.outcomeMonths.length - 1])})`
    + (coverage.baselineUsed ? ` and of the baseline window (${fmtMonth(coverage.baselineMonths[0])} to ${fmtMonth(coverage.baselineMonths[coverage.baselineMonths.length - 1])})` : '');
  const rule = coverage.mode === 'prorate'
    ? `Report setting "pro-rate missing months": a school's administrative outcomes are analysed when its data cover at least half of ${windows}; a window with months missing is scaled up (window sum × months in the window ÷ months with data). `
    : `Administrative outcomes are analysed only for schools with LA data for every month of ${windows}; a month with no count at all is a gap in the data, not a zero. `;
  const gaps = excluded.filter((c) => c.excludedBecause !== 'no outcome-window data');
  const none = excluded.filter((c) => c.excludedBecause === 'no outcome-window data');
  const prorated = coverage.mode === 'prorate' ? list.filter((c) => c.excludedBecause === null && (c.outcomeFactor !== 1 || c.baselineFactor !== 1)).length : 0;
  const statement = `${rule}${fmtInt(analysable.intervention + analysable.control)} of ${fmtInt(n.intervention + n.control)} allocated schools qualify (intervention ${fmtInt(analysable.intervention)} of ${fmtInt(n.intervention)}, control ${fmtInt(analysable.control)} of ${fmtInt(n.control)}).`
    + (gaps.length ? ` ${fmtInt(gaps.length)} school${gaps.length === 1 ? ' is' : 's are'} left out for gaps in the monthly data (intervention ${fmtInt(gaps.filter((c) => c.arm === 'intervention').length)}, control ${fmtInt(gaps.filter((c) => c.arm === 'control').length)}).` : ' No school is left out for gaps in the monthly data.')
    + (none.length ? ` ${fmtInt(none.length)} school${none.length === 1 ? ' has' : 's have'} no outcome-window data at all.` : '')
    + (prorated ? ` ${fmtInt(prorated)} school${prorated === 1 ? ' is' : 's are'} pro-rated.` : '');
  return {
    statement,
    rows: months.map(([m, w]) => ({ month: fmtMonth(m), window: w, intervention: `${fmtInt(count(m, 'intervention'))} of ${fmtInt(n.intervention)}`, control: `${fmtInt(count(m, 'control'))} of ${fmtInt(n.control)}` })),
    excluded: excluded.slice(0, MAX_LISTED_EXCLUSIONS).map((c) => ({ urn: String(c.urn), arm: ARM_LABEL[c.arm], reason: c.excludedBecause! })),
    excludedNote: excluded.length > MAX_LISTED_EXCLUSIONS ? `The first ${MAX_LISTED_EXCLUSIONS} of ${fmtInt(excluded.length)} schools left out are listed.` : null,
  };
}

// ---- response rates, compliance, MDES -----------------------------------------------------

function responseRatesSection(data: ReportData) {
  const armOf = new Map(data.schools.filter(isAllocated).map((s) => [s.urn, s.arm]));
  const dslArm = new Map(data.dsls.map((d) => [d.id, armOf.get(d.urn)]));
  const chartRows: { wave: string; arm: 'Intervention' | 'Control'; invited: number; completed: number }[] = [];
  const paper: number[] = [];
  for (const w of data.waves) {
    for (const arm of ARMS) {
      const invited = data.invitations.filter((i) => i.waveId === w.id && dslArm.get(i.dslId) === arm).length;
      const done = data.waveResponses.filter((r) => r.waveId === w.id && r.status === 'complete' && dslArm.get(r.dslId) === arm);
      if (invited > 0 || done.length > 0) { chartRows.push({ wave: w.name, arm: ARM_LABEL[arm], invited, completed: done.length }); paper.push(done.filter((r) => r.paper).length); }
    }
  }
  const chart = chartRows.length ? responseRatesChart({ id: 'response-rates', rows: chartRows }) : null;
  return {
    rows: chartRows.map((r, i) => ({ wave: r.wave, arm: r.arm, invited: fmtInt(r.invited), completed: fmtInt(r.completed), paper: fmtInt(paper[i]), rate: fmtPercent(r.completed, r.invited) })),
    figure: chart ? figure('4', chart) : null,
    anyPaper: paper.some((n) => n > 0),
  };
}

/** EEF effect sizes from the random-intercept model (DSLs in schools) for each survey outcome with data, when the settings ask. */
export function mlmSection(analysed: Analysed[], data: ReportData): ArmComparisonView['mlm'] {
  const choice = data.settings.mlmEffectSize ?? 'off';
  if (choice === 'off') return null;
  const rows: NonNullable<ArmComparisonView['mlm']>['rows'] = [];
  const problems: string[] = [];
  const las = clusterLevelOf(data).las;
  for (const a of analysed) {
    if (!a.result || a.dataset.kind !== 'score') continue;
    try {
      const m = mixedModelItt(a.dataset.rows, {
        outcome: 'y', arm: 'arm', cluster: 'urn', levels: las ? ['urn', 'la'] : ['urn'], baseline: a.dataset.hasBaseline ? 'baseline' : undefined,
        strata: new Set(a.dataset.rows.map((r) => r.stratum)).size > 1 ? ['stratum'] : undefined,
      });
      const total = m.effect_size.hedges_g_total, within = m.effect_size.hedges_g_within;
      const [lead, other] = choice === 'total' ? [total, within] : [within, total];
      rows.push({ label: a.dataset.label, lead: `${fmtNumber(lead.value, 3)} ${fmtCi(lead.ci, 3)}`, other: `${fmtNumber(other.value, 3)} ${fmtCi(other.ci, 3)}`,
        icc: fmtNumber(m.icc.urn.unconditional, 3), p: fmtP(m.p) });
    } catch (err) {
      problems.push(`${a.dataset.label}: ${(err as Error).message}`);
    }
  }
  const [leadName, otherName] = choice === 'total' ? ['Hedges\' g, total variance (95% CI)', 'Hedges\' g, within-school variance (95% CI)'] : ['Hedges\' g, within-school variance (95% CI)', 'Hedges\' g, total variance (95% CI)'];
  return {
    rows, leadName, otherName, problems,
    note: `Method: linear mixed model of each survey outcome on arm, baseline and strata with random intercepts for schools${las ? ' and for local authorities (which were randomised)' : ''}, fitted by REML (as R lme4::lmer), p from Satterthwaite degrees of freedom (as lmerTest). Hedges' g = J × adjusted difference ÷ SD, J = 1 − 3/(4N − 9), the SD from the model without covariates: total = ${las ? 'local authority, ' : ''}school and within-school variance together, within = the within-school variance; CIs scale the difference's CI. ICC = the school share of the total variance. The report leads with the ${choice === 'total' ? 'total' : 'within-school'}-variance effect size (report setting).`,
  };
}

function complianceSection(data: ReportData, primary: Analysed | null) {
  const dose = dosageSummary(data.schools, data.sessions, data.trial.sessionsIntended);
  const chart = dosageChart({ id: 'dosage', rows: dose.categories.map((c) => ({ category: c.label, schools: c.schools })) });
  let doseResponse = 'The dose-response model needs the primary outcome, which has no data yet.';
  if (primary?.result) {
    const byUrn = dosageByUrn(dose, data.schools);
    const rows = primary.dataset.rows.map((r) => ({ ...r, dosage: byUrn.get(Number(r.urn)) ?? null }));
    const a = analyse({ ...primary.dataset, rows }, data, { dosage: 'dosage' });
    if (a.result) {
      const prop = primary.dataset.kind === 'proportion';
      const coef = prop ? `${fmtPercentagePoints(a.result.estimate)} percentage points ${fmtCiPercentagePoints(a.result.ci)}` : `${fmtNumber(a.result.estimate, 3)} scale points ${fmtCi(a.result.ci, 3)}`;
      doseResponse = `Exploratory dose-response (not randomised, so not causal): replacing the arm with dosage (0 for control; sessions attended ÷ ${dose.intended + 1} for intervention schools, the introduction counted as a session), the coefficient on full dosage for ${primary.dataset.label} is ${coef}, p = ${fmtP(a.result.p)}.`;
    } else {
      doseResponse = `The dose-response model could not be estimated: ${a.problem}.`;
    }
  }
  return {
    rows: dose.categories.map((c) => ({ category: c.label, schools: fmtInt(c.schools) })),
    total: fmtInt(dose.total),
    figure: figure('5', chart),
    doseResponse,
    note: `Counts of intervention schools by supervision sessions attended (as the Bolton report's Table 5). ${dose.withoutIntroduction ? `${dose.withoutIntroduction} school(s) had formal sessions but no recorded introduction and are counted by their formal sessions.` : ''}`.trim(),
  };
}

// ---- primary outcome choice and assembly ---------------------------------------------------

export function choosePrimary(outcomes: OutcomeDataset[], setting: string | null): OutcomeDataset | null {
  if (outcomes.length === 0) return null;
  if (setting) {
    const hit = outcomes.find((o) => o.key === setting);
    if (hit) return hit;
  }
  return outcomes.find((o) => o.key === 'admin:contacts_nfa') ?? outcomes[0];
}

export function buildArmComparison(data: ReportData, generatedAt: Date, tools: InferenceTools | null = null): ArmComparisonView {
  const allocated = data.schools.filter(isAllocated);
  const coverage = adminCoverage(data, allocated as Array<ReportSchool & { arm: ArmName }>);
  const outcomes = [...adminDatasets(data, coverage), ...surveyDatasets(data)];
  const primaryDataset = choosePrimary(outcomes, data.settings.primaryOutcome);
  const analysed = outcomes.map((o) => analyse(o, data));
  const primary = primaryDataset ? analysed.find((a) => a.dataset.key === primaryDataset.key) ?? null : null;
  const secondaryAll = analysed.filter((a) => a !== primary);
  const secondary = secondaryAll.filter((a) => !a.pending);
  const secondaryWaiting = secondaryAll.filter((a) => a.pending);
  const primaryShown = primary && !primary.pending ? primary : null;
  const waitingFor = (a: Analysed) => (a.dataset.kind === 'score' ? 'the endline survey has no completed responses yet' : 'no administrative outcome data have been imported for the outcome window yet');

  const endline = data.waves.find((w) => w.name === 'endline');
  const endlineResponses = endline ? data.waveResponses.filter((r) => r.waveId === endline.id && r.status === 'complete').length : 0;
  const noOutcomeParts: string[] = [];
  if (!analysed.some((a) => a.result)) {
    if (outcomes.length === 0) noOutcomeParts.push('This trial has no outcome data yet: no administrative outcomes have been imported for the outcome window and there is no endline survey wave.');
    else noOutcomeParts.push('No outcome can be analysed yet.');
    if (endline && endlineResponses === 0) noOutcomeParts.push(`The endline survey (${fmtDate(endline.opensAt)} to ${fmtDate(endline.closesAt)}) has no completed responses yet, so there are no endline results to report.`);
    noOutcomeParts.push('The tables below show the design, allocation and baseline only.');
  }

  const forestRows: ForestRow[] = analysed.filter((a) => a.result).map((a) => ({
    outcome: a.dataset.label, role: a === primary ? 'Primary' : 'Secondary',
    estimate: a.result!.effect_size.value, lower: a.result!.effect_size.ci[0], upper: a.result!.effect_size.ci[1],
  }));
  forestRows.sort((x, y) => (x.role === y.role ? 0 : x.role === 'Primary' ? -1 : 1));
  const esName = effectSizeName(data.settings.effectSize);
  const consort = consortSection(data, allocated, primary);
  const withResult = (list: Analysed[]) => list.filter((a) => a.result);

  return {
    kind: 'arm-comparison',
    ...reportHeader(data, 'Arm comparison: impact evaluation report', generatedAt),
    design: designRows(data, allocated),
    designOutcomes: designOutcomes(data, outcomes, primaryDataset?.key ?? null),
    sections: evaluatorSections(data, 'arm-comparison'),
    noOutcomes: noOutcomeParts.length ? noOutcomeParts.join(' ') : null,
    consort: { figure: consort.figure, rows: consort.rows, notes: consort.notes },
    attrition: attritionSection(allocated, primary, consort.counts),
    coverage: coverageSection(data, allocated, coverage),
    baseline: schoolCharacteristics(data, allocated, outcomes, primary?.dataset.key ?? null),
    primary: primaryShown ? outcomeTable([primaryShown], data, 'Table 3. Primary analysis') : null,
    primaryPending: primary && primary.pending ? `The primary outcome, ${primary.dataset.label}, cannot be analysed yet: ${waitingFor(primary)}.` : null,
    secondary: splitByUnit(secondary).map((list, i, all) => outcomeTable(list, data, secondaryCaption(list[0].dataset.kind, i, all.length))),
    secondaryPending: secondaryWaiting.length
      ? `${secondaryWaiting.length} secondary outcome${secondaryWaiting.length === 1 ? ' has' : 's have'} no data yet and ${secondaryWaiting.length === 1 ? 'is' : 'are'} not shown: ${secondaryWaiting.map((a) => a.dataset.label).join('; ')}. ${[...new Set(secondaryWaiting.map(waitingFor))].map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('. ')}.`
      : null,
    forest: forestRows.length ? figure('3', forestPlot({ id: 'forest', effectSizeLabel: esName, rows: forestRows })) : null,
    distributions: {
      primary: primary?.result ? [histogram(primary, '6')] : [],
      secondary: (['proportion', 'score'] as const).map((kind, i) => {
        const list = withResult(secondary).filter((a) => a.dataset.kind === kind);
        if (list.length === 0) return null;
        return figure(`E.${i + 1}`, outcomeHistogramPanel({
          id: `hist-secondary-${kind}`, kind,
          title: kind === 'proportion' ? 'Secondary outcomes as a proportion of pupils, by trial arm' : 'Secondary survey outcomes, by trial arm',
          outcomes: list.map((a) => ({ label: a.dataset.label, values: a.dataset.rows.filter((r) => typeof r.y === 'number').map((r) => ({ arm: ARM_LABEL[r.arm as ArmName], value: r.y as number })) })),
        }));
      }).filter((f): f is FigureView => f !== null),
    },
    responseRates: responseRatesSection(data),
    compliance: complianceSection(data, primary),
    mlm: mlmSection(analysed, data),
    inference: inferenceSection(analysed.map((a) => ({ dataset: a.dataset, result: a.result, primary: a === primary })), data, tools, (d) => ittOptionsFor(d, data)),
    mdes: mdesTable(data, allocated, primary ? primary.dataset : null),
    robustness: robustnessSection(data, primary, (d, extra) => analyse(d, data, extra), (d) => ittOptionsFor(d, data)),
    appendix: {
      primary: primary ? [appendixRow(primary)] : [],
      secondary: secondary.filter((a) => a.result).map(appendixRow),
      analysisNotes: notesOnce(analysed),
      note: `Unadjusted and adjusted differences in means (intervention minus control), n (missing) and outcome variances by arm; ${esName} = adjusted difference ÷ ${data.settings.effectSize === 'glass' ? 'the control group SD (square root of the control variance)' : 'the pooled SD, with the small-sample correction'}. Proportions are shown as proportions (not percentage points); variances of proportions are pupil-level.`,
    },
  };
}

/** One outcome's estimate as the arm-comparison report computes it, unformatted, with the model that produced it. */
export interface ReportEstimate {
  key: string; label: string; kind: 'proportion' | 'score';
  model: { formula: string; weight: 'pupils' | null; cluster: 'urn' | 'la'; baseline: boolean; strata: boolean; se_type: 'cr1' | 'cr2'; effect_size: 'glass' | 'hedges' };
  n: number; clusters: number; estimate: number; se: number; df: number; p: number; ci: [number, number];
  effect_size: { kind: string; value: number; ci: [number, number]; sd: number };
  /** With inference tools and the report settings asking (or local authorities randomised): as reports/view-models/inference.ts. */
  permutation?: OutcomeInference['permutation']; bootstrap?: OutcomeInference['bootstrap']; cace?: OutcomeInference['cace'];
}

/**
 * The report's primary and secondary estimates as numbers (for `dslkit report arm-comparison --json` and the
 * export's analysis.R check): the same datasets, options and choice of primary as buildArmComparison.
 */
export function reportEstimates(data: ReportData, tools: InferenceTools | null = null): { primary: ReportEstimate | null; secondary: ReportEstimate[]; not_analysed: Array<{ key: string; label: string; reason: string }> } {
  const outcomes = [...adminDatasets(data), ...surveyDatasets(data)];
  const primaryDataset = choosePrimary(outcomes, data.settings.primaryOutcome);
  const analysed = outcomes.map((o) => analyse(o, data));
  const inference = tools ? new Map(outcomeInference(analysed.map((a) => ({ dataset: a.dataset, result: a.result, primary: false })), data, tools, (d) => ittOptionsFor(d, data)).results.map(({ key, ...rest }) => [key, rest])) : null;
  const toEstimate = (a: Analysed): ReportEstimate => {
    const r = a.result!;
    const baseline = a.dataset.hasBaseline;
    const strata = new Set(a.dataset.rows.map((x) => x.stratum)).size > 1;
    return {
      key: a.dataset.key, label: a.dataset.label, kind: a.dataset.kind,
      model: {
        formula: `y ~ ${baseline ? 'baseline + ' : ''}${strata ? 'factor(stratum) + ' : ''}arm`,
        weight: a.dataset.kind === 'proportion' ? 'pupils' : null, cluster: clusterLevelOf(data).column, baseline, strata, se_type: r.se_type, effect_size: data.settings.effectSize,
      },
      n: r.n, clusters: r.clusters, estimate: r.estimate, se: r.se, df: r.df, p: r.p, ci: r.ci,
      effect_size: { kind: r.effect_size.kind, value: r.effect_size.value, ci: r.effect_size.ci, sd: r.effect_size.sd },
      ...inference?.get(a.dataset.key),
    };
  };
  const primary = primaryDataset ? analysed.find((a) => a.dataset.key === primaryDataset.key) ?? null : null;
  return {
    primary: primary?.result ? toEstimate(primary) : null,
    secondary: analysed.filter((a) => a !== primary && a.result).map(toEstimate),
    not_analysed: analysed.filter((a) => !a.result).map((a) => ({ key: a.dataset.key, label: a.dataset.label, reason: a.problem ?? 'not analysed' })),
  };
}
