// Pure scoring of a response's raw answers into score rows (shared by survey submit and `dslkit rescore`) and the rescore plan: which stored rows change, with per-scale old -> new summaries.
import type { InstrumentDef } from '../../../instruments/registry';
import { scoreInstrument } from '../../../instruments/score';
import type { AnswerKey } from '../../../instruments/scoring-rules';

export type Answers = Record<string, unknown>;

/** One row of the scores table (without response id and timestamp). */
export interface ScoreRow { instrument: string; scale: string; value: number | null; reason: string | null; band: string | null }

/** The trial's answer-key overrides for an instrument 'id@version', or undefined when the bundled key applies. */
export type KeyLookup = (instrumentKey: string) => AnswerKey | undefined;

/** 'pss10@1' -> 'pss10'. */
export function instrumentIdOf(key: string): string { return key.split('@')[0]; }

/** Scores every instrument of a response with the trial's answer keys; one row per scale, in instrument then rule order. */
export function scoreRows(defs: InstrumentDef[], answers: Answers, keyFor: KeyLookup): ScoreRow[] {
  return defs.flatMap((def) => {
    const result = scoreInstrument(def, answers, { keyOverrides: keyFor(def.key) ?? {} });
    return Object.entries(result.scales).map(([scale, s]) => ({ instrument: result.instrument, scale, value: s.value, reason: s.reason ?? null, band: s.band ?? null }));
  });
}

/** A complete response as stored: what was answered (newest submit/import snapshot) and the scores now stored. */
export interface StoredResponse {
  responseId: number;
  /** 'id@version' of the instruments answered. */
  instruments: string[];
  /** The newest submit/import snapshot's answers, or null when the response has none (nothing to score from). */
  answers: Answers | null;
  stored: ScoreRow[];
}

export interface RescoreOptions {
  /** The instrument's current rules by id (the installed version); undefined when it is no longer installed. */
  currentDef: (instrumentId: string) => InstrumentDef | undefined;
  keyFor: KeyLookup;
  /** Only this instrument id (default: every instrument each response answered). */
  instrumentId?: string;
}

/** What to write for one response: delete the stored rows that differ (by instrument and scale), insert their recomputed rows. */
export interface ResponseChange { responseId: number; remove: Array<{ instrument: string; scale: string }>; insert: ScoreRow[] }

export interface Transition { from: number | null; to: number | null; count: number }

/** Old -> new summary of one scale over the responses considered. */
export interface ScaleSummary {
  /** Instrument 'id@version' of the new rows (the old one when the scale no longer exists). */
  instrument: string;
  scale: string;
  /** Responses with a stored or a new value for this scale. */
  responses: number;
  changed: number;
  old: { n: number; mean: number | null };
  new: { n: number; mean: number | null };
  /** Distinct value changes, most frequent first. */
  transitions: Transition[];
}

export interface RescorePlan {
  responsesConsidered: number;
  /** Complete responses without a submit or import snapshot: left as they are. */
  responsesWithoutAnswers: number;
  responsesChanged: number;
  valuesChanged: number;
  changes: ResponseChange[];
  scales: ScaleSummary[];
  /** Answered version -> installed version, where they differ, with how many responses. */
  versionChanges: Array<{ from: string; to: string; responses: number }>;
  /** Instrument ids answered but no longer installed (their scores are left as they are). */
  missingInstruments: string[];
}

function sameRow(a: ScoreRow | undefined, b: ScoreRow | undefined): boolean {
  if (!a || !b) return a === b;
  return a.instrument === b.instrument && a.value === b.value && a.reason === b.reason && a.band === b.band;
}

interface ScaleAccumulator { instrument: string; scale: string; responses: number; changed: number; oldValues: number[]; newValues: number[]; transitions: Map<string, Transition> }

