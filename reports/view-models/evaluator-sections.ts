// The sections an evaluator writes for the reports (executive summary, key conclusions, introduction, logic model, interpretation, limitations), in the Bolton report's order: their names and hints, and their Markdown rendered safely, or a visible line where one is still empty.
import { parseBlocks, renderBlocks, renderItem, renderMarkdown } from '../markdown/render-markdown';
import type { ReportData } from './report-data';

export const EVALUATOR_SECTIONS = [
  { key: 'executive_summary', title: 'Executive summary', reports: ['arm-comparison'],
    hint: 'What the programme is, how it was evaluated, what was found and what it means, for a reader who reads nothing else (the Bolton report\'s pages 4 and 5).' },
  { key: 'key_conclusions', title: 'Key conclusions', reports: ['arm-comparison'],
    hint: 'One numbered item for each conclusion (1. …, 2. …). The report prints them as Table 6, numbered in this order.' },
  { key: 'introduction', title: 'Introduction', reports: ['arm-comparison', 'ipe'],
    hint: 'The background and problem, the intervention, the evaluation\'s aims and research questions, the ethics and the team.' },
  { key: 'logic_model', title: 'Logic model', reports: ['arm-comparison', 'ipe'],
    hint: 'The programme\'s inputs, activities, mechanisms and expected outcomes for DSLs, schools, children and families, and which of them the trial measures.' },
  { key: 'interpretation', title: 'Interpretation', reports: ['arm-comparison'],
    hint: 'What the impact and process findings mean together, and what they do not show.' },
  { key: 'limitations', title: 'Limitations and lessons learned', reports: ['arm-comparison', 'ipe'],
    hint: 'What limits the findings (outcome measures, dosage, timing, attrition, power) and the lessons for a future trial.' },
] as const;

export type EvaluatorSectionKey = (typeof EVALUATOR_SECTIONS)[number]['key'];
export const EVALUATOR_SECTION_KEYS: readonly EvaluatorSectionKey[] = EVALUATOR_SECTIONS.map((s) => s.key);

/** Longest text a section may hold (the Bolton report's longest, the limitations, is under 6,000 characters). */
export const MAX_SECTION_CHARS = 20000;

/**
 * One section as the report shows it: `html` is the rendered Markdown (every character of the evaluator's text
 * escaped by reports/markdown, so the template may print it unescaped), or null with `emptyText` shown instead.
 */
export interface EvaluatorSectionView { key: EvaluatorSectionKey; title: string; html: string | null; emptyText: string }

export interface EvaluatorSectionsView {
  executiveSummary: EvaluatorSectionView;
  introduction: EvaluatorSectionView;
  logicModel: EvaluatorSectionView;
  interpretation: EvaluatorSectionView;
  limitations: EvaluatorSectionView;
  /** Table 6: one row per conclusion, numbered in order; empty when none are written (keyConclusions.emptyText then shows). */
  keyConclusions: EvaluatorSectionView & { rows: Array<{ number: string; html: string }> };
  /** Titles of the sections this report shows that are still empty, in report order. */
  empty: string[];
}

const defOf = (key: EvaluatorSectionKey) => EVALUATOR_SECTIONS.find((s) => s.key === key)!;

/** The section titles of a report kind that have no text yet, in report order. */
export function emptySections(texts: Partial<Record<string, string>>, kind: 'arm-comparison' | 'ipe'): string[] {
  return EVALUATOR_SECTIONS.filter((s) => (s.reports as readonly string[]).includes(kind) && !(texts[s.key] ?? '').trim()).map((s) => s.title);
}

/**
 * The conclusions, one per top-level list item (or per other block written outside a list), each rendered on its
 * own so the report can number them in a table.
 */
export function conclusionItems(markdown: string): string[] {
  const out: string[] = [];
  for (const block of parseBlocks(markdown)) {
    if (block.kind === 'list') for (const item of block.items) out.push(renderItem(item, { headingBase: 4 }, block.tight));
    else out.push(renderBlocks([block], { headingBase: 4 }));
  }
  return out.filter((h) => h.trim() !== '');
}

function section(texts: Partial<Record<string, string>>, key: EvaluatorSectionKey, headingBase: number): EvaluatorSectionView {
  const def = defOf(key);
  const text = (texts[key] ?? '').trim();
  return { key, title: def.title, html: text ? renderMarkdown(text, { headingBase }) : null, emptyText: `${def.title}: not yet written by the evaluator.` };
}

/** Every evaluator section of a report, rendered (headings inside a section start one level below it). */
export function evaluatorSections(data: ReportData, kind: 'arm-comparison' | 'ipe'): EvaluatorSectionsView {
  const texts = data.evaluatorSections ?? {};
  const conclusions = conclusionItems(texts.key_conclusions ?? '');
  const keyConclusions = section(texts, 'key_conclusions', 4);
  return {
    executiveSummary: section(texts, 'executive_summary', 3),
    introduction: section(texts, 'introduction', 3),
    logicModel: section(texts, 'logic_model', 4),
    interpretation: section(texts, 'interpretation', 4),
    limitations: section(texts, 'limitations', kind === 'ipe' ? 3 : 4),
    keyConclusions: { ...keyConclusions, html: conclusions.length ? keyConclusions.html : null, rows: conclusions.map((html, i) => ({ number: String(i + 1), html })) },
    empty: emptySections(texts, kind),
  };
}
