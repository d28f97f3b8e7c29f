// What a submission must answer so that every scale of its instruments can be scored under the scale's missing-item rule (the server refuses the rest; the survey JSON marks what is always needed).
import type { InstrumentDef } from './registry';
import { effectiveKey, isMissing } from './score';
import type { AnswerKey, ScaleRule } from './scoring-rules';

/** A scale that cannot be scored from these answers because too few of its items are answered. */
export interface UnscorableScale {
  instrument: string;
  scale: string;
  label: string;
  /** Items answered, items the rule needs answered, items the rule counts. */
  answered: number;
  needed: number;
  of: number;
  /** The rule's items that have no answer, in survey order. */
  unanswered: string[];
}

/** How many of n items a rule needs answered: minAnswered and/or n − maxMissing; every item when the rule has neither. */
export function neededAnswers(rule: ScaleRule, n: number): number {
  if (rule.minAnswered === undefined && rule.maxMissing === undefined) return n;
  return Math.min(n, Math.max(rule.minAnswered ?? 0, rule.maxMissing !== undefined ? n - rule.maxMissing : 0));
}

/** The items whose answers a rule counts: for proportionCorrect only the items the (possibly overridden) key scores. */
function countedItems(rule: ScaleRule, keyOverrides: AnswerKey): string[] {
  if (rule.method !== 'proportionCorrect') return rule.items;
  const key = effectiveKey(rule, keyOverrides);
  return rule.items.filter((id) => key[id] !== undefined && key[id] !== null);
}

/**
 * Every scale of the instruments that the answers leave unscorable for want of answers. countAnswered and
 * countEqual scales have no missing-item rule (they count what is there) and never appear; nor do
 * instruments whose item text is not installed (the DSL cannot see those questions), nor a
 * proportionCorrect scale whose key scores no item (nothing the DSL could answer would help).
 */
export function unscorableScales(defs: InstrumentDef[], answers: Record<string, unknown>, keyFor: (instrumentKey: string) => AnswerKey | undefined = () => undefined): UnscorableScale[] {
  const out: UnscorableScale[] = [];
  for (const def of defs) {
    if (def.needsLicensedText) continue;
    const rules = (def.scoring as { scales: ScaleRule[] }).scales;
    for (const rule of rules) {
      if (rule.method === 'countAnswered' || rule.method === 'countEqual') continue;
      const items = countedItems(rule, keyFor(def.key) ?? {});
      if (items.length === 0) continue;
      const unanswered = items.filter((id) => isMissing(answers[id]));
      const answered = items.length - unanswered.length;
      const needed = neededAnswers(rule, items.length);
      if (answered < needed) out.push({ instrument: def.key, scale: rule.id, label: rule.label, answered, needed, of: items.length, unanswered });
    }
  }
  return out;
}

/** Item ids that every submission must answer: those of scales that need all their items (the survey marks them isRequired). */
export function alwaysNeededItems(def: InstrumentDef): Set<string> {
  const needed = new Set<string>();
  if (def.needsLicensedText) return needed;
  for (const rule of (def.scoring as { scales: ScaleRule[] }).scales) {
    if (rule.method === 'countAnswered' || rule.method === 'countEqual' || rule.method === 'proportionCorrect') continue;
    if (neededAnswers(rule, rule.items.length) === rule.items.length) for (const id of rule.items) needed.add(id);
  }
  return needed;
}
