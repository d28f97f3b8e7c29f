// The arm-comparison report's MDES table in the Bolton/EEF template: protocol, randomisation and analysis columns, sample sizes by arm, and clusters = LAs when LAs were randomised.
import type { DataRow } from '../analysis/types';
import { icc as iccAnova, mdes } from '../stats';
import { clusterLevelOf } from './cluster-level';
import { correlation } from './common';
import { fmtInt, fmtNumber } from './format';
import type { ArmName, ProtocolMdes, ReportData, ReportSchool } from './report-data';

export interface MdesRowView { label: string; protocol: string; randomisation: string; analysis: string }
export interface MdesTableView {
  /** 'school' or 'local authority': the level the MDES treats as clusters (the unit of randomisation). */
  clusterLevel: string;
  groups: Array<{ group: string | null; rows: MdesRowView[] }>;
  note: string;
}

/** The primary outcome as the MDES table needs it: its rows (per school or per DSL), kind and whether the baseline is in the model. */
export interface MdesOutcome { kind: 'proportion' | 'score'; label: string; rows: DataRow[]; hasBaseline: boolean }

/** Design quantities of one column: ICC and R² at the cluster level, cluster size, clusters and the share treated. */
export interface DesignParameters {
  icc: number; r2Cluster: number; r2Individual: number; clusterSize: number; alpha: number; power: number;
  clusters: number; pTreated: number;
}

/** ICC of a pupil-level 0/1 indicator from cluster counts (one-way ANOVA, unequal clusters, truncated at 0). */
export function binaryIcc(counts: number[], sizes: number[]): number {
  const J = counts.length;
  const N = sizes.reduce((a, b) => a + b, 0);
  if (J < 2 || N <= J) return 0;
  const p = counts.reduce((a, b) => a + b, 0) / N;
  let ssb = 0; let ssw = 0; let sumSq = 0;
  for (let j = 0; j < J; j++) {
    const pj = counts[j] / sizes[j];
    ssb += sizes[j] * (pj - p) ** 2;
    ssw += sizes[j] * pj * (1 - pj);
    sumSq += sizes[j] ** 2;
  }
  const msb = ssb / (J - 1);
  const msw = ssw / (N - J);
  const n0 = (N - sumSq / N) / (J - 1);
  const denom = msb + (n0 - 1) * msw;
  return denom > 0 ? Math.max(0, (msb - msw) / denom) : 0;
}

/** Rows the primary model analyses: outcome present, baseline present when the model uses it, pupils known for a proportion. */
export function analysedRows(o: MdesOutcome): DataRow[] {
  return o.rows.filter((r) => typeof r.y === 'number' && (!o.hasBaseline || typeof r.baseline === 'number') && (o.kind !== 'proportion' || typeof r.pupils === 'number'));
}

/**
 * The ICC, the cluster-level R² (squared correlation of cluster means of baseline and outcome; pupil-weighted for
 * proportions), the average cluster size and the share of clusters treated, observed in the analysed rows with
 * `clusterOf` naming each row's cluster (its school, or its LA when LAs were randomised).
 */
export function observedDesign(o: MdesOutcome, clusterOf: (row: DataRow) => string): Omit<DesignParameters, 'alpha' | 'power'> {
  const rows = analysedRows(o);
  const by = new Map<string, { w: number; y: number; b: number; bw: number; arm: string; n: number }>();
  for (const r of rows) {
    const c = clusterOf(r);
    const e = by.get(c) ?? { w: 0, y: 0, b: 0, bw: 0, arm: String(r.arm), n: 0 };
    const w = o.kind === 'proportion' ? (r.pupils as number) : 1;
    e.w += w; e.y += w * (r.y as number); e.n++;
    if (typeof r.baseline === 'number') { e.b += w * r.baseline; e.bw += w; }
    by.set(c, e);
  }
  const clusters = [...by.values()];
  let iccValue = 0;
  if (o.kind === 'proportion') {
    iccValue = binaryIcc(clusters.map((c) => Math.round(c.y)), clusters.map((c) => c.w));
  } else if (rows.length > 2 && clusters.length > 1) {
    iccValue = iccAnova(rows.map((r) => r.y as number), rows.map((r) => clusterOf(r))).icc;
  }
  const withBase = clusters.filter((c) => c.bw > 0);
  const rho = correlation(withBase.map((c) => c.b / c.bw), withBase.map((c) => c.y / c.w));
  const total = clusters.reduce((s, c) => s + c.w, 0);
  return {
    icc: iccValue, r2Cluster: rho === null ? 0 : rho * rho, r2Individual: 0,
    clusterSize: clusters.length ? total / clusters.length : 0,
    clusters: clusters.length,
    pTreated: clusters.length ? clusters.filter((c) => c.arm === 'intervention').length / clusters.length : 0.5,
  };
}

