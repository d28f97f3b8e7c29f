// Turns the raw facts of one LA into the published dashboard view-model; every number goes through domain/disclosure first,
// all of a page's counts in one protected table set, and a closed wave's figures from its frozen copy once it has one.
import {
  ProtectedTableSet, protectGroupSummary, protectRate, enoughSchools, DISCLOSURE_RULES, MIN_RESPONDENTS_FOR_SUMMARY, MIN_SCHOOLS_IN_GROUP,
  SUPPRESSED_MARK, type EntryId, type ProtectedSet,
} from '../disclosure';
import { countCell, labelCell, numberCell, ciCell } from './cells';
import { meanWithCi } from './mean-ci';
import { PUBLISHED_SCALES, binsOf, binIndex, instrumentIdOf, type PublishedScale } from './scales';
import { protectedHistogramSpec } from './histogram-spec';
import type {
  Block, DashboardFacts, DashboardModel, FrozenWave, GroupLabel, HistogramBar, PublicCell, PublicChart, PublicTable, StudyFacts, StudyView, WaveFigures,
} from './types';

const GROUP_ORDER: readonly GroupLabel[] = ['Intervention', 'Control', 'Not yet allocated', 'All settings'];
const WAVE_ORDER = ['baseline', 'midpoint', 'endline'];
const SESSION_KINDS: Array<[string, string]> = [['introduction', 'Introduction'], ['formal', 'Formal supervision'], ['adhoc', 'Ad hoc advice']];
const SESSION_MODES: Array<[string, string]> = [['face_to_face', 'Face to face'], ['online', 'Online'], ['phone', 'Phone'], ['email', 'Email']];
export const ADMIN_MEASURES: Array<[string, string]> = [
  ['contacts', 'Contacts with children\'s social care'], ['contacts_nfa', 'Contacts leading to no further action'], ['referrals', 'Referrals'],
  ['referrals_nfa', 'Referrals leading to no further action'], ['early_help', 'Early Help assessments'], ['cin', 'Child in Need plans'],
  ['s47', 'Section 47 enquiries'], ['looked_after', 'Children becoming looked after'], ['csa_contacts', 'Contacts about possible child sexual abuse'],
];

/** A cell whose number is known only once the page's table set is protected. */
type Cell = PublicCell | ((p: ProtectedSet) => PublicCell);
interface PendingTable { id: string; caption: string; head: PublicTable['head']; rows: Cell[][]; footnote: string | null }
type PendingBlock = Block | { type: 'pending-table'; table: PendingTable };

export interface BuiltDashboard {
  model: DashboardModel;
  /** Closed waves whose figures this page computed for the first time: the caller stores them, and they never change again. */
  newlyFrozen: FrozenWave[];
}

/**
 * Builds the whole dashboard for one LA. Pure: the same facts and frozen waves always give the same model.
 * `frozen` holds the figures of closed waves already published (or previewed): they are used as they are.
 */
