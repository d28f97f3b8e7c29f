// The quote picker's content: every text answer on the DSL evaluation forms, grouped by question (three-part questions together), each marked selected or not. Pure; used by the staff page and `dslkit report-inputs quote list`.
import type { FormQuestion } from '../../../reports/analysis/ipe';
import type { ReportFormResponse, ReportQuote } from '../../../reports/view-models/report-data';

export const EVALUATION_FORM_ID = 'dsl-evaluation';

export interface QuoteChoice { responseId: number; item: string; dslId: string; text: string; selected: boolean; value: string }
export interface QuoteQuestion { key: string; title: string; items: string[]; answers: QuoteChoice[] }

/** "responseId:item" as the picker's checkbox value. */
export function quoteValue(responseId: number, item: string): string {
  return `${responseId}:${item}`;
}

/** Reads a checkbox value back; null when it is not "<digits>:<item name>". */
export function parseQuoteValue(value: string): { responseId: number; item: string } | null {
  const m = /^(\d{1,12}):([a-z0-9_]{1,80})$/.exec(value);
  return m ? { responseId: Number(m[1]), item: m[2] } : null;
}

/** Text questions in survey order, each with its non-empty answers (oldest response first). */
export function quoteChoices(forms: ReportFormResponse[], questions: FormQuestion[], quotes: Pick<ReportQuote, 'responseId' | 'item'>[]): QuoteQuestion[] {
  const selected = new Set(quotes.map((q) => quoteValue(q.responseId, q.item)));
  const evals = forms.filter((f) => f.instrument.split('@')[0] === EVALUATION_FORM_ID);
  const groups = new Map<string, QuoteQuestion>();
  for (const q of questions.filter((x) => x.kind === 'text')) {
    const key = q.item.replace(/_\d{2}$/, '');
    const g = groups.get(key) ?? { key, title: q.title.replace(/\s*\(\d+ of \d+\)\s*$/, ''), items: [], answers: [] };
    g.items.push(q.item);
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    for (const f of evals) {
      for (const item of g.items) {
        const v = f.answers[item];
        if (typeof v !== 'string' || v.trim() === '') continue;
        const value = quoteValue(f.responseId, item);
        g.answers.push({ responseId: f.responseId, item, dslId: f.dslId, text: v, selected: selected.has(value), value });
      }
    }
  }
  return [...groups.values()];
}
