// Randomisation inference, cluster bootstrap and CACE in the arm-comparison report (issue 15): the report settings' choices run on each analysed outcome's rows, unformatted (for --json) and as tables with one-line method notes.
import { createHash } from 'node:crypto';
import { permutationTest, type AllocationProcedure, type InferenceUnit, type PermutationResult } from '../analysis/randomisation-inference';
import { clusterLevelOf } from './cluster-level';
import { clusterBootstrap, type BootstrapResult } from '../analysis/cluster-bootstrap';
import { caceAnalysis, type CaceResult } from '../analysis/cace';
import { DEFAULT_SESSIONS_INTENDED } from '../analysis/ipe';
import type { DataRow, IttOptions } from '../analysis/types';
import { fmtCi, fmtCiPercentagePoints, fmtInt, fmtNumber, fmtP, fmtPercentagePoints } from './format';
import type { OutcomeDataset } from './outcomes';
import type { ReportData } from './report-data';
import { blockingFsm } from './blocking-fsm';

/** What the report needs from the randomisation code (server/domain/randomisation/inference-tools.ts supplies it). */
export interface InferenceTools {
  /** The allocation procedure on fixed units, as server/domain/randomisation/rerandomise.ts builds it. */
  procedure(units: InferenceUnit[], method: 'stratified' | 'niesr-fsm-median'): AllocationProcedure;
  /** R's runif() after set.seed(seed). */
  uniform(seed: number): () => number;
}

/** An analysed outcome as buildArmComparison holds it (the fields used here). */
export interface InferenceOutcome { dataset: OutcomeDataset; result: { se_type: 'cr1' | 'cr2' } | null; primary: boolean }

/**
 * Results by a hash of everything they depend on (the outcome's rows, model, design and settings): a report
 * rendered again from unchanged data reuses them instead of re-running thousands of refits. In-process, at most
 * CACHE_MAX outcomes (oldest dropped first).
 */
const resultCache = new Map<string, Omit<OutcomeInference, 'key'>>();
const CACHE_MAX = 200;
const cacheStats = { hits: 0, misses: 0 };
/** Hits and misses of the result cache since the process started (for tests and the bench). */
export function inferenceCacheStats(): { hits: number; misses: number; entries: number } { return { ...cacheStats, entries: resultCache.size }; }

/** The seed and draws used when local authorities were randomised and the settings set no permutation test. */
export const LA_DEFAULT_PERMUTATION = { draws: 10_000, seed: 1 };

type Problem = { problem: string };
export type PermutationField = (PermutationResult & {
  model_p: number; se_type: 'cr1' | 'cr2'; cluster: 'school' | 'local authority'; forced: boolean;
  /** Set when the trial's procedure could not be re-run as recorded and a stand-in was (e.g. FSM blocks re-ranked differently). */
  procedure_note: string | null;
}) | Problem;
export type BootstrapField = (BootstrapResult & { estimate: number; ci: [number, number] }) | Problem;
export type CaceField = { sessions: (CaceResult | Problem); dosage: (CaceResult | Problem) };

/** The inference results of one outcome, for `dslkit report arm-comparison --json` (a field is absent when not set). */
export interface OutcomeInference { key: string; permutation?: PermutationField; bootstrap?: BootstrapField; cace?: CaceField }

interface Design {
  las: boolean;
  cluster: 'urn' | 'la';
  unit: 'school' | 'local authority';
  units: 'schools' | 'local authorities';
  method: 'stratified' | 'niesr-fsm-median';
  /** "the trial's stratified allocation (complete randomisation within the recorded strata)". */
  procedure: string;
}

const isProblem = (x: object): x is Problem => 'problem' in x;
const message = (err: unknown) => (err as Error).message.replace(/\.$/, '');

function designOf(data: ReportData): Design | Problem {
  const r = data.randomisation;
  if (!r) return { problem: 'the trial has no allocation (neither randomised in dslkit nor imported), so there is no allocation procedure to re-run' };
  const level = clusterLevelOf(data);
  const las = level.las;
  const declared = r.method.replace(/^imported: /, '');
  const fsmMedian = r.imported ? /fsm/i.test(declared) && /median/i.test(declared) : r.method === 'niesr-fsm-median';
  const method = fsmMedian && !las ? 'niesr-fsm-median' : 'stratified';
  const how = method === 'niesr-fsm-median' ? 'NIESR FSM-median allocation (two blocks by rank of % FSM, arms alternating down each block)' : 'stratified allocation (complete randomisation within the recorded strata)';
  return {
    las, cluster: level.column, unit: level.name, units: level.plural, method,
    procedure: r.imported ? `imported allocation's declared method ("${declared}"), re-run as a ${how}` : `trial's ${how}`,
  };
}

