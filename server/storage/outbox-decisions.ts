// Decisions to send, each in one transaction with what it queues: invitations, reminders and thank-yous for a trial's waves (by hand or by the automatic fieldwork settings), audited.
import type { Db } from './db';
import { ValidationError } from '../../shared/errors';
import { planInvitations, planReminders, type InvitationPlan, type ReminderPlan } from '../domain/outbox/plan';
import { dedupeKey, sessionFormsKey } from '../domain/outbox/kinds';
import { listInvitationRecipients } from './survey-access-repo';
import { issueInvitations } from './invitation-repo';
import { getWaveById, listWaves, waveState, type Wave } from './wave-repo';
import { appendAudit } from './audit-repo';
import { enqueueMessages, existingKeys, getFieldworkSettings, reminderStates, thankYouCandidates, trialsWithAutomaticMessages } from './outbox-repo';

export interface Actor { actor: string; at: string }

/** The wave of a trial, refused when it has closed (nothing can be sent for it). */
export function sendableWave(db: Db, trialId: string, waveId: number, now: Date): Wave {
  const w = getWaveById(db, waveId);
  if (!w || w.trialId !== trialId) throw new ValidationError(`trial "${trialId}" has no such wave`);
  if (waveState(w, now) === 'closed') throw new ValidationError(`the ${w.name} wave of "${trialId}" closed on ${w.closesAt.slice(0, 10)}: no messages are sent for a closed wave`);
  return w;
}

export function previewInvitations(db: Db, trialId: string, wave: Wave): InvitationPlan {
  const recipients = listInvitationRecipients(db, trialId, wave.id);
  return planInvitations(wave.id, recipients, existingKeys(db, trialId, 'invitation', wave.id));
}

/**
 * Queues an invitation for every DSL due one, creating their invitations in the same transaction. Before the wave
 * opens the messages wait for its opening time.
 */
export function queueInvitations(db: Db, trialId: string, wave: Wave, secret: Buffer, by: Actor, how: 'by hand' | 'automatic' = 'by hand'): InvitationPlan & { queued: number } {
  return db.transaction(() => {
    const plan = previewInvitations(db, trialId, wave);
    if (plan.due.length === 0) return { ...plan, queued: 0 };
    issueInvitations(db, secret, wave.id, plan.due.map((d) => d.dslId), by.at);
    const notBefore = by.at < wave.opensAt ? wave.opensAt : by.at;
    const queued = enqueueMessages(db, plan.due.map((d) => ({ dedupeKey: d.dedupeKey, trialId, kind: 'invitation' as const, waveId: wave.id, dslId: d.dslId })), { ...by, at: notBefore });
    appendAudit(db, { ...by, action: 'messages.queue', trialId, detail: { kind: 'invitation', wave: wave.name, queued, how, alreadyQueued: plan.alreadyQueued, noEmail: plan.noEmail } });
    return { ...plan, queued };
  }).immediate();
}

export function previewReminders(db: Db, trialId: string, wave: Wave, now: Date, mode: 'automatic' | 'manual'): ReminderPlan {
  const s = getFieldworkSettings(db, trialId);
  return planReminders(wave.id, reminderStates(db, trialId, wave.id), { intervalDays: s.reminderIntervalDays, max: s.reminderMax }, now, mode);
}

export function queueReminders(db: Db, trialId: string, wave: Wave, now: Date, by: Actor, mode: 'automatic' | 'manual' = 'manual'): ReminderPlan & { queued: number } {
  return db.transaction(() => {
    const plan = previewReminders(db, trialId, wave, now, mode);
    if (plan.due.length === 0) return { ...plan, queued: 0 };
    const queued = enqueueMessages(db, plan.due.map((d) => ({ dedupeKey: d.dedupeKey, trialId, kind: 'reminder' as const, waveId: wave.id, dslId: d.dslId, sequence: d.sequence })), by);
    appendAudit(db, { ...by, action: 'messages.queue', trialId, detail: { kind: 'reminder', wave: wave.name, queued, how: mode === 'manual' ? 'by hand' : 'automatic', notYetDue: plan.notYetDue, hadEvery: plan.hadEvery } });
    return { ...plan, queued };
  }).immediate();
}

/** Thank-yous for completions since the setting was switched on. */
export function queueThankYous(db: Db, trialId: string, by: Actor): number {
  const s = getFieldworkSettings(db, trialId);
  if (!s.thankYou || !s.thankYouSince) return 0;
  return db.transaction(() => {
    const due = thankYouCandidates(db, trialId, s.thankYouSince!);
    if (due.length === 0) return 0;
    const queued = enqueueMessages(db, due.map((d) => ({ dedupeKey: dedupeKey('thank_you', d.waveId, d.dslId), trialId, kind: 'thank_you' as const, waveId: d.waveId, dslId: d.dslId })), by);
    appendAudit(db, { ...by, action: 'messages.queue', trialId, detail: { kind: 'thank_you', queued, how: 'automatic' } });
    return queued;
  }).immediate();
}

/** One pass of the automatic fieldwork: invitations for open waves, reminders when due, thank-yous; returns how many were queued. */
export function runAutomaticFieldwork(db: Db, secret: Buffer, now: Date): number {
  const by = { actor: 'system:fieldwork', at: now.toISOString() };
  let queued = 0;
  for (const s of trialsWithAutomaticMessages(db)) {
    if (s.autoSend) {
      for (const w of listWaves(db, s.trialId)) {
        if (waveState(w, now) !== 'open') continue;
        queued += queueInvitations(db, s.trialId, w, secret, by, 'automatic').queued;
        queued += queueReminders(db, s.trialId, w, now, by, 'automatic').queued;
      }
    }
    queued += queueThankYous(db, s.trialId, by);
  }
  return queued;
}

/**
 * After a logged session: each attending DSL with an email address is sent the links to their forms for it, when the trial's
 * fieldwork sends itself (fieldwork settings). Call in the transaction that logs the session and issues its forms.
 */
export function queueSessionFormMessages(db: Db, trialId: string, sessionId: number, by: Actor): number {
  if (!getFieldworkSettings(db, trialId).autoSend) return 0;
  const dsls = db.prepare(`SELECT DISTINCT f.dsl_id AS dslId FROM session_forms f JOIN dsls d ON d.id = f.dsl_id JOIN dsl_contacts c ON c.dsl_id = d.id
    WHERE f.session_id = ? AND d.status = 'active' AND c.email LIKE '%@%' ORDER BY f.dsl_id`).all(sessionId) as Array<{ dslId: string }>;
  if (!dsls.length) return 0;
  const queued = enqueueMessages(db, dsls.map((d) => ({ dedupeKey: sessionFormsKey(sessionId, d.dslId), trialId, kind: 'session_forms' as const, waveId: null, dslId: d.dslId, sessionId })), by);
  appendAudit(db, { ...by, action: 'messages.queue', trialId, detail: { kind: 'session_forms', session: sessionId, queued, how: 'automatic' } });
  return queued;
}
