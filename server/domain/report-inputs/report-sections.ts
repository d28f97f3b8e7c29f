// Validates the report sections an evaluator writes, for the staff page and `dslkit report-inputs section` alike: known section names, at most MAX_SECTION_CHARS each, links only to https, http or mailto; '' clears a section.
import { ValidationError, type FieldProblem } from '../../../shared/errors';
import { stripControlCharacters } from '../text/control-characters';
import { renderMarkdown } from '../../../reports/markdown/render-markdown';
import { EVALUATOR_SECTIONS, MAX_SECTION_CHARS, type EvaluatorSectionKey } from '../../../reports/view-models/evaluator-sections';

const KEYS = EVALUATOR_SECTIONS.map((s) => s.key) as readonly string[];

/** A section named as stored (executive_summary) or as on the command line (executive-summary); null when it is none. */
export function sectionKeyOf(name: string): EvaluatorSectionKey | null {
  const key = name.trim().toLowerCase().replace(/-/g, '_');
  return KEYS.includes(key) ? key as EvaluatorSectionKey : null;
}

/** Line endings as \n, no control characters (tab and line feed kept), no blank lines or spaces around the text. */
export function normaliseSectionText(text: string): string {
  return stripControlCharacters(text.replace(/\r\n?/g, '\n')).trim();
}

/** Validates entered sections (field name -> text); returns the texts to store, '' for a section to clear. */
export function parseSections(fields: Record<string, string>): Partial<Record<EvaluatorSectionKey, string>> {
  const problems: FieldProblem[] = [];
  const out: Partial<Record<EvaluatorSectionKey, string>> = {};
  for (const [name, value] of Object.entries(fields)) {
    const key = sectionKeyOf(name);
    if (!key) { problems.push({ pointer: `/${name}`, detail: `"${name}" is not a report section (one of ${KEYS.join(', ')})` }); continue; }
    const title = EVALUATOR_SECTIONS.find((s) => s.key === key)!.title;
    const text = normaliseSectionText(value);
    if (text.length > MAX_SECTION_CHARS) {
      problems.push({ pointer: `/${key}`, detail: `${title} must be ${MAX_SECTION_CHARS.toLocaleString('en-GB')} characters or less (it has ${text.length.toLocaleString('en-GB')})` });
      continue;
    }
    const rejected: string[] = [];
    renderMarkdown(text, { onRejectedLink: (url) => rejected.push(url) });
    if (rejected.length) {
      const shown = [...new Set(rejected)].slice(0, 3).map((u) => `“${u.length > 60 ? `${u.slice(0, 60)}…` : u}”`).join(', ');
      problems.push({ pointer: `/${key}`, detail: `Links in the ${title.charAt(0).toLowerCase()}${title.slice(1)} must start with https://, http:// or mailto: (${shown} cannot be used)` });
      continue;
    }
    out[key] = text;
  }
  if (problems.length) throw new ValidationError(`The report sections were not saved: ${problems.map((p) => p.detail).join('; ')}`, problems);
  return out;
}