/** The outcome's rows with each school's LA code, % FSM, formal sessions and dosage (receipt for the CACE). */
function inferenceRows(dataset: OutcomeDataset, data: ReportData): { rows: DataRow[]; attendanceMissing: number } {
  const schools = new Map(data.schools.map((s) => [s.urn, s]));
  const fsm = blockingFsm(data); // the FSM variable the allocation blocked on (PercentageFSM or the imported ever-FSM)
  const formal = new Map<number, Set<number>>(), intro = new Set<number>();
  for (const s of data.sessions) {
    if (s.kind === 'adhoc') continue;
    for (const a of s.attendees) {
      if (s.kind === 'introduction') intro.add(a.urn);
      else { const set = formal.get(a.urn) ?? new Set(); set.add(s.id); formal.set(a.urn, set); }
    }
  }
  const intended = data.trial.sessionsIntended ?? DEFAULT_SESSIONS_INTENDED;
  let attendanceMissing = 0;
  const rows = dataset.rows.map((r) => {
    const urn = Number(r.urn), s = schools.get(urn);
    const sessions = formal.get(urn)?.size ?? 0;
    const dose = Math.min(1, ((intro.has(urn) ? 1 : 0) + sessions) / (intended + 1));
    const missing = s?.attendanceMissing === true;
    if (missing && r.y !== null && r.y !== undefined) attendanceMissing++;
    return { ...r, fsm: s ? fsm.value(s) : null, sessions: missing ? null : sessions, dose: missing ? null : dose, attendance_missing: missing ? 1 : 0 };
  });
  return { rows, attendanceMissing };
}

