// Reads the "Create a trial" form with the GOV.UK Design System's error wording per field ("Enter a short id"); the storage checks stay as the backstop for the CLI.
import type { Request } from 'express';
import { isIsoDate, TRIAL_ID_PATTERN } from '../../storage/trial-repo';
import { field } from './body';
import { readOptionalDateInput, type DateInputResult } from './date-input';

export const TRIAL_FORM_FIELDS = ['id', 'title', 'sessionsIntended'] as const;

export interface TrialForm {
  form: { id: string; title: string; kind: 'trial' | 'programme'; sessionsIntended: string };
  retention: DateInputResult | null;
  /** Field name to its message (only fields with a problem), in the order of the form. */
  problems: Array<{ field: string; href: string; text: string }>;
  values: { id: string; title: string; kind: 'trial' | 'programme'; sessionsIntended: number | null; retentionUntil: string | null } | null;
}

export function readTrialForm(req: Request): TrialForm {
  const form = { id: field(req, 'id'), title: field(req, 'title'), kind: field(req, 'kind') === 'programme' ? 'programme' as const : 'trial' as const, sessionsIntended: field(req, 'sessionsIntended') };
  // the GOV.UK date input; an ISO retentionUntil field is still read, for scripts posting the old form
  const iso = field(req, 'retentionUntil');
  const retention = iso ? { iso: isIsoDate(iso) ? iso : null, error: isIsoDate(iso) ? null : 'The date to keep personal data until must be a real date', value: { day: '', month: '', year: '' }, wrong: ['day' as const] } : readOptionalDateInput(req, 'retentionUntil', 'date to keep personal data until');
  const problems: TrialForm['problems'] = [];
  const add = (name: string, text: string, href = `#${name}`) => problems.push({ field: name, href, text });
  if (!form.id) add('id', 'Enter a short id');
  else if (form.id.length > 40) add('id', 'Short id must be 40 characters or fewer');
  else if (!TRIAL_ID_PATTERN.test(form.id)) add('id', 'Short id must use only lower-case letters, digits and hyphens, and start with a letter or digit, like bolton-2025');
  if (!form.title) add('title', 'Enter a title');
  const sessions = form.sessionsIntended === '' ? null : /^\d+$/.test(form.sessionsIntended) ? Number(form.sessionsIntended) : NaN;
  if (sessions !== null && !(Number.isInteger(sessions) && sessions >= 0 && sessions <= 50)) add('sessionsIntended', 'Formal sessions intended must be a whole number from 0 to 50');
  if (retention?.error) add('retentionUntil', retention.error, `#retentionUntil-${retention.wrong[0]}`);
  return { form, retention, problems, values: problems.length ? null : { id: form.id, title: form.title, kind: form.kind, sessionsIntended: sessions, retentionUntil: retention?.iso ?? null } };
}
