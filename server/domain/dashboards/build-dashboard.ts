// Turns the raw facts of one LA into the published dashboard view-model; every number goes through domain/disclosure first.
import {
  protectCountTable, protectSummary, protectRate, enoughSchools, DISCLOSURE_RULES, MIN_RESPONDENTS_FOR_SUMMARY, MIN_SCHOOLS_IN_GROUP,
  type ProtectedCountTable, type PublishedCount,
} from '../disclosure';
import { countCell, labelCell, numberCell, ciCell } from './cells';
import { meanWithCi } from './mean-ci';
import { PUBLISHED_SCALES, binsOf, binIndex, instrumentIdOf, type PublishedScale } from './scales';
import { protectedHistogramSpec } from './histogram-spec';
import type { Block, DashboardFacts, DashboardModel, GroupLabel, HistogramBar, PublicCell, PublicChart, PublicTable, StudyFacts, StudyView } from './types';

const GROUP_ORDER: readonly GroupLabel[] = ['Intervention', 'Control', 'Not yet allocated', 'All settings'];
const WAVE_ORDER = ['baseline', 'midpoint', 'endline'];
const SESSION_KINDS: Array<[string, string]> = [['introduction', 'Introduction'], ['formal', 'Formal supervision'], ['adhoc', 'Ad hoc advice']];
const SESSION_MODES: Array<[string, string]> = [['face_to_face', 'Face to face'], ['online', 'Online'], ['phone', 'Phone'], ['email', 'Email']];
export const ADMIN_MEASURES: Array<[string, string]> = [
  ['contacts', 'Contacts with children\'s social care'], ['contacts_nfa', 'Contacts leading to no further action'], ['referrals', 'Referrals'],
  ['referrals_nfa', 'Referrals leading to no further action'], ['early_help', 'Early Help assessments'], ['cin', 'Child in Need plans'],
  ['s47', 'Section 47 enquiries'], ['looked_after', 'Children becoming looked after'], ['csa_contacts', 'Contacts about possible child sexual abuse'],
];

/** Builds the whole dashboard for one LA. Pure: the same facts always give the same model. */
export function buildDashboard(facts: DashboardFacts): DashboardModel {
  const studies = facts.studies.filter((s) => s.schools.length > 0).map(buildStudy);
  return {
    format: 'dslkit-la-dashboard@1',
    laCode: facts.la.code,
    laName: facts.la.name,
    dataAsAt: facts.readAt,
    dataAsAtText: new Date(facts.readAt).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }),
    isDemo: facts.studies.some((s) => s.isDemo),
    rules: [...DISCLOSURE_RULES],
    studies,
  };
}

function waveLabel(study: StudyFacts, wave: string): string {
  if (study.kind === 'programme') return wave === 'baseline' ? 'Start of year' : wave === 'endline' ? 'End of year' : 'Midpoint';
  return wave.charAt(0).toUpperCase() + wave.slice(1);
}

function table(id: string, caption: string, head: Array<string | [string, boolean]>, rows: PublicCell[][], footnote: string | null = null): PublicTable {
  return { id, caption, head: head.map((h) => (typeof h === 'string' ? { text: h, numeric: false } : { text: h[0], numeric: h[1] })), rows, footnote };
}

function buildStudy(study: StudyFacts, index: number): StudyView {
  const anchor = `study-${index + 1}`;
  const groups = GROUP_ORDER.filter((g) => study.schools.some((s) => s.group === g));
  const groupOfUrn = new Map(study.schools.map((s) => [s.urn, s.group]));
  const dslGroup = new Map(study.dsls.map((d) => [d.id, groupOfUrn.get(d.urn)!]));
  const blocks: Block[] = [];
  blocks.push({
    type: 'paragraph',
    text: study.kind === 'programme'
      ? 'A programme that schools buy from the local authority. There is no control group, so changes over the year cannot be put down to supervision alone.'
      : 'A randomised trial: schools were allocated at random to receive supervision (intervention) or not (control).',
  });
  blocks.push(...schoolsBlock(study, anchor, groups));
  const completed = participationBlocks(study, anchor, groups, dslGroup, blocks);
  blocks.push(...summaryBlocks(study, anchor, groups, dslGroup, completed));
  blocks.push(...supervisionBlocks(study, anchor, groups));
  blocks.push(...adminBlocks(study, anchor, groups));
  return { anchor, title: study.title, kindLabel: study.kind === 'programme' ? 'Programme' : 'Randomised trial', blocks };
}

