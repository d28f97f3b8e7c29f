// Validates the fieldwork settings an evaluator enters (automatic sending, reminder interval and number, thank-yous, contact): zod, problems pointing at fields.
import { z } from 'zod';
import { ValidationError, type FieldProblem } from '../../../shared/errors';

export interface FieldworkSettingsInput { autoSend: boolean; reminderIntervalDays: number; reminderMax: number; thankYou: boolean; contact: string }

const schema = z.object({
  'auto-send': z.enum(['yes', 'no'], { error: 'Select whether dslkit sends invitations and reminders by itself' }),
  'reminder-interval': z.string().trim().regex(/^\d{1,2}$/, { error: 'Enter the days between reminders as a whole number, like 7' })
    .transform(Number).refine((n) => n >= 1 && n <= 60, { error: 'The days between reminders must be from 1 to 60' }),
  'reminder-max': z.string().trim().regex(/^\d{1,2}$/, { error: 'Enter the most reminders as a whole number, like 2' })
    .transform(Number).refine((n) => n <= 10, { error: 'The most reminders must be from 0 to 10' }),
  'thank-you': z.enum(['yes', 'no'], { error: 'Select whether DSLs are thanked when they complete' }),
  contact: z.string().trim().max(200, { error: 'The contact must be 200 characters or fewer' })
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { error: 'The contact must be one line of text' }),
});

export const FIELDWORK_SETTINGS_FIELDS = ['auto-send', 'reminder-interval', 'reminder-max', 'thank-you', 'contact'] as const;

export function parseFieldworkSettings(form: Record<string, string>): FieldworkSettingsInput {
  const parsed = schema.safeParse(form);
  if (!parsed.success) {
    const problems: FieldProblem[] = parsed.error.issues.map((i) => ({ pointer: `/${String(i.path[0] ?? '')}`, detail: i.message }));
    throw new ValidationError(problems.map((p) => p.detail).join('; '), problems);
  }
  const v = parsed.data;
  return { autoSend: v['auto-send'] === 'yes', reminderIntervalDays: v['reminder-interval'], reminderMax: v['reminder-max'], thankYou: v['thank-you'] === 'yes', contact: v.contact };
}