export function buildDashboard(facts: DashboardFacts, frozen: readonly FrozenWave[] = []): BuiltDashboard {
  const studiesFacts = facts.studies.filter((s) => s.schools.length > 0);
  // DSLs invited per group are hidden in every wave if hidden in any (the roster is usually the same), so passes repeat until stable.
  let hideInvited = new Map<string, Set<string>>(studiesFacts.map((s) => [s.id, new Set(frozen.filter((f) => f.studyId === s.id).flatMap((f) => f.figures.hiddenInvitedGroups))]));
  let result: BuiltDashboard | null = null;
  for (let pass = 0; pass < 8; pass++) {
    const set = new ProtectedTableSet();
    const admin = new AdminAtoms(studiesFacts, set);
    const pending = studiesFacts.map((s, i) => pendingStudy(s, i, facts.readAt, frozen.filter((f) => f.studyId === s.id), hideInvited.get(s.id)!, set, admin));
    const p = set.protect();
    const studies = pending.map((x) => x.finish(p));
    const next = new Map(studies.map((s, i) => [studiesFacts[i].id, new Set([...hideInvited.get(studiesFacts[i].id)!, ...s.waves.flatMap((w) => w.hiddenInvitedGroups)])]));
    const stable = [...next].every(([id, groups]) => groups.size === hideInvited.get(id)!.size);
    result = {
      model: {
        format: 'dslkit-la-dashboard@1',
        laCode: facts.la.code,
        laName: facts.la.name,
        dataAsAt: facts.readAt,
        dataAsAtText: dateText(facts.readAt),
        isDemo: facts.studies.some((s) => s.isDemo),
        rules: [...DISCLOSURE_RULES],
        studies: studies.map((s) => s.view),
      },
      newlyFrozen: studies.flatMap((s, i) => s.waves.filter((w) => w.closed && showsAScore(w) && !frozen.some((f) => f.studyId === studiesFacts[i].id && f.wave === w.wave))
        .map((w) => ({ studyId: studiesFacts[i].id, wave: w.wave, frozenAt: facts.readAt, figures: w }))),
    };
    if (stable) break;
    hideInvited = next;
  }
  return result!;
}

/**
 * Does a closed wave's page show any of its scores (a mean or a band)? Only then is it frozen: a wave whose scores
 * are all still hidden (say, 3 online answers while the paper returns are being entered) has shown nobody's answer,
 * so it stays live until the first page that shows a score, which freezes it.
 */
function showsAScore(w: WaveFigures): boolean {
  return w.scales.some((s) => s.bars.some((b) => b.count !== null) || s.means.some((r) => r.some((c) => c.kind === 'mean' && c.text !== SUPPRESSED_MARK)));
}

