// Who is due which message: the rules for invitations, reminders and thank-yous, as pure functions over what the outbox and the responses say.
import { dedupeKey } from './kinds';

export interface Recipient { dslId: string; email: string }
export interface ReminderCandidate { dslId: string; reminders: number; lastSentAt: string | null; pending: boolean; complete: boolean; optedOut: boolean }
export interface PlannedMessage { dslId: string; dedupeKey: string; sequence: number }

export interface InvitationPlan { due: PlannedMessage[]; alreadyQueued: number; noEmail: number }

/** Every active DSL with an email address who has no invitation to this wave in the outbox. */
export function planInvitations(waveId: number, recipients: Recipient[], existing: Set<string>): InvitationPlan {
  const due: PlannedMessage[] = [];
  let alreadyQueued = 0;
  let noEmail = 0;
  for (const r of recipients) {
    const key = dedupeKey('invitation', waveId, r.dslId);
    if (existing.has(key)) alreadyQueued++;
    else if (!r.email.includes('@')) noEmail++;
    else due.push({ dslId: r.dslId, dedupeKey: key, sequence: 0 });
  }
  return { due, alreadyQueued, noEmail };
}

export interface ReminderRules { intervalDays: number; max: number }
export interface ReminderPlan { due: PlannedMessage[]; completed: number; optedOut: number; notYetDue: number; hadEvery: number; pending: number }

/** The least time between two messages to one DSL when an evaluator sends reminders by hand. */
export const MANUAL_REMINDER_GAP_MS = 24 * 3600_000;

/**
 * Reminders to the DSLs sent an invitation who have not completed and have not opted out: the next one when the
 * last message went at least `intervalDays` ago (automatic) or at least a day ago (sent by hand), never more than
 * `max`, never while another message is still on its way. The plan counts why each other DSL gets none.
 */
export function planReminders(waveId: number, candidates: ReminderCandidate[], rules: ReminderRules, now: Date, mode: 'automatic' | 'manual'): ReminderPlan {
  const gap = mode === 'automatic' ? rules.intervalDays * 24 * 3600_000 : MANUAL_REMINDER_GAP_MS;
  const plan: ReminderPlan = { due: [], completed: 0, optedOut: 0, notYetDue: 0, hadEvery: 0, pending: 0 };
  for (const c of candidates) {
    if (c.complete) plan.completed++;
    else if (c.optedOut) plan.optedOut++;
    else if (c.pending) plan.pending++;
    else if (c.reminders >= rules.max) plan.hadEvery++;
    else if (!c.lastSentAt || now.getTime() - Date.parse(c.lastSentAt) < gap) plan.notYetDue++;
    else plan.due.push({ dslId: c.dslId, dedupeKey: dedupeKey('reminder', waveId, c.dslId, c.reminders + 1), sequence: c.reminders + 1 });
  }
  return plan;
}

/** Why a queued message is no longer to be sent, checked just before sending; undefined when it still should go. */
export function reasonNotToSend(m: { kind: string; dslStatus: string | null; email: string | null; optedOut: boolean; complete: boolean; opensAt: string | null; closesAt: string | null; testAddress: string | null }, now: Date): string | undefined {
  if (m.kind === 'test') return m.testAddress ? undefined : 'no address for the test message';
  if (m.dslStatus !== 'active') return m.dslStatus ? `the DSL is ${m.dslStatus}` : 'the DSL is no longer in the trial';
  if (!m.email) return 'the DSL has no email address';
  const t = now.toISOString();
  if (m.kind !== 'thank_you') {
    if (m.closesAt && t >= m.closesAt) return 'the wave had closed';
    if (m.complete) return 'the DSL had completed the survey';
  }
  if ((m.kind === 'reminder' || m.kind === 'thank_you') && m.optedOut) return 'the DSL opted out of reminders';
  return undefined;
}