function mean(values: number[]): number | null {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

/**
 * Recomputes every response's scores from its raw answers with the current rules and the trial's keys and
 * compares them with the stored rows. Pure: the same inputs give the same plan. Only changed responses get a change.
 */
export function planRescore(responses: StoredResponse[], opts: RescoreOptions): RescorePlan {
  const scales = new Map<string, ScaleAccumulator>();
  const versions = new Map<string, { from: string; to: string; responses: number }>();
  const missing = new Set<string>();
  const changes: ResponseChange[] = [];
  let withoutAnswers = 0;
  let valuesChanged = 0;

  for (const response of responses) {
    if (response.answers === null) { withoutAnswers++; continue; }
    const answered = response.instruments.filter((k) => opts.instrumentId === undefined || instrumentIdOf(k) === opts.instrumentId);
    const defs: InstrumentDef[] = [];
    for (const key of answered) {
      const def = opts.currentDef(instrumentIdOf(key));
      if (!def) { missing.add(instrumentIdOf(key)); continue; }
      defs.push(def);
      if (def.key !== key) {
        const v = versions.get(`${key}>${def.key}`) ?? { from: key, to: def.key, responses: 0 };
        v.responses++;
        versions.set(`${key}>${def.key}`, v);
      }
    }
    const ids = new Set(defs.map((d) => d.id));
    const fresh = scoreRows(defs, response.answers, opts.keyFor);
    const old = response.stored.filter((r) => ids.has(instrumentIdOf(r.instrument)));
    const slot = (r: ScoreRow) => `${instrumentIdOf(r.instrument)}\u0000${r.scale}`;
    const oldBySlot = new Map(old.map((r) => [slot(r), r]));
    const newBySlot = new Map(fresh.map((r) => [slot(r), r]));
    const change: ResponseChange = { responseId: response.responseId, remove: [], insert: [] };
    let changedHere = 0;
    for (const s of new Set([...newBySlot.keys(), ...oldBySlot.keys()])) {
      const before = oldBySlot.get(s);
      const after = newBySlot.get(s);
      const shown = (after ?? before) as ScoreRow;
      const acc: ScaleAccumulator = scales.get(s) ?? { instrument: shown.instrument, scale: shown.scale, responses: 0, changed: 0, oldValues: [], newValues: [], transitions: new Map() };
      scales.set(s, acc);
      acc.responses++;
      if (before?.value != null) acc.oldValues.push(before.value);
      if (after?.value != null) acc.newValues.push(after.value);
      if (sameRow(before, after)) continue;
      changedHere++;
      if (before) change.remove.push({ instrument: before.instrument, scale: before.scale });
      if (after) change.insert.push(after);
      acc.changed++;
      const from = before?.value ?? null;
      const to = after?.value ?? null;
      const t = acc.transitions.get(`${from}>${to}`) ?? { from, to, count: 0 };
      t.count++;
      acc.transitions.set(`${from}>${to}`, t);
    }
    if (changedHere > 0) {
      valuesChanged += changedHere;
      changes.push(change);
    }
  }

  return {
    responsesConsidered: responses.length,
    responsesWithoutAnswers: withoutAnswers,
    responsesChanged: changes.length,
    valuesChanged,
    changes,
    scales: [...scales.values()].map((a) => ({
      instrument: a.instrument, scale: a.scale, responses: a.responses, changed: a.changed,
      old: { n: a.oldValues.length, mean: mean(a.oldValues) }, new: { n: a.newValues.length, mean: mean(a.newValues) },
      transitions: [...a.transitions.values()].sort((x, y) => y.count - x.count),
    })),
    versionChanges: [...versions.values()],
    missingInstruments: [...missing].sort(),
  };
}

function formatValue(v: number | null): string {
  return v === null ? 'no score' : String(Number(v.toFixed(3)));
}

/** Human summary lines of a plan, one per scale that changed (plus version and missing-instrument notes). */
export function describePlan(plan: RescorePlan, maxTransitions = 5): string[] {
  const lines: string[] = [];
  for (const v of plan.versionChanges) lines.push(`${v.from} answers scored with the installed rules ${v.to} (${v.responses} response${v.responses === 1 ? '' : 's'})`);
  for (const id of plan.missingInstruments) lines.push(`${id} is no longer installed: its scores were left as they are`);
  for (const s of plan.scales.filter((x) => x.changed > 0)) {
    const shown = s.transitions.slice(0, maxTransitions).map((t) => `${formatValue(t.from)} -> ${formatValue(t.to)} (${t.count})`);
    const more = s.transitions.length > maxTransitions ? `, ${s.transitions.length - maxTransitions} more` : '';
    lines.push(`${s.instrument} ${s.scale}: ${s.changed} of ${s.responses} changed; mean ${formatValue(s.old.mean)} (n ${s.old.n}) -> ${formatValue(s.new.mean)} (n ${s.new.n}); ${shown.join(', ')}${more}`);
  }
  return lines;
}
