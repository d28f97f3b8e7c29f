// The start page's rules: the trial-specific text an evaluator sets (checked), and how long the survey takes, estimated from its items.
import { ValidationError, type FieldProblem } from '../../../shared/errors';
import type { InstrumentDef } from '../../../instruments/registry';

export interface StartPageText {
  /** Who runs the study, e.g. "The University of Example's evaluation team, for the Department for Education". */
  runBy: string;
  /** Why the answers are asked for (optional; a general sentence is shown without it). */
  purpose: string;
  /** Who to contact, e.g. "evaluation@example.ac.uk or 0161 000 0000". */
  contact: string;
  /** The trial's privacy notice (https). */
  privacyUrl: string;
}

const limits = { runBy: 300, purpose: 1000, contact: 300 } as const;

/** Trims and checks the evaluator's text; throws ValidationError naming each field that is wrong. */
export function checkStartPageText(input: Partial<Record<keyof StartPageText, unknown>>): StartPageText {
  const problems: FieldProblem[] = [];
  const text = (key: keyof typeof limits, required: boolean): string => {
    const v = typeof input[key] === 'string' ? (input[key] as string).trim() : '';
    if (required && !v) problems.push({ pointer: `/${key}`, detail: `Enter ${labels[key].charAt(0).toLowerCase()}${labels[key].slice(1)}` });
    if (v.length > limits[key]) problems.push({ pointer: `/${key}`, detail: `${labels[key]} must be ${limits[key]} characters or fewer (it has ${v.length})` });
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(v)) problems.push({ pointer: `/${key}`, detail: `${labels[key]} must not contain control characters` });
    return v;
  };
  const runBy = text('runBy', true);
  const purpose = text('purpose', false);
  const contact = text('contact', true);
  const privacyUrl = typeof input.privacyUrl === 'string' ? input.privacyUrl.trim() : '';
  let url: URL | undefined;
  try { url = new URL(privacyUrl); } catch { url = undefined; }
  if (!privacyUrl) problems.push({ pointer: '/privacyUrl', detail: 'Enter the link to the privacy notice' });
  else if (privacyUrl.length > 500) problems.push({ pointer: '/privacyUrl', detail: 'The privacy notice link must be 500 characters or fewer' });
  else if (!url || url.protocol !== 'https:') problems.push({ pointer: '/privacyUrl', detail: 'Enter the privacy notice link as a full web address starting https://, like https://www.example.ac.uk/privacy' });
  if (problems.length) throw new ValidationError('The start page text is not valid.', problems);
  return { runBy, purpose, contact, privacyUrl };
}

export const labels: Record<keyof StartPageText, string> = {
  runBy: 'Who runs the study', purpose: 'Why the answers are asked for', contact: 'Who to contact', privacyUrl: 'Privacy notice link',
};

/** Seconds a DSL typically takes per item: a tick in a list or scale, a short typed answer, a written paragraph. */
const secondsPerItem = { choice: 8, number: 15, date: 15, boolean: 8, text: 25, comment: 90 } as const;

/**
 * Minutes the survey takes, rounded up to whole minutes (at least 1), from the instruments' items. Items with a
 * maxLength over 200 are written answers (comment boxes).
 */
export function estimatedMinutes(defs: InstrumentDef[]): number {
  let seconds = 0;
  for (const d of defs) {
    for (const item of d.items) seconds += item.kind === 'text' && (item.maxLength ?? 0) > 200 ? secondsPerItem.comment : secondsPerItem[item.kind];
    seconds += 15; // reading each instrument's introduction
  }
  return Math.max(1, Math.ceil(seconds / 60));
}
