// Reads one survey page's answers from a plain HTML form post (the survey without JavaScript): each control's text back to the question's own value, merged over the answers saved before.
import type { FieldProblem } from '../../../shared/errors';

interface ElementJson {
  type?: string; name?: string; elements?: ElementJson[]; choices?: unknown[]; rateValues?: unknown[];
  rateMin?: number; rateMax?: number; rateStep?: number; inputType?: string;
}

/** The questions of a page, panels flattened, in order. */
export function pageQuestions(survey: { pages?: { elements?: ElementJson[] }[] }, page: number): ElementJson[] {
  const out: ElementJson[] = [];
  const walk = (els: ElementJson[] | undefined) => { for (const el of els ?? []) { if (el.type === 'panel') walk(el.elements); else if (el.type !== 'html' && el.name) out.push(el); } };
  walk(survey.pages?.[page]?.elements);
  return out;
}

function choiceValues(el: ElementJson): unknown[] {
  const valueOf = (c: unknown) => (c && typeof c === 'object' && 'value' in (c as Record<string, unknown>) ? (c as { value: unknown }).value : c);
  if (el.type === 'radiogroup') return (el.choices ?? []).map(valueOf);
  if (Array.isArray(el.rateValues) && el.rateValues.length) return el.rateValues.map(valueOf);
  const values: number[] = [];
  for (let v = el.rateMin ?? 1; v <= (el.rateMax ?? 5) && values.length < 100; v += el.rateStep ?? 1) values.push(v);
  return values;
}

/**
 * The answers after this page's form: the saved answers with each of the page's questions replaced by what the
 * form sent (an emptied text box removes its answer; a radio group sends nothing until chosen). A choice that is
 * not one of the question's options, or a number that is not a number, is a problem (pointer /answers/<name>).
 */
export function answersFromForm(survey: { pages?: { elements?: ElementJson[] }[] }, page: number, body: Record<string, unknown>, saved: Record<string, unknown>): { answers: Record<string, unknown>; problems: FieldProblem[] } {
  const answers: Record<string, unknown> = { ...saved };
  const problems: FieldProblem[] = [];
  for (const el of pageQuestions(survey, page)) {
    const name = String(el.name);
    const raw = body[name];
    const text = Array.isArray(raw) ? String(raw[raw.length - 1] ?? '') : typeof raw === 'string' ? raw : undefined;
    if (text === undefined) continue;
    const pointer = `/answers/${name}`;
    if (el.type === 'rating' || el.type === 'radiogroup') {
      const match = choiceValues(el).find((v) => String(v) === text);
      if (match === undefined) problems.push({ pointer, detail: `${name}: choose one of the options` });
      else answers[name] = match;
      continue;
    }
    const trimmed = text.trim();
    if (trimmed === '') { delete answers[name]; continue; }
    if (el.type === 'text' && el.inputType === 'number') {
      const n = Number(trimmed);
      if (!Number.isFinite(n)) problems.push({ pointer, detail: `${name}: enter a number, like 3 or 2.5` });
      else answers[name] = n;
      continue;
    }
    answers[name] = el.type === 'comment' ? text : trimmed;
  }
  return { answers, problems };
}