/** MDES of a two-level cluster randomised design (PowerUp! CRA2_2, no cluster-level covariates counted: df = J − 2), or null when it cannot be computed. */
export function mdesOf(p: DesignParameters | null): number | null {
  if (!p || p.clusters < 4 || !(p.pTreated > 0 && p.pTreated < 1) || !(p.clusterSize >= 1)) return null;
  try {
    return mdes({ clusters: p.clusters, clusterSize: p.clusterSize, icc: p.icc, r2Cluster: p.r2Cluster, r2Individual: p.r2Individual, pTreated: p.pTreated, alpha: p.alpha, power: p.power }).mdes;
  } catch { return null; }
}

/** Kish's design effect for clusters of the average size: 1 + (n − 1) × ICC. */
export function designEffect(p: DesignParameters | null): number | null {
  return p ? 1 + (p.clusterSize - 1) * p.icc : null;
}

type ArmCounts = Record<ArmName, number>;
const split = (c: ArmCounts | null) => (c ? [fmtInt(c.intervention), fmtInt(c.control), fmtInt(c.intervention + c.control)] : ['–', '–', '–']);

/**
 * The MDES table. Protocol: the protocol's assumptions (report settings; defaults as the Bolton protocol) applied to
 * the clusters randomised. Randomisation: the same assumptions with the sample as randomised (cluster size from the
 * schools' pupil numbers, or their DSLs for a survey outcome). Analysis: ICC, R² and sample observed in the primary
 * outcome's analysed data. When LAs were randomised, the LAs are the clusters throughout.
 */
