// The rules a survey response must meet before it is stored (answers valid for their instruments; on a web submission every scale scorable) and the scores it gets, for storage/response-repo.ts to apply inside its transaction.
import { UnprocessableError, ValidationError } from '../../../shared/errors';
import { unscorableScales } from '../../../instruments/completeness';
import { getRegistry, validateAnswers, type InstrumentDef } from '../../../instruments/registry';
import { scoreRows, type Answers, type KeyLookup, type ScoreRow } from './rescore';

/** What storage asks of a response's instruments while it holds the write lock (so the answer keys it reads are the ones it scores with). */
export interface ResponseRules {
  /** Throws ValidationError (400) when an answer is not one its question accepts; 'complete' also requires every required answer. */
  validate(answers: Answers, mode: 'partial' | 'complete'): void;
  /** Throws UnprocessableError (422) when a scale cannot be scored under its missing-item rule (web submissions only). */
  requireScorable(answers: Answers, keyFor: KeyLookup): void;
  /** The score rows for complete answers, with the trial's answer keys. */
  score(answers: Answers, keyFor: KeyLookup): ScoreRow[];
}

/** Answers as canonical JSON (keys sorted), to tell a retried submission or a re-imported return from a different one. */
export function canonicalAnswers(answers: Answers): string {
  return JSON.stringify(Object.keys(answers).sort().map((k) => [k, answers[k]]));
}

/** The instruments behind 'id@version' keys (throws NotFoundError for an unknown one). */
export function instrumentDefs(keys: string[]): InstrumentDef[] {
  const registry = getRegistry();
  return keys.map((k) => registry.get(k));
}

function throwIfInvalid(defs: InstrumentDef[], answers: Answers, mode: 'partial' | 'complete'): void {
  const problems = validateAnswers(defs, answers, mode);
  if (problems.length) throw new ValidationError(`${problems.length} answer${problems.length === 1 ? '' : 's'} could not be accepted; nothing was saved.`, problems);
}

/**
 * A web submission must let every scale be scored under its missing-item rule; otherwise it is refused (422) with
 * one problem per unanswered item the rules need, saying which scale needs it. Paper and legacy imports
 * (insertCompleteResponse) may be incomplete: they are stored as returned, with the scores' reasons.
 */
function throwIfUnscorable(defs: InstrumentDef[], answers: Answers, keyFor: KeyLookup): void {
  const scales = unscorableScales(defs, answers, keyFor);
  if (scales.length === 0) return;
  const byItem = new Map<string, { pointer: string; detail: string }>();
  for (const s of scales) for (const id of s.unanswered) {
    const need = `${s.label} (${s.instrument}) needs ${s.needed} of its ${s.of} items answered and has ${s.answered}`;
    const seen = byItem.get(id);
    if (seen) seen.detail += `; ${need}`;
    else byItem.set(id, { pointer: `/answers/${id.replace(/~/g, '~0').replace(/\//g, '~1')}`, detail: `${id}: unanswered; ${need}` });
  }
  const problems = [...byItem.values()];
  const items = problems.length;
  throw new UnprocessableError(`The survey is not finished: ${scales.length} scale${scales.length === 1 ? '' : 's'} cannot be scored until ${items} more question${items === 1 ? ' is' : 's are'} answered. Nothing was submitted; your saved answers are kept.`, problems);
}

/** The rules for a response to these instruments ('id@version' keys, in page order). */
export function responseRules(instruments: string[]): ResponseRules {
  const defs = instrumentDefs(instruments);
  return {
    validate: (answers, mode) => throwIfInvalid(defs, answers, mode),
    requireScorable: (answers, keyFor) => throwIfUnscorable(defs, answers, keyFor),
    score: (answers, keyFor) => scoreRows(defs, answers, keyFor),
  };
}