/** Schools taking part per group (counts protected; the only breakdown of schools, so none can be picked out). */
function schoolsBlock(study: StudyFacts, anchor: string, groups: GroupLabel[]): Block[] {
  const t = protectCountTable(groups.map((g) => [study.schools.filter((s) => s.group === g).length]));
  const rows = groups.map((g, i) => [labelCell(g), countCell(t.cells[i][0])]);
  if (groups.length > 1) rows.push([labelCell('Total'), countCell(t.grandTotal)]);
  return [
    { type: 'heading', text: 'Schools taking part' },
    { type: 'table', table: table(`${anchor}-schools`, 'Schools taking part', ['Group', ['Schools', true]], rows) },
  ];
}

/**
 * Per wave: invited, completed and not completed per group, and the response rate. The DSLs invited per
 * group (row totals) are hidden in every wave if hidden in any, so one wave cannot reveal another.
 * Returns the published "completed" cell per wave and group, reused by the summary tables.
 */
function participationBlocks(study: StudyFacts, anchor: string, groups: GroupLabel[], dslGroup: Map<string, GroupLabel>, blocks: Block[]): Map<string, Map<GroupLabel, PublishedCount>> {
  const waves = WAVE_ORDER.filter((w) => study.invitations.some((i) => i.wave === w));
  const grids = new Map(waves.map((w) => [w, groups.map((g) => {
    const inv = study.invitations.filter((i) => i.wave === w && dslGroup.get(i.dslId) === g);
    const done = inv.filter((i) => i.complete).length;
    return [done, inv.length - done];
  })]));
  let hideRowTotals = groups.map(() => false);
  let hideGrand = false;
  let tables = new Map<string, ProtectedCountTable>();
  for (let pass = 0; pass < groups.length + 2; pass++) {
    tables = new Map(waves.map((w) => [w, protectCountTable(grids.get(w)!, { forceHiddenRowTotals: hideRowTotals, forceHiddenGrandTotal: hideGrand })]));
    const nextRows = groups.map((_, i) => hideRowTotals[i] || waves.some((w) => tables.get(w)!.rowTotals[i].hidden));
    const nextGrand: boolean = hideGrand || waves.some((w) => tables.get(w)!.grandTotal.hidden);
    if (nextRows.every((v, i) => v === hideRowTotals[i]) && nextGrand === hideGrand) break;
    hideRowTotals = nextRows;
    hideGrand = nextGrand;
  }
  blocks.push({ type: 'heading', text: 'Survey participation' });
  if (!waves.length) blocks.push({ type: 'paragraph', text: 'No survey invitations have been sent yet.' });
  const completed = new Map<string, Map<GroupLabel, PublishedCount>>();
  for (const w of waves) {
    const t = tables.get(w)!;
    const line = (label: string, done: PublishedCount, notDone: PublishedCount, invited: PublishedCount) => [
      labelCell(label), countCell(invited), countCell(done), countCell(notDone), numberCell(protectRate(done, invited, 100), 'rate', 0, '%'),
    ];
    const rows = groups.map((g, i) => line(g, t.cells[i][0], t.cells[i][1], t.rowTotals[i]));
    if (groups.length > 1) rows.push(line('Total', t.columnTotals[0], t.columnTotals[1], t.grandTotal));
    completed.set(w, new Map(groups.map((g, i) => [g, t.cells[i][0]])));
    blocks.push({ type: 'table', table: table(`${anchor}-participation-${w}`, `${waveLabel(study, w)} survey: DSLs invited and responding`,
      ['Group', ['DSLs invited', true], ['Completed', true], ['Not completed', true], ['Response rate', true]], rows) });
  }
  return completed;
}

/** Means with 95% CIs and distributions of each wellbeing and confidence scale, by wave and group. */
function summaryBlocks(study: StudyFacts, anchor: string, groups: GroupLabel[], dslGroup: Map<string, GroupLabel>, completed: Map<string, Map<GroupLabel, PublishedCount>>): Block[] {
  const out: Block[] = [];
  const scales = PUBLISHED_SCALES.filter((s) => study.scores.some((x) => instrumentIdOf(x.instrument) === s.instrument && x.scale === s.scale));
  if (!scales.length) return out;
  out.push({ type: 'heading', text: 'Wellbeing and confidence' });
  out.push({ type: 'paragraph', text: `Means are shown with 95% confidence intervals, only for groups of at least ${MIN_RESPONDENTS_FOR_SUMMARY} DSLs with a score. A few DSLs who completed a survey may have no score for a measure because answers were missing.` });
  for (const scale of scales) {
    const waves = WAVE_ORDER.filter((w) => study.scores.some((x) => x.wave === w && matches(x, scale)));
    const valuesOf = (w: string, g: GroupLabel) => study.scores.filter((x) => x.wave === w && matches(x, scale) && dslGroup.get(x.dslId) === g).map((x) => x.value);
    const rows: PublicCell[][] = [];
    for (const w of waves) for (const g of groups) {
      const vals = valuesOf(w, g);
      const s = protectSummary(vals.length, () => meanWithCi(vals));
      const done = completed.get(w)?.get(g) ?? { hidden: false as const, value: 0 };
      rows.push([labelCell(waveLabel(study, w)), labelCell(g, false), countCell(done),
        numberCell(s.hidden ? s : { hidden: false, value: s.value.mean }, 'mean', scale.decimals),
        ciCell(s.hidden ? s : { hidden: false, value: s.value }, scale.decimals)]);
    }
    const slug = `${scale.instrument}-${scale.scale}`.replace(/[^a-z0-9]+/g, '-');
    out.push({ type: 'heading', text: `${scale.label} (${scale.hint})` });
    out.push({ type: 'table', table: table(`${anchor}-${slug}-means`, `${scale.label}: mean by wave and group`,
      ['Wave', 'Group', ['Completed responses', true], ['Mean', true], ['95% confidence interval', true]], rows) });
    const chart = distributionChart(study, `${anchor}-${slug}`, scale, waves, groups, valuesOf);
    if (chart) out.push({ type: 'chart', chart });
  }
  return out;
}