export function mdesTable(data: ReportData, allocated: ReportSchool[], primary: MdesOutcome | null): MdesTableView {
  const { las: byLa, name: level } = clusterLevelOf(data);
  const laOf = new Map(data.schools.map((s) => [s.urn, s.laCode]));
  const clusterOfSchool = (s: ReportSchool) => (byLa ? s.laCode : String(s.urn));
  const clusterOf = (r: DataRow) => (byLa ? laOf.get(Number(r.urn)) ?? String(r.urn) : String(r.urn));
  const prop = primary?.kind === 'proportion';
  const individuals = primary?.kind === 'score' ? 'DSLs' : 'pupils';
  const pm: Partial<ProtocolMdes> = data.settings.protocolMdes;

  // Randomisation: the clusters allocated and their size from the register.
  const armOf = (a: ArmName) => allocated.filter((s) => s.arm === a);
  const clustersIn = (list: ReportSchool[]) => new Set(list.map(clusterOfSchool)).size;
  const randClusters = { intervention: clustersIn(armOf('intervention')), control: clustersIn(armOf('control')) };
  const J = randClusters.intervention + randClusters.control;
  const allocUrns = new Set(allocated.map((s) => s.urn));
  const pupilsRand = { intervention: sumPupils(armOf('intervention')), control: sumPupils(armOf('control')) };
  const dslsRand = { intervention: 0, control: 0 };
  const armByUrn = new Map(allocated.map((s) => [s.urn, s.arm as ArmName]));
  for (const d of data.dsls) if (allocUrns.has(d.urn) && d.status !== 'erased') dslsRand[armByUrn.get(d.urn)!]++;
  const individualsRand = primary?.kind === 'score' ? dslsRand : pupilsRand;
  const randSize = J > 0 ? (individualsRand.intervention + individualsRand.control) / J : 0;
  const assumed = { icc: pm.icc ?? 0.05, r2Cluster: pm.r2Cluster ?? 0.5, r2Individual: pm.r2Individual ?? 0, alpha: pm.alpha ?? 0.05, power: pm.power ?? 0.8 };
  const pRand = J > 0 ? randClusters.intervention / J : 0.5;
  const randomisation: DesignParameters | null = J > 0 && randSize >= 1 ? { ...assumed, clusterSize: randSize, clusters: J, pTreated: pRand } : null;
  const protocolSize = pm.clusterSize ?? (randSize >= 1 ? randSize : null);
  const protocol: DesignParameters | null = J > 0 && protocolSize !== null ? { ...assumed, clusterSize: protocolSize, clusters: J, pTreated: pRand } : null;

  // Analysis: observed in the primary outcome's analysed rows.
  let analysis: DesignParameters | null = null;
  let analysedCounts: { clusters: ArmCounts; schools: ArmCounts; pupils: ArmCounts; dsls: ArmCounts | null } | null = null;
  if (primary) {
    const rows = analysedRows(primary);
    const bothArms = rows.some((r) => r.arm === 'intervention') && rows.some((r) => r.arm === 'control');
    if (bothArms) {
      analysis = { ...observedDesign(primary, clusterOf), alpha: assumed.alpha, power: assumed.power };
      const count = (pick: (r: DataRow) => string | number, arm: ArmName) => new Set(rows.filter((r) => r.arm === arm).map(pick)).size;
      const pupilsOfUrns = (arm: ArmName) => sumPupils(allocated.filter((s) => s.arm === arm && rows.some((r) => Number(r.urn) === s.urn)));
      analysedCounts = {
        clusters: { intervention: count(clusterOf, 'intervention'), control: count(clusterOf, 'control') },
        schools: { intervention: count((r) => Number(r.urn), 'intervention'), control: count((r) => Number(r.urn), 'control') },
        pupils: prop
          ? { intervention: rows.filter((r) => r.arm === 'intervention').reduce((s, r) => s + (r.pupils as number), 0), control: rows.filter((r) => r.arm === 'control').reduce((s, r) => s + (r.pupils as number), 0) }
          : { intervention: pupilsOfUrns('intervention'), control: pupilsOfUrns('control') },
        dsls: primary.kind === 'score' ? { intervention: rows.filter((r) => r.arm === 'intervention').length, control: rows.filter((r) => r.arm === 'control').length } : null,
      };
    }
  }

  const cols = [protocol, randomisation, analysis];
  const f2 = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : fmtNumber(x, 2));
  const row = (label: string, pick: (p: DesignParameters) => string, fallback = 'n/a'): MdesRowView => {
    const [a, b, c] = cols.map((p) => (p ? pick(p) : fallback));
    return { label, protocol: a, randomisation: b, analysis: c };
  };
  const [mP, mR, mA] = cols.map(mdesOf);
  const head: MdesRowView[] = [
    { label: 'MDES (proportion of a standard deviation)', protocol: f2(mP), randomisation: f2(mR), analysis: f2(mA) },
    row(`Baseline/endline R² (${byLa ? 'LA' : 'school'} level)`, (p) => f2(p.r2Cluster)),
    row(`Baseline/endline R² (${prop ? 'pupil' : primary ? 'DSL' : 'individual'} level)`, (p) => f2(p.r2Individual)),
    row(`Intracluster correlation (${byLa ? 'LA' : 'school'} level)`, (p) => f2(p.icc)),
    row('Alpha', (p) => f2(p.alpha)),
    row('Power', (p) => f2(p.power)),
    row('One-sided or two-sided?', () => 'Two-sided'),
    row('Level of intervention clustering', () => (byLa ? 'Local authority' : 'School')),
    row(`Average cluster size (${individuals} per ${byLa ? 'LA' : 'school'})`, (p) => fmtInt(Math.round(p.clusterSize))),
    row('Design effect, 1 + (cluster size − 1) × ICC', (p) => fmtNumber(designEffect(p), 1)),
  ];
  const [pi, pc, pt] = split(pupilsRand);
  const [ai, ac, at] = split(analysedCounts?.pupils ?? null);
  const sizeGroup = (group: string, protocolCounts: ArmCounts | null, rand: ArmCounts | null, anal: ArmCounts | null) => {
    const [p1, p2, p3] = split(protocolCounts); const [r1, r2, r3] = split(rand); const [a1, a2, a3] = split(anal);
    return { group, rows: [
      { label: 'Intervention', protocol: p1, randomisation: r1, analysis: a1 },
      { label: 'Control', protocol: p2, randomisation: r2, analysis: a2 },
      { label: 'Total', protocol: p3, randomisation: r3, analysis: a3 },
    ] };
  };
  const groups: MdesTableView['groups'] = [
    { group: null, rows: head },
    { group: 'Sample size (children: pupils on roll)', rows: [
      { label: 'Intervention', protocol: '–', randomisation: pi, analysis: ai },
      { label: 'Control', protocol: '–', randomisation: pc, analysis: ac },
      { label: 'Total', protocol: '–', randomisation: pt, analysis: at },
    ] },
  ];
  if (primary?.kind === 'score') groups.push(sizeGroup('Sample size (DSLs)', null, dslsRand, analysedCounts?.dsls ?? null));
  const schoolsRand = { intervention: armOf('intervention').length, control: armOf('control').length };
  groups.push(sizeGroup('Sample size (schools)', schoolsRand, schoolsRand, analysedCounts?.schools ?? null));
  if (byLa) groups.push(sizeGroup('Sample size (local authorities)', randClusters, randClusters, analysedCounts?.clusters ?? null));

  const notes = [
    'Two-level cluster randomised design (Bloom 2006; PowerUp! model CRA2_2, Dong and Maynard 2013): MDES = M × √(ICC (1 − R²₂) ÷ (P (1 − P) J) + (1 − ICC)(1 − R²₁) ÷ (P (1 − P) J n)), M = t(1 − α/2, J − 2) + t(power, J − 2),'
      + ` J the ${byLa ? 'local authorities' : 'schools'} randomised (or analysed), n the average cluster size, P the share of ${byLa ? 'LAs' : 'schools'} in the intervention arm.`,
    `Protocol: the protocol's assumptions (report settings; defaults ICC 0.05 and ${byLa ? 'LA' : 'school'}-level R² 0.5, as the Bolton protocol) with the clusters randomised${pm.clusterSize ? ` and the protocol's cluster size of ${fmtNumber(pm.clusterSize, 0)}` : ''}.`
      + ` Randomisation: the same assumptions with the sample as randomised (${primary?.kind === 'score' ? 'DSLs registered in the allocated schools' : 'pupils on roll in the allocated schools, from the school register'}).`
      + ` Analysis: the ICC, R² (squared ${byLa ? 'LA' : 'school'}-level correlation of baseline and outcome${prop ? ', pupil-weighted' : ''}) and sample observed in the primary outcome's analysed data${primary ? ` (${primary.label})` : ''}.`,
  ];
  if (byLa) notes.push(`Local authorities were randomised, so they are the clusters: J = ${fmtInt(J)} LAs (not the ${fmtInt(allocated.length)} schools), and the ICC and design effect are at LA level.`);
  return { clusterLevel: level, groups, note: notes.join(' ') };
}

function sumPupils(list: ReportSchool[]): number {
  return list.reduce((s, x) => s + (typeof x.pupils === 'number' && x.pupils > 0 ? x.pupils : 0), 0);
}
