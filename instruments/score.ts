// The one pure scoring engine: turns an instrument's raw answers into scale scores by its scoring.json rules (used by the server, the CLI and tests).
import type { InstrumentDef } from './registry';
import type { AnswerKey, KeyEntry, KeyValue, ScaleRule, ScoringSpec } from './scoring-rules';

export interface ScaleScore { value: number | null; reason?: string; band?: string }
export interface InstrumentScore { instrument: string; scales: Record<string, ScaleScore> }
export interface ScoreOptions {
  /** Per-trial answer-key entries (item id -> correct answer(s), or null to drop the item); they replace the bundled entries they name. */
  keyOverrides?: AnswerKey;
}

type Answers = Record<string, unknown>;

/** Scores every scale of one instrument. Pure: same answers and rules, same scores. */
export function scoreInstrument(def: InstrumentDef, answers: Answers, opts: ScoreOptions = {}): InstrumentScore {
  const spec = def.scoring as ScoringSpec;
  const allowed = new Map(def.items.map((i) => [i.id, i]));
  const scales: Record<string, ScaleScore> = {};
  for (const rule of spec.scales) scales[rule.id] = scoreScale(rule, answers, allowed, opts);
  return { instrument: def.key, scales };
}

/** True when an item has no answer (absent, null or blank text). */
export function isMissing(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

function nullScore(reason: string): ScaleScore { return { value: null, reason }; }

function scoreScale(rule: ScaleRule, answers: Answers, items: Map<string, InstrumentDef['items'][number]>, opts: ScoreOptions): ScaleScore {
  // Answers that are present but not allowed by the item make the scale uncomputable (never silently scored).
  for (const id of rule.items) {
    const v = answers[id];
    if (isMissing(v)) continue;
    const item = items.get(id);
    if (item?.kind === 'choice' && item.values && !item.values.includes(v as never)) {
      return nullScore(`${id}: answer ${JSON.stringify(v)} is not one of ${item.values.join(', ')}`);
    }
    if (item?.kind === 'number' && (typeof v !== 'number' || !Number.isFinite(v))) {
      return nullScore(`${id}: answer ${JSON.stringify(v)} is not a number`);
    }
  }

  switch (rule.method) {
    case 'countAnswered':
      return finish(rule, rule.items.filter((id) => !isMissing(answers[id])).length);
    case 'countEqual':
      return finish(rule, rule.items.filter((id) => !isMissing(answers[id]) && (rule.equals ?? []).includes(answers[id] as KeyValue)).length);
    case 'proportionCorrect':
      return scoreAgainstKey(rule, answers, opts);
    default:
      return scoreNumeric(rule, answers);
  }
}

/** How many answered items the rule needs out of n. */
function requiredAnswered(rule: ScaleRule, n: number): number {
  const fromMin = rule.minAnswered ?? 0;
  const fromMissing = rule.maxMissing !== undefined ? n - rule.maxMissing : 0;
  return rule.minAnswered === undefined && rule.maxMissing === undefined ? n : Math.max(fromMin, fromMissing);
}

function tooFewReason(answered: number, needed: number, n: number): string {
  return `${answered} of ${n} items answered; at least ${needed} needed`;
}

/** value / sum / mean with recodes, reverse keys, missing-item rule, prorating and lookup. */
function scoreNumeric(rule: ScaleRule, answers: Answers): ScaleScore {
  const n = rule.items.length;
  const values: number[] = [];
  for (const id of rule.items) {
    const raw = answers[id];
    if (isMissing(raw)) continue;
    let v: unknown = raw;
    const recode = rule.recode?.find((r) => r.items.includes(id));
    if (recode) {
      const mapped = recode.map[String(v)];
      if (mapped === undefined) return nullScore(`${id}: answer ${JSON.stringify(raw)} has no recode value`);
      v = mapped;
    }
    if (typeof v !== 'number' || !Number.isFinite(v)) return nullScore(`${id}: answer ${JSON.stringify(raw)} is not a number`);
    if (rule.reverse?.items.includes(id)) v = rule.reverse.min + rule.reverse.max - v;
    values.push(v as number);
  }
  const needed = requiredAnswered(rule, n);
  if (values.length === 0) return nullScore(n === 1 ? 'not answered' : `no items answered (at least ${needed} of ${n} needed)`);
  if (values.length < needed) return nullScore(tooFewReason(values.length, needed, n));

  const total = values.reduce((a, b) => a + b, 0);
  let result: number;
  if (rule.method === 'value') result = values[0];
  else if (rule.method === 'mean') result = total / values.length;
  else if (values.length < n && rule.prorate) result = (total / values.length) * n;
  else if (values.length < n) return nullScore(tooFewReason(values.length, n, n));
  else result = total;

  if (rule.lookup) {
    const looked = rule.lookup[String(result)];
    if (looked === undefined) return nullScore(`no conversion-table entry for raw score ${result}`);
    result = looked;
  }
  return finish(rule, result);
}

/** Share of answered keyed items whose answer matches the (possibly overridden) key. */
function scoreAgainstKey(rule: ScaleRule, answers: Answers, opts: ScoreOptions): ScaleScore {
  const key = effectiveKey(rule, opts.keyOverrides);
  const keyed = rule.items.filter((id) => key[id] !== undefined && key[id] !== null);
  if (keyed.length === 0) return nullScore('the answer key scores none of these items');
  const answered = keyed.filter((id) => !isMissing(answers[id]));
  const needed = Math.min(requiredAnswered(rule, keyed.length), keyed.length);
  if (answered.length === 0) return nullScore(`no keyed items answered (at least ${needed} of ${keyed.length} needed)`);
  if (answered.length < needed) return nullScore(tooFewReason(answered.length, needed, keyed.length));
  const correct = answered.filter((id) => matchesKey(answers[id], key[id])).length;
  return finish(rule, correct / answered.length);
}

/** The bundled key for a scale's items with per-trial overrides applied. */
export function effectiveKey(rule: ScaleRule, overrides: AnswerKey = {}): AnswerKey {
  const key: AnswerKey = { ...(rule.key ?? {}) };
  for (const id of rule.items) if (Object.prototype.hasOwnProperty.call(overrides, id)) key[id] = overrides[id];
  return key;
}

function matchesKey(answer: unknown, entry: KeyEntry | undefined): boolean {
  if (entry === null || entry === undefined) return false;
  return Array.isArray(entry) ? entry.includes(answer as KeyValue) : entry === answer;
}

/** Applies multiply, rounding and bands to a computed value. */
function finish(rule: ScaleRule, value: number): ScaleScore {
  let v = value;
  if (rule.multiply !== undefined) v *= rule.multiply;
  if (rule.round !== undefined) v = roundHalfUp(v, rule.round);
  if (!Number.isFinite(v)) return nullScore('the rules produced a non-finite number');
  const score: ScaleScore = { value: v };
  const band = rule.bands?.find((b) => (b.min === undefined || v >= b.min) && (b.max === undefined || v <= b.max));
  if (band) score.band = band.label;
  return score;
}

/** Rounds half away from zero at the given decimals, working on the decimal string so 1.005 -> 1.01 (toFixed gives 1.00). */
export function roundHalfUp(v: number, decimals: number): number {
  const shift = (x: number, by: number): number => {
    const [mantissa, exponent = '0'] = String(x).split('e');
    return Number(`${mantissa}e${Number(exponent) + by}`);
  };
  const sign = v < 0 ? -1 : 1;
  return sign * shift(Math.round(shift(Math.abs(v), decimals)), -decimals);
}