function matches(x: { instrument: string; scale: string }, s: PublishedScale): boolean {
  return instrumentIdOf(x.instrument) === s.instrument && x.scale === s.scale;
}

/**
 * Histogram of a scale by wave and group: counts per bin are protected as a bins × groups table per wave
 * whose column totals (respondents) count as known; groups under 10 respondents are left out.
 */
function distributionChart(study: StudyFacts, id: string, scale: PublishedScale, waves: string[], groups: GroupLabel[], valuesOf: (w: string, g: GroupLabel) => number[]): PublicChart | null {
  const bins = binsOf(scale);
  const bars: HistogramBar[] = [];
  const left: string[] = [];
  for (const w of waves) {
    const shown = groups.filter((g) => {
      const ok = valuesOf(w, g).length >= MIN_RESPONDENTS_FOR_SUMMARY;
      if (!ok && valuesOf(w, g).length > 0) left.push(`${waveLabel(study, w).toLowerCase()} ${g.toLowerCase()}`);
      return ok;
    });
    if (!shown.length) continue;
    const grid = bins.map((b) => shown.map((g) => valuesOf(w, g).filter((v) => binIndex(bins, v) === b.order).length));
    const t = protectCountTable(grid, { columnTotalsArePublic: true, unpublishedRowTotals: true, unpublishedGrandTotal: true });
    bins.forEach((b, bi) => shown.forEach((g, gi) => {
      const p = t.cells[bi][gi];
      bars.push({ wave: waveLabel(study, w), group: g, bin: b.label, binOrder: b.order, count: p.hidden ? null : p.value, label: p.hidden ? 'c' : String(p.value) });
    }));
  }
  if (!bars.length) return null;
  const title = `${scale.label}: distribution by wave and group`;
  const panels = [...new Set(bars.map((b) => `${b.wave.toLowerCase()} ${b.group.toLowerCase()}`))];
  const summary = `Bar charts of the number of DSLs in each band of ${scale.label.toLowerCase()} (${scale.hint}), one panel for each of: ${panels.join('; ')}. `
    + `Bands with a hidden count are marked c.${left.length ? ` Not shown (fewer than ${MIN_RESPONDENTS_FOR_SUMMARY} respondents): ${left.join('; ')}.` : ''} The numbers are in the table below the chart.`;
  const head: Array<string | [string, boolean]> = ['Band', ...[...new Set(bars.map((b) => `${b.wave}, ${b.group}`))].map((h) => [h, true] as [string, boolean])];
  const columns = [...new Set(bars.map((b) => `${b.wave}, ${b.group}`))];
  const rows = bins.map((b) => [labelCell(b.label), ...columns.map((col) => {
    const bar = bars.find((x) => x.binOrder === b.order && `${x.wave}, ${x.group}` === col)!;
    return countCell(bar.count === null ? { hidden: true, reason: 'secondary' } : { hidden: false, value: bar.count });
  })]);
  return {
    id, title, summary, rows: bars, svg: null,
    spec: protectedHistogramSpec(title, summary, bars, scale.label),
    table: table(`${id}-data`, `${scale.label}: number of DSLs in each band`, head, rows),
  };
}