function dateText(iso: string): string {
  return new Date(iso).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

function waveLabel(study: StudyFacts, wave: string): string {
  if (study.kind === 'programme') return wave === 'baseline' ? 'Start of year' : wave === 'endline' ? 'End of year' : 'Midpoint';
  return wave.charAt(0).toUpperCase() + wave.slice(1);
}

function head(cols: Array<string | [string, boolean]>): PublicTable['head'] {
  return cols.map((h) => (typeof h === 'string' ? { text: h, numeric: false } : { text: h[0], numeric: h[1] }));
}

function table(id: string, caption: string, cols: Array<string | [string, boolean]>, rows: Cell[][], footnote: string | null = null): PendingTable {
  return { id, caption, head: head(cols), rows, footnote };
}

function finishTable(t: PendingTable, p: ProtectedSet): PublicTable {
  return { ...t, rows: t.rows.map((r) => r.map((c) => (typeof c === 'function' ? c(p) : c))) };
}

const countOf = (id: EntryId): Cell => (p) => countCell(p.get(id));

function pendingStudy(study: StudyFacts, index: number, readAt: string, frozen: FrozenWave[], hideInvited: Set<string>, set: ProtectedTableSet, admin: AdminAtoms) {
  const anchor = `study-${index + 1}`;
  const groups = GROUP_ORDER.filter((g) => study.schools.some((s) => s.group === g));
  const groupOfUrn = new Map(study.schools.map((s) => [s.urn, s.group]));
  const dslGroup = new Map(study.dsls.map((d) => [d.id, groupOfUrn.get(d.urn)!]));
  const blocksBefore: PendingBlock[] = [{
    type: 'paragraph',
    text: study.kind === 'programme'
      ? 'A programme that schools buy from the local authority. There is no control group, so changes over the year cannot be put down to supervision alone.'
      : 'A randomised trial: schools were allocated at random to receive supervision (intervention) or not (control).',
  }, ...schoolsBlock(study, anchor, groups, set)];
  const closesAt = new Map(study.waves.map((w) => [w.name, w.closesAt]));
  const waveNames = WAVE_ORDER.filter((w) => study.invitations.some((i) => i.wave === w) || frozen.some((f) => f.wave === w));
  const waves = waveNames.map((w) => {
    const kept = frozen.find((f) => f.wave === w);
    if (kept) return (_p: ProtectedSet) => kept.figures;
    const closed = Boolean(closesAt.get(w)) && Date.parse(closesAt.get(w)!) <= Date.parse(readAt);
    return pendingWave(study, anchor, w, closesAt.get(w) ?? '', closed, groups, dslGroup, hideInvited, set);
  });
  const blocksAfter: PendingBlock[] = [...supervisionBlocks(study, anchor, groups, set), ...adminBlocks(study, anchor, groups, set, admin)];
  return {
    finish: (p: ProtectedSet): { view: StudyView; waves: WaveFigures[] } => {
      const figures = waves.map((w) => w(p));
      let blocks: Block[] = [...blocksBefore.map((b) => finishBlock(b, p)), ...surveyBlocks(study, anchor, figures), ...blocksAfter.map((b) => finishBlock(b, p))];
      if (!publishesAnyNumber(blocks)) blocks = [blocks[0], { type: 'paragraph', text: TOO_SMALL }];
      return { view: { anchor, title: study.title, kindLabel: study.kind === 'programme' ? 'Programme' : 'Randomised trial', blocks }, waves: figures };
    },
  };
}

/** What a study says instead of tables where every figure would be hidden. */
export const TOO_SMALL = 'So few schools and DSLs in this local authority take part that no figure can be published without risking that someone could be identified. Figures will appear here when more take part.';

/** Does any table or chart show a number other than 0 (every other count, rate and mean hidden)? */
function publishesAnyNumber(blocks: Block[]): boolean {
  const shown = (t: PublicTable) => t.rows.some((r) => r.some((c) => c.kind !== 'label' && c.kind !== 'note' && c.text !== SUPPRESSED_MARK && !/^0(\.0+)?%?$/.test(c.text)));
  return blocks.some((b) => (b.type === 'table' && shown(b.table)) || (b.type === 'chart' && b.chart.rows.some((x) => (x.count ?? 0) > 0)));
}

function finishBlock(b: PendingBlock, p: ProtectedSet): Block {
  return b.type === 'pending-table' ? { type: 'table', table: finishTable(b.table, p) } : b;
}

/** Schools taking part per group (the only breakdown of schools, so none can be picked out). */
function schoolsBlock(study: StudyFacts, anchor: string, groups: GroupLabel[], set: ProtectedTableSet): PendingBlock[] {
  const ids = groups.map((g) => set.count(study.schools.filter((s) => s.group === g).length));
  const rows: Cell[][] = groups.map((g, i) => [labelCell(g), countOf(ids[i])]);
  if (groups.length > 1) {
    const total = set.count(study.schools.length);
    set.sum(total, ids);
    rows.push([labelCell('Total'), countOf(total)]);
  }
  return [
    { type: 'heading', text: 'Schools taking part' },
    { type: 'pending-table', table: table(`${anchor}-schools`, 'Schools taking part', ['Group', ['Schools', true]], rows) },
  ];
}

/**
 * One wave's figures: invited, completed and not completed per group; once the wave has closed, each scale's
 * means and distribution by group too. Every count goes into the page's table set: a group's Completed is one
 * entry, printed in the participation table and the means table, and equal to the bands of each of its
 * distributions plus those without a score on that scale (a number a reader is assumed to know).
 */
function pendingWave(study: StudyFacts, anchor: string, w: string, closesAt: string, closed: boolean, groups: GroupLabel[],
  dslGroup: Map<string, GroupLabel>, hideInvited: Set<string>, set: ProtectedTableSet): (p: ProtectedSet) => WaveFigures {
  const label = waveLabel(study, w);
  const per = groups.map((g) => {
    const inv = study.invitations.filter((i) => i.wave === w && dslGroup.get(i.dslId) === g);
    const done = inv.filter((i) => i.complete).length;
    const invited = set.count(inv.length, { hide: hideInvited.has(g) });
    const completed = set.count(done);
    const notCompleted = set.count(inv.length - done);
    set.sum(invited, [completed, notCompleted]);
    return { g, invited, completed, notCompleted, done, counts: { invited: inv.length, completed: done, notCompleted: inv.length - done } };
  });
  const line = (name: string, x: { invited: EntryId; completed: EntryId; notCompleted: EntryId }): Cell[] => [
    labelCell(name), countOf(x.invited), countOf(x.completed), countOf(x.notCompleted),
    (p) => numberCell(protectRate(p.get(x.completed), p.get(x.invited), 100), 'rate', 0, '%'),
  ];
  const rows: Cell[][] = per.map((x) => line(x.g, x));
  if (groups.length > 1) {
    const totalOf = (k: 'invited' | 'completed' | 'notCompleted') => {
      const id = set.count(per.reduce((a, x) => a + x.counts[k], 0));
      set.sum(id, per.map((x) => x[k]));
      return id;
    };
    const total = { invited: totalOf('invited'), completed: totalOf('completed'), notCompleted: totalOf('notCompleted') };
    set.sum(total.invited, [total.completed, total.notCompleted]);
    rows.push(line('Total', total));
  }
  const participation = table(`${anchor}-participation-${w}`, `${label} survey: DSLs invited and responding`,
    ['Group', ['DSLs invited', true], ['Completed', true], ['Not completed', true], ['Response rate', true]], rows,
    closed ? null : `The ${label.toLowerCase()} survey is open until ${dateText(closesAt)}: these are the responses so far. Its scores are published only after it closes.`);

  const scales = closed ? PUBLISHED_SCALES.filter((s) => study.scores.some((x) => x.wave === w && matches(x, s))).map((scale) => {
    const bins = binsOf(scale);
    const printed = (v: number) => v.toLocaleString('en-GB', { minimumFractionDigits: scale.decimals, maximumFractionDigits: scale.decimals });
    const notShown: string[] = [];
    const bars: Array<{ g: GroupLabel; bin: number; id: EntryId }> = [];
    const means: Cell[][] = per.map((x) => {
      const vals = study.scores.filter((s) => s.wave === w && matches(s, scale) && dslGroup.get(s.dslId) === x.g).map((s) => s.value);
      const s = protectGroupSummary(vals, (v) => binIndex(bins, v), () => meanWithCi(vals), printed);
      if (!s.hidden) {
        const bandIds = bins.map((b) => set.count(vals.filter((v) => binIndex(bins, v) === b.order).length));
        set.sum(x.completed, [...bandIds, set.known(x.done - vals.length)]);
        bandIds.forEach((id, bin) => bars.push({ g: x.g, bin, id }));
      } else if (vals.length > 0) {
        notShown.push(`${label.toLowerCase()} ${x.g.toLowerCase()}`);
      }
      return [labelCell(label), labelCell(x.g, false), countOf(x.completed),
        numberCell(s.hidden ? s : { hidden: false, value: s.value.mean }, 'mean', scale.decimals),
        ciCell(s.hidden ? s : { hidden: false, value: s.value }, scale.decimals)];
    });
    return { scale, means, bars, notShown, bins };
  }) : [];

  return (p) => ({
    wave: w, label, closed, closesAt,
    participation: finishTable(participation, p),
    hiddenInvitedGroups: per.filter((x) => p.get(x.invited).hidden).map((x) => x.g),
    scales: scales.map((s) => ({
      instrument: s.scale.instrument, scale: s.scale.scale, notShown: s.notShown,
      means: s.means.map((r) => r.map((c) => (typeof c === 'function' ? c(p) : c))),
      bars: s.bars.map((b) => {
        const pc = p.get(b.id);
        return { wave: label, group: b.g, bin: s.bins[b.bin].label, binOrder: b.bin, count: pc.hidden ? null : pc.value, label: pc.hidden ? SUPPRESSED_MARK : String(pc.value) };
      }),
    })),
  });
}

function matches(x: { instrument: string; scale: string }, s: PublishedScale): boolean {
  return instrumentIdOf(x.instrument) === s.instrument && x.scale === s.scale;
}

/** Participation per wave, then means and distributions of each scale from the closed waves. */
function surveyBlocks(study: StudyFacts, anchor: string, waves: WaveFigures[]): Block[] {
  const out: Block[] = [{ type: 'heading', text: 'Survey participation' }];
  if (!waves.length) out.push({ type: 'paragraph', text: 'No survey invitations have been sent yet.' });
  for (const w of waves) out.push({ type: 'table', table: w.participation });
  const scales = PUBLISHED_SCALES.filter((s) => waves.some((w) => w.scales.some((x) => x.instrument === s.instrument && x.scale === s.scale)));
  const open = waves.filter((w) => !w.closed);
  if (!scales.length && !open.length) return out;
  out.push({ type: 'heading', text: 'Wellbeing and confidence' });
  out.push({ type: 'paragraph', text: `Scores are published only from surveys that have closed, and a closed survey's figures never change once shown. Means are shown with 95% confidence intervals, only for groups of at least ${MIN_RESPONDENTS_FOR_SUMMARY} DSLs with a score whose answers are not all alike. A few DSLs who completed a survey may have no score for a measure because answers were missing.` });
  for (const w of open) out.push({ type: 'paragraph', text: `Scores from the ${w.label.toLowerCase()} survey will be published after it closes on ${dateText(w.closesAt)}.` });
  for (const scale of scales) {
    const parts = waves.flatMap((w) => w.scales.filter((x) => x.instrument === scale.instrument && x.scale === scale.scale));
    const slug = `${scale.instrument}-${scale.scale}`.replace(/[^a-z0-9]+/g, '-');
    out.push({ type: 'heading', text: `${scale.label} (${scale.hint})` });
    out.push({ type: 'table', table: { id: `${anchor}-${slug}-means`, caption: `${scale.label}: mean by wave and group`,
      head: head(['Wave', 'Group', ['Completed responses', true], ['Mean', true], ['95% confidence interval', true]]), rows: parts.flatMap((x) => x.means), footnote: null } });
    const chart = distributionChart(`${anchor}-${slug}`, scale, parts.flatMap((x) => x.bars), parts.flatMap((x) => x.notShown));
    if (chart) out.push({ type: 'chart', chart });
  }
  return out;
}

/** Histogram of a scale by wave and group from already protected bars. */
function distributionChart(id: string, scale: PublishedScale, bars: HistogramBar[], left: string[]): PublicChart | null {
  if (!bars.length) return null;
  const bins = binsOf(scale);
  const title = `${scale.label}: distribution by wave and group`;
  const panels = [...new Set(bars.map((b) => `${b.wave.toLowerCase()} ${b.group.toLowerCase()}`))];
  const summary = `Bar charts of the number of DSLs in each band of ${scale.label} (${scale.hint}), one panel for each of: ${panels.join('; ')}. `
    + `Bands with a hidden count are marked c.${left.length ? ` Not shown (fewer than ${MIN_RESPONDENTS_FOR_SUMMARY} respondents, or answers too alike to show): ${left.join('; ')}.` : ''} The numbers are in the table below the chart.`;
  const columns = [...new Set(bars.map((b) => `${b.wave}, ${b.group}`))];
  const rows = bins.map((b) => [labelCell(b.label), ...columns.map((col) => {
    const bar = bars.find((x) => x.binOrder === b.order && `${x.wave}, ${x.group}` === col)!;
    return countCell(bar.count === null ? { hidden: true, reason: 'secondary' } : { hidden: false, value: bar.count });
  })]);
  return {
    id, title, summary, rows: bars, svg: null,
    spec: protectedHistogramSpec(title, summary, bars, scale.label),
    table: { id: `${id}-data`, caption: `${scale.label}: number of DSLs in each band`, head: head(['Band', ...columns.map((h) => [h, true] as [string, boolean])]), rows, footnote: null },
  };
}

/** Sessions delivered by kind and mode, with hours: only for groups of at least 10 schools receiving supervision. */
function supervisionBlocks(study: StudyFacts, anchor: string, groups: GroupLabel[], set: ProtectedTableSet): PendingBlock[] {
  const out: PendingBlock[] = [{ type: 'heading', text: 'Supervision delivered' }];
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
  const of = (k?: string, m?: string) => study.sessions.filter((s) => (!k || s.kind === k) && (!m || s.mode === m));
  const cells = SESSION_KINDS.map(([k]) => SESSION_MODES.map(([m]) => set.count(of(k, m).length)));
  const rowTotals = SESSION_KINDS.map(([k], i) => { const id = set.count(of(k).length); set.sum(id, cells[i]); return id; });
  const colTotals = SESSION_MODES.map(([m], j) => { const id = set.count(of(undefined, m).length); set.sum(id, cells.map((r) => r[j])); return id; });
  const grand = set.count(study.sessions.length);
  set.sum(grand, rowTotals);
  set.sum(grand, colTotals);
  const hoursOf = (list: Array<{ minutes: number }>) => list.reduce((a, s) => a + s.minutes, 0) / 60;
  const kindHours = SESSION_KINDS.map(([k], i) => set.amount(hoursOf(of(k)), [rowTotals[i]]));
  const totalHours = set.amount(hoursOf(study.sessions), [grand]);
  set.sum(totalHours, kindHours);
  const hours = (id: EntryId): Cell => (p) => numberCell(p.get(id).hidden ? { hidden: true, reason: 'few-respondents' } : { hidden: false, value: (p.get(id) as { value: number }).value }, 'hours', 1);
  const rows: Cell[][] = SESSION_KINDS.map(([, label], i) => [labelCell(label), ...cells[i].map(countOf), countOf(rowTotals[i]), hours(kindHours[i])]);
  rows.push([labelCell('Total'), ...colTotals.map(countOf), countOf(grand), hours(totalHours)]);
  out.push({ type: 'pending-table', table: table(`${anchor}-sessions`, 'Supervision sessions by kind and mode',
    ['Kind of session', ...SESSION_MODES.map(([, l]) => [l, true] as [string, boolean]), ['All sessions', true], ['Hours', true]], rows,
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
 * The same school's outcomes can be counted in two studies of one page (a school in a trial and in a programme),
 * so the groups of schools of all studies split the LA's schools into pieces: schools in exactly the same groups.
 * Each published outcome count is the sum of its pieces; a piece of fewer than 10 schools is a number that must
 * never be worked out (it would be a rate for a handful of schools), one of 10 or more is merely unpublished.
 */
class AdminAtoms {
  private readonly pieces = new Map<string, Array<{ groups: Set<string>; id: EntryId }>>();

  constructor(private readonly studies: StudyFacts[], private readonly set: ProtectedTableSet) {}

  atomsOf(measure: string, period: string, studyId: string, group: GroupLabel): EntryId[] {
    const key = `${measure}|${period}`;
    if (!this.pieces.has(key)) this.pieces.set(key, this.build(measure, period));
    return this.pieces.get(key)!.filter((p) => p.groups.has(`${studyId}|${group}`)).map((p) => p.id);
  }

  private build(measure: string, period: string): Array<{ groups: Set<string>; id: EntryId }> {
    const memberships = new Map<number, string[]>();
    for (const s of this.studies) for (const school of s.schools) memberships.set(school.urn, [...(memberships.get(school.urn) ?? []), `${s.id}|${school.group}`]);
    const countOf = new Map<number, number>();
    for (const s of this.studies) for (const o of s.adminOutcomes) {
      if (o.measure !== measure || academicYear(o.period) !== period) continue;
      // Each study's facts carry the same rows for a shared school: count each row once.
      const seen = `${o.urn}|${o.period}`;
      if (this.seenRows.has(`${measure}|${seen}`)) continue;
      this.seenRows.add(`${measure}|${seen}`);
      countOf.set(o.urn, (countOf.get(o.urn) ?? 0) + o.count);
    }
    const byPattern = new Map<string, { groups: Set<string>; schools: number; total: number }>();
    for (const [urn, groups] of memberships) {
      const pattern = [...groups].sort().join('&');
      const piece = byPattern.get(pattern) ?? { groups: new Set(groups), schools: 0, total: 0 };
      piece.schools++;
      piece.total += countOf.get(urn) ?? 0;
      byPattern.set(pattern, piece);
    }
    return [...byPattern.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, p]) => ({
      groups: p.groups, id: enoughSchools(p.schools) ? this.set.unpublished(p.total) : this.set.count(p.total, { hide: true }),
    }));
  }

  private readonly seenRows = new Set<string>();
}

/**
 * Administrative outcomes per 1,000 pupils, by academic year and group. Pupil numbers are public, so a
 * rate is treated like the count it comes from; groups of fewer than 10 schools are hidden whole.
 */
function adminBlocks(study: StudyFacts, anchor: string, groups: GroupLabel[], set: ProtectedTableSet, admin: AdminAtoms): PendingBlock[] {
  if (!study.adminOutcomes.length) return [];
  const out: PendingBlock[] = [{ type: 'heading', text: 'Children\'s social care outcomes per 1,000 pupils' }];
  const schoolsIn = (g: GroupLabel) => study.schools.filter((s) => s.group === g);
  const pupilsOf = (list: Array<{ pupils: number | null }>) => list.reduce((a, s) => a + (s.pupils ?? 0), 0);
  const groupOfUrn = new Map(study.schools.map((s) => [s.urn, s.group]));
  const periods = [...new Set(study.adminOutcomes.map((o) => academicYear(o.period)))].sort();
  const smallGroups = groups.map((g) => !enoughSchools(schoolsIn(g).length));
  const allSmall = !enoughSchools(study.schools.length);
  const rows: Cell[][] = [];
  const rate = (id: EntryId, pupils: number): Cell => (p) => numberCell(protectRate(p.get(id), pupils, 1000), 'rate', 1);
  for (const [measure, label] of ADMIN_MEASURES) {
    const data = study.adminOutcomes.filter((o) => o.measure === measure);
    if (!data.length) continue;
    for (const period of periods) {
      const inPeriod = data.filter((o) => academicYear(o.period) === period);
      const cells = groups.map((g, gi) => {
        const id = set.count(inPeriod.filter((o) => groupOfUrn.get(o.urn) === g).reduce((a, o) => a + o.count, 0), { hide: smallGroups[gi] });
        set.sum(id, admin.atomsOf(measure, period, study.id, g));
        return id;
      });
      const row: Cell[] = [labelCell(label), labelCell(period, false), ...groups.map((g, gi) => rate(cells[gi], pupilsOf(schoolsIn(g))))];
      if (groups.length > 1) {
        const total = set.count(inPeriod.filter((o) => groupOfUrn.has(o.urn)).reduce((a, o) => a + o.count, 0), { hide: allSmall });
        set.sum(total, cells);
        row.push(rate(total, pupilsOf(study.schools)));
      }
      rows.push(row);
    }
  }
  out.push({ type: 'pending-table', table: table(`${anchor}-admin`, 'Outcomes per 1,000 pupils, by academic year and group',
    ['Outcome', 'Academic year', ...groups.map((g) => [g, true] as [string, boolean]), ...(groups.length > 1 ? [['All schools', true] as [string, boolean]] : [])], rows,
    `Counts from the local authority's records for the schools taking part, divided by their pupils on roll. Groups of fewer than ${MIN_SCHOOLS_IN_GROUP} schools are not shown.`) });
  return out;
}
