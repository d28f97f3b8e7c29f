// DSL evaluation forms grouped by question: how many answered, numeric summaries (hours), and the quotes the evaluator selected (text returned raw; templates escape it).
import { getRegistry } from '../../../instruments/registry';
import { median, type IpeForm } from './types';

export interface FormQuestion { item: string; title: string; kind: 'number' | 'text' }

export interface QuestionSummary {
  /** Group key: the item id without a trailing _01/_02/_03 (three answers to one question). */
  key: string;
  title: string;
  kind: 'number' | 'text';
  items: string[];
  respondents: number;
  answers: number;
  numeric: { mean: number; median: number; min: number; max: number } | null;
  quotes: { responseId: number; item: string; text: string }[];
}

export interface EvaluationFormSummary { forms: number; dsls: number; questions: QuestionSummary[] }

export const EVALUATION_INSTRUMENT = 'dsl-evaluation';

function groupKey(item: string): string { return item.replace(/_\d{2}$/, ''); }
function groupTitle(title: string): string { return title.replace(/\s*\(\d+ of \d+\)\s*$/, ''); }

function answered(v: unknown): boolean {
  return v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');
}

export function evaluationFormSummary(forms: IpeForm[], questions: FormQuestion[], quotes: { responseId: number; item: string }[]): EvaluationFormSummary {
  const evals = forms.filter((f) => f.instrument.split('@')[0] === EVALUATION_INSTRUMENT);
  const groups = new Map<string, QuestionSummary>();
  for (const q of questions) {
    const key = groupKey(q.item);
    const g = groups.get(key) ?? { key, title: groupTitle(q.title), kind: q.kind, items: [], respondents: 0, answers: 0, numeric: null, quotes: [] };
    g.items.push(q.item);
    groups.set(key, g);
  }
  const quoteSet = new Set(quotes.map((q) => `${q.responseId}\u0000${q.item}`));
  for (const g of groups.values()) {
    const numbers: number[] = [];
    for (const f of evals) {
      const given = g.items.filter((i) => answered(f.answers[i]));
      if (given.length) g.respondents++;
      g.answers += given.length;
      for (const i of given) {
        const v = f.answers[i];
        if (g.kind === 'number') {
          const n = typeof v === 'number' ? v : Number(v);
          if (Number.isFinite(n)) numbers.push(n);
        } else if (quoteSet.has(`${f.responseId}\u0000${i}`)) {
          g.quotes.push({ responseId: f.responseId, item: i, text: String(v) });
        }
      }
    }
    if (numbers.length) {
      g.numeric = { mean: numbers.reduce((a, b) => a + b, 0) / numbers.length, median: median(numbers) as number, min: Math.min(...numbers), max: Math.max(...numbers) };
    }
  }
  return { forms: evals.length, dsls: new Set(evals.map((f) => f.dslId)).size, questions: [...groups.values()] };
}

/** The evaluation form's questions in survey order (item, title, number or text), from the installed instrument. */
export function evaluationQuestions(): FormQuestion[] {
  try {
    const def = getRegistry().get(`${EVALUATION_INSTRUMENT}`);
    const survey = def.survey as { pages?: { elements?: { type?: string; name?: string; title?: string; inputType?: string }[] }[] };
    const kinds = new Map(def.items.map((i) => [i.id, i.kind]));
    const out: FormQuestion[] = [];
    for (const p of survey.pages ?? []) {
      for (const e of p.elements ?? []) {
        if (!e.name || e.type === 'html') continue;
        out.push({ item: e.name, title: e.title ?? e.name, kind: kinds.get(e.name) === 'number' || e.inputType === 'number' ? 'number' : 'text' });
      }
    }
    return out;
  } catch {
    return [];
  }
}