/** Sessions delivered by kind and mode, with hours: only for groups of at least 10 schools receiving supervision. */
function supervisionBlocks(study: StudyFacts, anchor: string, groups: GroupLabel[]): Block[] {
  const out: Block[] = [{ type: 'heading', text: 'Supervision delivered' }];
  const supervisedGroup: GroupLabel = study.kind === 'programme' ? 'All settings' : 'Intervention';
  const schools = study.schools.filter((s) => s.group === supervisedGroup).length;
  if (!groups.includes(supervisedGroup)) {
    out.push({ type: 'paragraph', text: 'No schools have been allocated to receive supervision yet.' });
    return out;
  }
  if (!enoughSchools(schools)) {
    out.push({ type: 'paragraph', text: `Not shown: fewer than ${MIN_SCHOOLS_IN_GROUP} schools in this local authority receive supervision, so the figures could identify a school.` });
    return out;
  }
  const kinds = SESSION_KINDS;
  const modes = SESSION_MODES;
  const grid = kinds.map(([k]) => modes.map(([m]) => study.sessions.filter((s) => s.kind === k && s.mode === m).length));
  const t = protectCountTable(grid);
  const minutesOfKind = (k: string) => study.sessions.filter((s) => s.kind === k).reduce((a, s) => a + s.minutes, 0);
  const hours = (count: PublishedCount, minutes: number) => numberCell(count.hidden ? { hidden: true, reason: 'few-respondents' } : { hidden: false, value: minutes / 60 }, 'hours', 1);
  const rows = kinds.map(([k, label], i) => [labelCell(label), ...t.cells[i].map(countCell), countCell(t.rowTotals[i]), hours(t.rowTotals[i], minutesOfKind(k))]);
  rows.push([labelCell('Total'), ...t.columnTotals.map(countCell), countCell(t.grandTotal), hours(t.grandTotal, study.sessions.reduce((a, s) => a + s.minutes, 0))]);
  out.push({ type: 'table', table: table(`${anchor}-sessions`, 'Supervision sessions by kind and mode',
    ['Kind of session', ...modes.map(([, l]) => [l, true] as [string, boolean]), ['All sessions', true], ['Hours', true]], rows,
    'A group session with DSLs from several schools counts once. Hours are hidden wherever the number of sessions is hidden.') });
  return out;
}

function academicYear(period: string): string {
  const y = Number(period.slice(0, 4));
  const m = Number(period.slice(5, 7));
  const start = m >= 9 ? y : y - 1;
  return `${start}/${String((start + 1) % 100).padStart(2, '0')}`;
}

/**
 * Administrative outcomes per 1,000 pupils, by academic year and group. Pupil numbers are public, so a
 * rate is treated like the count it comes from; groups of fewer than 10 schools are hidden whole.
 */
function adminBlocks(study: StudyFacts, anchor: string, groups: GroupLabel[]): Block[] {
  if (!study.adminOutcomes.length) return [];
  const out: Block[] = [{ type: 'heading', text: 'Children\'s social care outcomes per 1,000 pupils' }];
  const schoolsIn = (g: GroupLabel) => study.schools.filter((s) => s.group === g);
  const pupilsOf = (list: Array<{ pupils: number | null }>) => list.reduce((a, s) => a + (s.pupils ?? 0), 0);
  const groupOfUrn = new Map(study.schools.map((s) => [s.urn, s.group]));
  const periods = [...new Set(study.adminOutcomes.map((o) => academicYear(o.period)))].sort();
  const smallGroups = groups.map((g) => !enoughSchools(schoolsIn(g).length));
  const allSmall = !enoughSchools(study.schools.length);
  const rows: PublicCell[][] = [];
  for (const [measure, label] of ADMIN_MEASURES) {
    const data = study.adminOutcomes.filter((o) => o.measure === measure);
    if (!data.length) continue;
    const grid = periods.map((p) => groups.map((g) => data.filter((o) => academicYear(o.period) === p && groupOfUrn.get(o.urn) === g).reduce((a, o) => a + o.count, 0)));
    const t = protectCountTable(grid, {
      forceHidden: grid.map((row) => row.map((_, gi) => smallGroups[gi])),
      forceHiddenRowTotals: periods.map(() => allSmall),
      unpublishedColumnTotals: true,
      unpublishedGrandTotal: true,
    });
    periods.forEach((p, pi) => {
      rows.push([labelCell(label), labelCell(p, false),
        ...groups.map((g, gi) => numberCell(protectRate(t.cells[pi][gi], pupilsOf(schoolsIn(g)), 1000), 'rate', 1)),
        ...(groups.length > 1 ? [numberCell(protectRate(t.rowTotals[pi], pupilsOf(study.schools), 1000), 'rate', 1)] : [])]);
    });
  }
  out.push({ type: 'table', table: table(`${anchor}-admin`, 'Outcomes per 1,000 pupils, by academic year and group',
    ['Outcome', 'Academic year', ...groups.map((g) => [g, true] as [string, boolean]), ...(groups.length > 1 ? [['All schools', true] as [string, boolean]] : [])], rows,
    `Counts from the local authority's records for the schools taking part, divided by their pupils on roll. Groups of fewer than ${MIN_SCHOOLS_IN_GROUP} schools are not shown.`) });
  return out;
}