/** Allocation procedures shared by the outcomes of one report: the same units give the same re-runs, drawn once. */
function procedureCache(tools: InferenceTools, design: Design, note: (n: string) => void): (units: InferenceUnit[]) => AllocationProcedure {
  const cache = new Map<string, AllocationProcedure>();
  return (units) => {
    let method = design.method;
    if (method === 'niesr-fsm-median' && !fsmBlocksMatch(units)) {
      method = 'stratified';
      note(FSM_FALLBACK);
    }
    const key = `${method}\u0000${JSON.stringify([...units].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const base = tools.procedure(units, method);
    const draws = new Map<number, Uint8Array>();
    let all: Uint8Array[] | null = null;
    const shared: AllocationProcedure = {
      units: base.units, method: base.method, count: () => base.count(),
      draw: (seed) => { let d = draws.get(seed); if (!d) { d = base.draw(seed); draws.set(seed, d); } return d; },
      enumerate: () => (all ??= base.enumerate()),
    };
    cache.set(key, shared);
    return shared;
  };
}

const FSM_FALLBACK = 'ranking the % FSM of the schools in this outcome\'s data (not every school is in it, or % FSM has changed since) does not give the allocation\'s two FSM blocks, so its re-runs are complete randomisation within the recorded blocks';

/** True when ranking the units by (% FSM, id) gives the two blocks recorded as their strata. */
function fsmBlocksMatch(units: InferenceUnit[]): boolean {
  if (units.some((u) => !Number.isFinite(u.fsm))) return false;
  const numeric = units.every((u) => /^-?\d{1,15}$/.test(u.id));
  const sorted = [...units].sort((a, b) => a.fsm! - b.fsm! || (numeric ? Number(a.id) - Number(b.id) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const h = Math.floor(units.length / 2);
  const low = new Set(sorted.slice(0, h).map((u) => u.stratum)), high = new Set(sorted.slice(h).map((u) => u.stratum));
  return low.size === 1 && high.size === 1 && [...low][0] !== [...high][0];
}

/**
 * Runs the permutation test, bootstrap and CACE the settings ask for on each analysed outcome (and the permutation
 * test always when local authorities were randomised). `optionsOf` gives the report's ITT model of a dataset.
 */
export function outcomeInference(outcomes: InferenceOutcome[], data: ReportData, tools: InferenceTools | null, optionsOf: (d: OutcomeDataset) => IttOptions): { results: OutcomeInference[]; design: Design | Problem; notes: string[] } {
  const s = data.settings;
  const design = designOf(data);
  const las = !isProblem(design) && design.las;
  const wantPermutation = s.permutation?.on === true || las;
  const wantBootstrap = s.bootstrap?.on === true;
  const wantCace = s.cace?.on === true && s.cace.threshold !== null;
  const notes = new Set<string>();
  const results: OutcomeInference[] = [];
  if (!wantPermutation && !wantBootstrap && !wantCace) return { results, design, notes: [] };
  const missingTools = 'the report was built without the allocation procedures (a test harness, not the server or the CLI)';
  let procedureNote: string | null = null;
  const procedures = tools && !isProblem(design) ? procedureCache(tools, design, (n) => { procedureNote = n; }) : null;
  for (const o of outcomes) {
    if (!o.result) continue;
    const { rows, attendanceMissing } = inferenceRows(o.dataset, data);
    const out: OutcomeInference = { key: o.dataset.key };
    const base: IttOptions = { ...optionsOf(o.dataset), se: o.result.se_type };
    const opts: IttOptions = isProblem(design) ? base : { ...base, cluster: design.cluster, clustersAreLas: design.las };
    const cacheKey = createHash('sha256').update(JSON.stringify([rows, opts, design, s.permutation, s.bootstrap, s.cace, wantPermutation, wantBootstrap, wantCace,
      data.sessions.some((x) => x.kind !== 'adhoc'), data.trial.sessionsIntended, tools !== null])).digest('base64');
    const cached = resultCache.get(cacheKey);
    if (cached) {
      cacheStats.hits++;
      resultCache.delete(cacheKey); resultCache.set(cacheKey, cached); // most recently used last
      results.push({ key: o.dataset.key, ...cached });
      continue;
    }
    cacheStats.misses++;
    if (wantPermutation) {
      const settings = s.permutation?.on ? { draws: s.permutation.draws, seed: s.permutation.seed ?? LA_DEFAULT_PERMUTATION.seed } : LA_DEFAULT_PERMUTATION;
      try {
        if (isProblem(design)) throw new Error(design.problem);
        if (!procedures) throw new Error(missingTools);
        const useFsm = design.method === 'niesr-fsm-median' && rows.every((r) => typeof r.fsm === 'number');
        procedureNote = design.method === 'niesr-fsm-median' && !useFsm ? 'some schools have no % FSM recorded, so the FSM-median re-runs are complete randomisation within the recorded blocks' : null;
        const r = permutationTest(rows, opts, procedures, { draws: settings.draws, seed: settings.seed, fsm: useFsm ? 'fsm' : undefined });
        out.permutation = { ...r.permutation, model_p: r.itt.p, se_type: r.itt.se_type, cluster: design.unit, forced: !s.permutation?.on, procedure_note: procedureNote };
      } catch (err) { out.permutation = { problem: message(err) }; }
    }
    if (wantBootstrap) {
      try {
        if (!tools) throw new Error(missingTools);
        const seed = s.bootstrap!.seed!;
        const r = clusterBootstrap(rows, opts, { draws: s.bootstrap!.draws, uniform: tools.uniform(seed), seedNote: `set.seed(${seed})` });
        out.bootstrap = { ...r.bootstrap, estimate: r.itt.estimate, ci: r.itt.ci };
      } catch (err) { out.bootstrap = { problem: message(err) }; }
    }
    if (wantCace) {
      const k = s.cace!.threshold!;
      // schools whose attendance record is missing have no receipt: left out of the CACE (named in the note)
      const caceRows = attendanceMissing ? rows.map((r) => (r.attendance_missing === 1 ? { ...r, y: null } : r)) : rows;
      if (attendanceMissing) notes.add('The CACE leaves out schools whose attendance record is missing (their receipt is unknown).');
      const fit = (received: 'sessions' | 'dose', threshold?: number): CaceResult | Problem => {
        if (!data.sessions.some((x) => x.kind !== 'adhoc')) return { problem: 'no supervision sessions are logged, so receipt is 0 in both arms and the CACE cannot be estimated' };
        try { return caceAnalysis(caceRows, { ...opts, received, threshold }); } catch (err) { return { problem: message(err).replace(/^The CACE could not be estimated: /, '') }; }
      };
      out.cace = { sessions: fit('sessions', k), dosage: fit('dose') };
    }
    results.push(out);
    const { key: _key, ...rest } = out;
    void _key;
    resultCache.set(cacheKey, rest);
    if (resultCache.size > CACHE_MAX) resultCache.delete(resultCache.keys().next().value!);
  }
  return { results, design, notes: [...notes] };
}

// ---- view ------------------------------------------------------------------------------------------

export interface InferenceTableView {
  caption: string;
  showPermutation: boolean;
  showBootstrap: boolean;
  rows: Array<{ label: string; modelP: string; permutation: string; percentile: string; bca: string }>;
  notes: string[];
}

export interface CaceTableView {
  rows: Array<{ label: string; receipt: string; receivedByArm: string; estimate: string; se: string; p: string }>;
  notes: string[];
}

export interface InferenceView { primary: InferenceTableView | null; secondary: InferenceTableView | null; cace: CaceTableView | null }

/** "All outcomes: note" when every outcome shares it, else "A; B: note", in first-seen order. */
function grouped(pairs: Array<[string, string]>, all: number): string[] {
  const by = new Map<string, string[]>();
  for (const [label, note] of pairs) by.set(note, [...(by.get(note) ?? []), label]);
  return [...by].map(([note, labels]) => (labels.length === all && all > 1 ? `All outcomes: ${note}` : `${labels.join('; ')}: ${note}`));
}

function permutationNote(p: PermutationResult, design: Design, forced: boolean): string {
  const se = p.statistic.includes('CR2') ? 'CR2' : 'CR1';
  const why = forced ? ` Shown although the report settings do not ask for it: the trial randomised ${fmtInt(p.units)} local authorities, and with so few clusters the cluster-robust p leans on small-sample approximations (CR2 with Satterthwaite degrees of freedom), while the permutation p needs none.` : '';
  const undef = p.undefined_draws ? ` ${fmtInt(p.undefined_draws)} allocation${p.undefined_draws === 1 ? '' : 's'} left the arm collinear with the covariates and ${p.undefined_draws === 1 ? 'is' : 'are'} not counted.` : '';
  return (p.exact
    ? `Permutation p exact: every one of the ${fmtInt(p.draws)} allocations the ${design.procedure} can make on these ${fmtInt(p.units)} ${design.units} (20 or fewer, so all are enumerated and no seed is needed), the ${se} t of the arm refitted on each; p = share at least as extreme as the observed allocation.`
    : `Permutation p: ${fmtInt(p.draws)} re-runs of the ${design.procedure} on the same ${fmtInt(p.units)} ${design.units}, re-run b seeded with R's set.seed(${p.seeds?.match(/set\.seed\((-?\d+)/)?.[1]} + b), the ${se} t of the arm refitted on each; p = (1 + re-runs at least as extreme) / (1 + re-runs).`) + undef + why;
}

function ciText(kind: 'proportion' | 'score', ci: [number, number] | null, digits: number): string {
  return kind === 'proportion' ? fmtCiPercentagePoints(ci) : fmtCi(ci, digits);
}

function inferenceTable(list: InferenceOutcome[], byKey: Map<string, OutcomeInference>, design: Design | Problem, extraNotes: string[], caption: string): InferenceTableView | null {
  const shown = list.filter((o) => o.result && byKey.has(o.dataset.key) && (byKey.get(o.dataset.key)!.permutation || byKey.get(o.dataset.key)!.bootstrap));
  if (shown.length === 0) return null;
  const na = 'n/a';
  const problems: string[] = [];
  const permNotes: Array<[string, string]> = [], bootNotes: Array<[string, string]> = [], fallbackNotes: Array<[string, string]> = [];
  const rows = shown.map((o) => {
    const r = byKey.get(o.dataset.key)!;
    const label = o.dataset.label;
    let modelP = na, permutation = na, percentile = na, bca = na;
    if (r.permutation) {
      if (isProblem(r.permutation)) problems.push(`${label}: the permutation p could not be computed: ${r.permutation.problem}.`);
      else {
        modelP = `${fmtP(r.permutation.model_p)} (${r.permutation.se_type.toUpperCase()}${r.permutation.cluster === 'local authority' ? ', by local authority' : ''})`;
        permutation = `${fmtP(r.permutation.p)}${r.permutation.exact ? ' (exact)' : ''}`;
        if (!isProblem(design)) permNotes.push([label, permutationNote(r.permutation, design, r.permutation.forced)]);
        if (r.permutation.procedure_note) fallbackNotes.push([label, `${r.permutation.procedure_note.charAt(0).toUpperCase()}${r.permutation.procedure_note.slice(1)}.`]);
      }
    }
    if (r.bootstrap) {
      if (isProblem(r.bootstrap)) problems.push(`${label}: the bootstrap CI could not be computed: ${r.bootstrap.problem}.`);
      else {
        percentile = ciText(o.dataset.kind, r.bootstrap.percentile, o.dataset.digits + 1);
        bca = r.bootstrap.bca ? ciText(o.dataset.kind, r.bootstrap.bca, o.dataset.digits + 1) : 'undefined (see note)';
        bootNotes.push([label, r.bootstrap.method.replace(/^Cluster bootstrap: /, 'Bootstrap CIs: ').replace(/ clusters /, isProblem(design) ? ' clusters ' : ` ${design.units} `)]);
      }
    }
    return { label, modelP, permutation, percentile, bca };
  });
  const anyPerm = shown.some((o) => byKey.get(o.dataset.key)!.permutation);
  const anyBoot = shown.some((o) => byKey.get(o.dataset.key)!.bootstrap);
  return {
    caption, showPermutation: anyPerm, showBootstrap: anyBoot, rows,
    notes: [...grouped(permNotes, shown.length), ...grouped(fallbackNotes, shown.length), ...grouped(bootNotes, shown.length), ...problems, ...extraNotes],
  };
}

function caceTable(list: InferenceOutcome[], byKey: Map<string, OutcomeInference>, data: ReportData, design: Design | Problem, extraNotes: string[]): CaceTableView | null {
  const shown = list.filter((o) => o.result && byKey.get(o.dataset.key)?.cace);
  if (shown.length === 0) return null;
  const k = data.settings.cace!.threshold!;
  const intended = data.trial.sessionsIntended ?? DEFAULT_SESSIONS_INTENDED;
  const rows: CaceTableView['rows'] = [];
  const problems: Array<[string, string]> = [];
  let seType: string | null = null;
  for (const o of shown) {
    const c = byKey.get(o.dataset.key)!.cace!;
    for (const [which, r] of [['sessions', c.sessions], ['dosage', c.dosage]] as const) {
      const receipt = which === 'sessions' ? `At least ${k} formal session${k === 1 ? '' : 's'}` : 'Dosage (continuous, 0 to 1)';
      if (isProblem(r)) {
        problems.push([o.dataset.label, `the CACE${which === 'dosage' ? ' by dosage' : ` for at least ${k} formal sessions`} cannot be estimated: ${r.problem}.`]);
        rows.push({ label: o.dataset.label, receipt, receivedByArm: 'n/a', estimate: 'n/a', se: 'n/a', p: 'n/a' });
        continue;
      }
      seType = r.se_type.toUpperCase();
      const prop = o.dataset.kind === 'proportion';
      const by = which === 'sessions' ? `${fmtNumber(r.receipt_by_arm.intervention * 100, 0)}%; ${fmtNumber(r.receipt_by_arm.control * 100, 0)}%` : `${fmtNumber(r.receipt_by_arm.intervention, 2)}; ${fmtNumber(r.receipt_by_arm.control, 2)}`;
      rows.push({
        label: o.dataset.label, receipt, receivedByArm: by,
        estimate: prop ? `${fmtPercentagePoints(r.estimate)} ${fmtCiPercentagePoints(r.ci)}` : `${fmtNumber(r.estimate, 3)} ${fmtCi(r.ci, 3)}`,
        se: prop ? fmtPercentagePoints(r.se) : fmtNumber(r.se, 3), p: fmtP(r.p),
      });
    }
  }
  const unit = isProblem(design) ? 'school' : design.unit;
  const method = `CACE: two-stage least squares, the randomised arm instrumenting receipt (a school attended at least ${k} formal session${k === 1 ? '' : 's'}; and the dosage, sessions attended with the introduction counted ÷ ${intended + 1}, capped at 1, for schools in either arm), with the ITT model's covariates and ${seType ?? 'its'} standard errors clustered by ${unit} (as R estimatr::iv_robust). It is the effect on schools that take supervision up when offered, not on every school offered it.`;
  return { rows, notes: [method, ...grouped(problems, shown.length), ...extraNotes] };
}

/** The inference tables beside Tables 3 and 4 and the CACE beside the dose-response (all null when nothing is set). */
export function inferenceSection(outcomes: InferenceOutcome[], data: ReportData, tools: InferenceTools | null, optionsOf: (d: OutcomeDataset) => IttOptions): InferenceView {
  const { results, design, notes } = outcomeInference(outcomes, data, tools, optionsOf);
  if (results.length === 0) return { primary: null, secondary: null, cace: null };
  const byKey = new Map(results.map((r) => [r.key, r]));
  const caceNotes = notes.filter((n) => n.startsWith('The CACE'));
  const otherNotes = notes.filter((n) => !n.startsWith('The CACE'));
  return {
    primary: inferenceTable(outcomes.filter((o) => o.primary), byKey, design, otherNotes, 'Table 3b. Primary outcome: randomisation inference and bootstrap confidence interval'),
    secondary: inferenceTable(outcomes.filter((o) => !o.primary), byKey, design, otherNotes, 'Table 4a. Secondary outcomes: randomisation inference and bootstrap confidence intervals'),
    cace: caceTable(outcomes, byKey, data, design, caceNotes),
  };
}
