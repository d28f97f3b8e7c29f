// The rules for recording a school's status in a trial (excluded before randomisation, declined after allocation, withdrawn, attendance record missing, enrolled again): which status fits which school and date; pure, no storage.
import { ValidationError, type FieldProblem } from '../../../shared/errors';

/** Statuses as typed on the command line and in the staff form. */
export const SCHOOL_STATUS_INPUTS = ['excluded', 'declined', 'withdrawn', 'attendance-missing', 'enrolled'] as const;
export type SchoolStatusInput = (typeof SCHOOL_STATUS_INPUTS)[number];

/** What each status means, for help text, the staff form and the report. */
export const SCHOOL_STATUS_MEANING: Record<SchoolStatusInput, string> = {
  excluded: 'excluded before randomisation (not eligible, or left before allocation): not randomised',
  declined: 'declined to take part after allocation: stays in its arm for intention to treat',
  withdrawn: 'withdrew from the trial after allocation: stays in its arm for intention to treat',
  'attendance-missing': 'intervention school whose record of attendance at supervision is missing: counted as having received the intervention, its dosage unknown',
  enrolled: 'taking part as allocated (undoes a status recorded in error, or a school that rejoined)',
};

export interface SchoolStatusContext {
  /** Today (YYYY-MM-DD): a status cannot take effect in the future. */
  today: string;
  /** The trial's randomisation date (YYYY-MM-DD), or null before randomisation. */
  randomisedOn: string | null;
  /** The school's arm, or null when it was not allocated. */
  arm: 'intervention' | 'control' | null;
}

export interface SchoolStatusChange { status: SchoolStatusInput; date: string; reason: string }

export const MAX_REASON_LENGTH = 500;

function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export function isSchoolStatus(s: string): s is SchoolStatusInput {
  return (SCHOOL_STATUS_INPUTS as readonly string[]).includes(s);
}

/**
 * Checks a status change against the school and the trial; returns it trimmed, or throws one ValidationError
 * with a problem per field (pointers /status, /date, /reason) so the staff form can mark each field.
 */
export function checkSchoolStatus(input: { status: string; date: string; reason: string }, ctx: SchoolStatusContext): SchoolStatusChange {
  const problems: FieldProblem[] = [];
  const status = input.status.trim();
  const date = input.date.trim();
  const reason = input.reason.trim();
  if (!isSchoolStatus(status)) problems.push({ pointer: '/status', detail: status === '' ? 'Select a status.' : `"${status}" is not a status: use one of ${SCHOOL_STATUS_INPUTS.join(', ')}.` });
  if (!isCalendarDate(date)) problems.push({ pointer: '/date', detail: date === '' ? 'Enter the date the status took effect.' : `"${date}" is not a date written YYYY-MM-DD.` });
  else if (date > ctx.today) problems.push({ pointer: '/date', detail: `The date ${date} is in the future: record a status once it has happened.` });
  if (reason === '') problems.push({ pointer: '/reason', detail: 'Enter the reason (it is shown in the CONSORT notes of the report).' });
  else if (reason.length > MAX_REASON_LENGTH) problems.push({ pointer: '/reason', detail: `The reason is ${reason.length} characters long; at most ${MAX_REASON_LENGTH}.` });
  else if (/[\u0000-\u001f\u007f]/.test(reason)) problems.push({ pointer: '/reason', detail: 'The reason must be one line of text without control characters.' });

  if (isSchoolStatus(status)) {
    const after = ctx.randomisedOn;
    if (status === 'excluded') {
      if (ctx.arm !== null) problems.push({ pointer: '/status', detail: `The school was allocated to the ${ctx.arm} arm: it cannot be excluded after randomisation (record declined or withdrawn; it stays in its arm).` });
      else if (after && isCalendarDate(date) && date > after) problems.push({ pointer: '/date', detail: `An exclusion before randomisation must be dated on or before the randomisation (${after}).` });
    } else if (status === 'declined' || status === 'withdrawn' || status === 'attendance-missing') {
      if (ctx.arm === null) problems.push({ pointer: '/status', detail: `The school was not allocated to an arm, so it cannot have ${status === 'attendance-missing' ? 'a missing attendance record' : `${status} after allocation`} (record excluded instead).` });
      else if (status === 'attendance-missing' && ctx.arm !== 'intervention') problems.push({ pointer: '/status', detail: 'Only an intervention school has supervision attendance to record; this school is in the control arm.' });
      else if (after && isCalendarDate(date) && date < after) problems.push({ pointer: '/date', detail: `A status after allocation must be dated on or after the randomisation (${after}).` });
    } else if (status === 'enrolled' && after && ctx.arm === null) {
      problems.push({ pointer: '/status', detail: 'The trial has been randomised and this school was not: it cannot join now.' });
    }
  }
  if (problems.length) throw new ValidationError(problems.map((p) => p.detail).join('\n'), problems);
  return { status: status as SchoolStatusInput, date, reason };
}
