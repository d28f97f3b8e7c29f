// SQL for the outbox: queueing messages (idempotent by dedupe key), the sender worker's claim/settle steps, fieldwork settings, templates, opt-outs and delivery totals.
import type { Db } from './db';
import type { MessageKind, MessageStatus, TemplateKind } from '../domain/outbox/kinds';
import type { MessageTemplate } from '../domain/outbox/templates';
import { DEFAULT_TEMPLATES } from '../domain/outbox/templates';

export interface FieldworkSettings {
  trialId: string;
  autoSend: boolean;
  reminderIntervalDays: number;
  reminderMax: number;
  thankYou: boolean;
  thankYouSince: string | null;
  contact: string;
}

export function getFieldworkSettings(db: Db, trialId: string): FieldworkSettings {
  const r = db.prepare('SELECT * FROM fieldwork_settings WHERE trial_id = ?').get(trialId) as
    { auto_send: number; reminder_interval_days: number; reminder_max: number; thank_you: number; thank_you_since: string | null; contact: string } | undefined;
  if (!r) return { trialId, autoSend: false, reminderIntervalDays: 7, reminderMax: 2, thankYou: false, thankYouSince: null, contact: '' };
  return { trialId, autoSend: r.auto_send === 1, reminderIntervalDays: r.reminder_interval_days, reminderMax: r.reminder_max, thankYou: r.thank_you === 1, thankYouSince: r.thank_you_since, contact: r.contact };
}

export function saveFieldworkSettings(db: Db, s: Omit<FieldworkSettings, 'thankYouSince'>, by: { actor: string; at: string }): FieldworkSettings {
  const before = getFieldworkSettings(db, s.trialId);
  const since = s.thankYou ? (before.thankYou ? before.thankYouSince : by.at) : null;
  db.prepare(`INSERT INTO fieldwork_settings (trial_id, auto_send, reminder_interval_days, reminder_max, thank_you, thank_you_since, contact, updated_at, updated_by)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (trial_id) DO UPDATE SET auto_send = excluded.auto_send, reminder_interval_days = excluded.reminder_interval_days,
      reminder_max = excluded.reminder_max, thank_you = excluded.thank_you, thank_you_since = excluded.thank_you_since,
      contact = excluded.contact, updated_at = excluded.updated_at, updated_by = excluded.updated_by`)
    .run(s.trialId, s.autoSend ? 1 : 0, s.reminderIntervalDays, s.reminderMax, s.thankYou ? 1 : 0, since, s.contact, by.at, by.actor);
  return getFieldworkSettings(db, s.trialId);
}

/** The trial's wording for a kind of message, or the default; `custom` says which. */
export function getTemplate(db: Db, trialId: string, kind: TemplateKind): MessageTemplate & { custom: boolean } {
  const r = db.prepare('SELECT subject, body FROM message_templates WHERE trial_id = ? AND kind = ?').get(trialId, kind) as MessageTemplate | undefined;
  return r ? { ...r, custom: true } : { ...DEFAULT_TEMPLATES[kind], custom: false };
}

export function saveTemplate(db: Db, trialId: string, kind: TemplateKind, t: MessageTemplate, by: { actor: string; at: string }): void {
  db.prepare(`INSERT INTO message_templates (trial_id, kind, subject, body, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (trial_id, kind) DO UPDATE SET subject = excluded.subject, body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by`)
    .run(trialId, kind, t.subject, t.body, by.at, by.actor);
}

export function resetTemplate(db: Db, trialId: string, kind: TemplateKind): void {
  db.prepare('DELETE FROM message_templates WHERE trial_id = ? AND kind = ?').run(trialId, kind);
}

export interface NewMessage { dedupeKey: string; trialId: string; kind: MessageKind; waveId: number | null; dslId: string | null; sequence?: number; testAddress?: string | null; sessionId?: number | null }

/** Queues messages; one whose dedupe key exists already is left as it is. Returns how many were added. Call inside the deciding transaction. */
export function enqueueMessages(db: Db, messages: NewMessage[], by: { actor: string; at: string }): number {
  const insert = db.prepare(`INSERT INTO outbox_messages (dedupe_key, trial_id, kind, wave_id, dsl_id, session_id, sequence, test_address, status, next_attempt_at, queued_at, queued_by, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`);
  let added = 0;
  for (const m of messages) added += insert.run(m.dedupeKey, m.trialId, m.kind, m.waveId, m.dslId, m.sessionId ?? null, m.sequence ?? 0, m.testAddress ?? null, by.at, by.at, by.actor, by.at).changes;
  return added;
}

/** Dedupe keys already used among `keys` (so a plan can say how many are new). */
export function existingKeys(db: Db, trialId: string, kind: MessageKind, waveId: number): Set<string> {
  const rows = db.prepare('SELECT dedupe_key FROM outbox_messages WHERE trial_id = ? AND kind = ? AND wave_id = ?').all(trialId, kind, waveId) as Array<{ dedupe_key: string }>;
  return new Set(rows.map((r) => r.dedupe_key));
}

export interface ReminderState {
  dslId: string;
  /** Reminders queued so far (any state but 'cancelled'). */
  reminders: number;
  /** When the newest invitation or reminder was sent (null if none has been sent yet). */
  lastSentAt: string | null;
  /** A message to this DSL for this wave is still queued or being sent. */
  pending: boolean;
  complete: boolean;
  optedOut: boolean;
}

/** Active DSLs of a wave who were sent an invitation, with what they have had so far and whether they completed or opted out: the candidates for a reminder. */
export function reminderStates(db: Db, trialId: string, waveId: number): ReminderState[] {
  const rows = db.prepare(`SELECT m.dsl_id AS dslId,
      sum(CASE WHEN m.kind = 'reminder' AND m.status <> 'cancelled' THEN 1 ELSE 0 END) AS reminders,
      max(CASE WHEN m.status IN ('sent', 'delivered') THEN m.sent_at END) AS lastSentAt,
      max(CASE WHEN m.status IN ('queued', 'sending') THEN 1 ELSE 0 END) AS pending,
      max(CASE WHEN m.kind = 'invitation' AND m.status IN ('sent', 'delivered') THEN 1 ELSE 0 END) AS invited,
      max(CASE WHEN r.status = 'complete' THEN 1 ELSE 0 END) AS complete,
      EXISTS (SELECT 1 FROM dsl_opt_outs o WHERE o.dsl_id = m.dsl_id) AS optedOut
    FROM outbox_messages m JOIN dsls d ON d.id = m.dsl_id
    LEFT JOIN invitations i ON i.wave_id = m.wave_id AND i.dsl_id = m.dsl_id
    LEFT JOIN responses r ON r.invitation_id = i.id
    WHERE m.trial_id = ? AND m.wave_id = ? AND m.kind IN ('invitation', 'reminder') AND d.status = 'active'
    GROUP BY m.dsl_id ORDER BY m.dsl_id`).all(trialId, waveId) as Array<{ dslId: string; reminders: number; lastSentAt: string | null; pending: number; invited: number; complete: number; optedOut: number }>;
  return rows.filter((r) => r.invited === 1).map((r) => ({ dslId: r.dslId, reminders: r.reminders, lastSentAt: r.lastSentAt, pending: r.pending === 1, complete: r.complete === 1, optedOut: r.optedOut === 1 }));
}

/** Completed responses (submitted since `since`) of active DSLs who have not opted out and have no thank-you yet. */
export function thankYouCandidates(db: Db, trialId: string, since: string): Array<{ dslId: string; waveId: number }> {
  return db.prepare(`SELECT i.dsl_id AS dslId, i.wave_id AS waveId
    FROM responses r JOIN invitations i ON i.id = r.invitation_id JOIN waves w ON w.id = i.wave_id JOIN dsls d ON d.id = i.dsl_id
    JOIN dsl_contacts c ON c.dsl_id = d.id
    WHERE w.trial_id = ? AND r.status = 'complete' AND r.submitted_at >= ? AND d.status = 'active'
      AND NOT EXISTS (SELECT 1 FROM dsl_opt_outs o WHERE o.dsl_id = d.id)
      AND NOT EXISTS (SELECT 1 FROM outbox_messages m WHERE m.dedupe_key = 'thank_you:' || i.wave_id || ':' || i.dsl_id)
    ORDER BY r.submitted_at`).all(trialId, since) as Array<{ dslId: string; waveId: number }>;
}

/** Trials whose fieldwork sends itself, or thanks respondents. */
export function trialsWithAutomaticMessages(db: Db): FieldworkSettings[] {
  const ids = db.prepare('SELECT trial_id FROM fieldwork_settings WHERE auto_send = 1 OR thank_you = 1').all() as Array<{ trial_id: string }>;
  return ids.map((r) => getFieldworkSettings(db, r.trial_id));
}

/** Everything the worker needs to send one message; contact details are read now, never stored with the message. */
export interface OutgoingRow {
  id: number; dedupeKey: string; kind: MessageKind; trialId: string; trialTitle: string; waveId: number | null; waveName: string | null;
  opensAt: string | null; closesAt: string | null; dslId: string | null; dslStatus: string | null; name: string | null; email: string | null;
  schoolName: string | null; sequence: number; testAddress: string | null; attempts: number; optedOut: boolean; complete: boolean;
  /** kind 'session_forms': the session and the day it was held. */
  sessionId: number | null; sessionHeldOn: string | null;
}

/**
 * Takes the oldest due queued message and marks it 'sending' (committed before anything is sent, so a crash while
 * sending leaves it 'sending' and it is never sent again automatically). Undefined when nothing is due.
 */
export function claimNextMessage(db: Db, now: string): OutgoingRow | undefined {
  return db.transaction(() => {
    const next = db.prepare(`SELECT id FROM outbox_messages WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1`).get(now) as { id: number } | undefined;
    if (!next) return undefined;
    db.prepare(`UPDATE outbox_messages SET status = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ?`).run(now, next.id);
    return readOutgoing(db, next.id);
  }).immediate();
}

function readOutgoing(db: Db, id: number): OutgoingRow | undefined {
  const r = db.prepare(`SELECT m.id, m.dedupe_key AS dedupeKey, m.kind, m.trial_id AS trialId, t.title AS trialTitle, m.wave_id AS waveId,
      w.name AS waveName, w.opens_at AS opensAt, w.closes_at AS closesAt, m.dsl_id AS dslId, d.status AS dslStatus, c.name, c.email,
      s.name AS schoolName, m.sequence, m.test_address AS testAddress, m.attempts, m.session_id AS sessionId, ss.held_on AS sessionHeldOn,
      EXISTS (SELECT 1 FROM dsl_opt_outs o WHERE o.dsl_id = m.dsl_id) AS optedOut,
      EXISTS (SELECT 1 FROM invitations i JOIN responses r ON r.invitation_id = i.id WHERE i.wave_id = m.wave_id AND i.dsl_id = m.dsl_id AND r.status = 'complete') AS complete
    FROM outbox_messages m JOIN trials t ON t.id = m.trial_id LEFT JOIN waves w ON w.id = m.wave_id
    LEFT JOIN dsls d ON d.id = m.dsl_id LEFT JOIN dsl_contacts c ON c.dsl_id = m.dsl_id LEFT JOIN schools s ON s.urn = d.urn
    LEFT JOIN supervision_sessions ss ON ss.id = m.session_id
    WHERE m.id = ?`).get(id) as (Omit<OutgoingRow, 'optedOut' | 'complete'> & { optedOut: number; complete: number }) | undefined;
  return r ? { ...r, optedOut: r.optedOut === 1, complete: r.complete === 1 } : undefined;
}

export function markSent(db: Db, id: number, provider: string, providerId: string, at: string): void {
  db.prepare(`UPDATE outbox_messages SET status = 'sent', provider = ?, provider_id = ?, sent_at = ?, last_error = NULL, updated_at = ? WHERE id = ? AND status = 'sending'`).run(provider, providerId, at, at, id);
}

export function markRetry(db: Db, id: number, reason: string, nextAttemptAt: string, at: string): void {
  db.prepare(`UPDATE outbox_messages SET status = 'queued', last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ? AND status = 'sending'`).run(reason, nextAttemptAt, at, id);
}

export function markFailed(db: Db, id: number, reason: string, at: string): void {
  db.prepare(`UPDATE outbox_messages SET status = 'failed', last_error = ?, updated_at = ? WHERE id = ? AND status = 'sending'`).run(reason, at, id);
}

export function markCancelled(db: Db, id: number, reason: string, at: string): void {
  db.prepare(`UPDATE outbox_messages SET status = 'cancelled', last_error = ?, updated_at = ? WHERE id = ? AND status IN ('sending', 'queued')`).run(reason, at, id);
}

/** At start-up: messages left 'sending' by a stopped process may or may not have gone; they become 'uncertain' and are not resent. */
export function markInterruptedUncertain(db: Db, at: string): Array<{ id: number; dedupeKey: string }> {
  return db.transaction(() => {
    const rows = db.prepare(`SELECT id, dedupe_key AS dedupeKey FROM outbox_messages WHERE status = 'sending'`).all() as Array<{ id: number; dedupeKey: string }>;
    db.prepare(`UPDATE outbox_messages SET status = 'uncertain', last_error = 'the server stopped while this message was being sent', updated_at = ? WHERE status = 'sending'`).run(at);
    return rows;
  })();
}

/** An uncertain message found to have been sent after all (a sender that can look messages up by reference). */
export function settleUncertain(db: Db, id: number, outcome: { sent: true; provider: string; providerId: string; at: string } | { sent: false; at: string }): void {
  if (outcome.sent) {
    db.prepare(`UPDATE outbox_messages SET status = 'sent', provider = ?, provider_id = ?, sent_at = ?, last_error = NULL, updated_at = ? WHERE id = ? AND status = 'uncertain'`)
      .run(outcome.provider, outcome.providerId, outcome.at, outcome.at, id);
  } else {
    db.prepare(`UPDATE outbox_messages SET status = 'queued', last_error = NULL, next_attempt_at = ?, updated_at = ? WHERE id = ? AND status = 'uncertain'`).run(outcome.at, outcome.at, id);
  }
}

/** Sends an uncertain message again, on a staff member's word (it may arrive twice). */
export function requeueUncertain(db: Db, trialId: string, waveId: number, at: string): number {
  return db.prepare(`UPDATE outbox_messages SET status = 'queued', next_attempt_at = ?, last_error = 'resent by staff after an uncertain send', updated_at = ? WHERE trial_id = ? AND wave_id = ? AND status = 'uncertain'`).run(at, at, trialId, waveId).changes;
}

/** Sent messages whose delivery a sender can report (GOV.UK Notify), newest first, sent within the last week. */
export function messagesAwaitingDelivery(db: Db, provider: string, since: string, limit = 100): Array<{ id: number; providerId: string }> {
  return db.prepare(`SELECT id, provider_id AS providerId FROM outbox_messages WHERE status = 'sent' AND provider = ? AND sent_at >= ? ORDER BY sent_at DESC LIMIT ?`).all(provider, since, limit) as Array<{ id: number; providerId: string }>;
}

export function markDelivery(db: Db, id: number, status: 'delivered' | 'bounced' | 'failed', reason: string | null, at: string): void {
  db.prepare(`UPDATE outbox_messages SET status = ?, last_error = ?, updated_at = ? WHERE id = ? AND status = 'sent'`).run(status, reason, at, id);
}

/** How many messages are waiting (queued, or being sent) in all: the outbox depth. */
export function outboxDepth(db: Db): number {
  return (db.prepare(`SELECT count(*) AS n FROM outbox_messages WHERE status IN ('queued', 'sending')`).get() as { n: number }).n;
}

export interface MessageTotal { waveId: number | null; waveName: string | null; kind: MessageKind; status: MessageStatus; count: number }

export function messageTotals(db: Db, trialId: string): MessageTotal[] {
  return db.prepare(`SELECT m.wave_id AS waveId, w.name AS waveName, m.kind, m.status, count(*) AS count
    FROM outbox_messages m LEFT JOIN waves w ON w.id = m.wave_id WHERE m.trial_id = ?
    GROUP BY m.wave_id, m.kind, m.status ORDER BY w.opens_at, m.kind, m.status`).all(trialId) as MessageTotal[];
}

export interface DslMessage { dslId: string; kind: MessageKind; sequence: number; status: MessageStatus; lastError: string | null; queuedAt: string; sentAt: string | null }

/** Every message to the wave's DSLs, oldest first. */
export function messagesForWave(db: Db, waveId: number): DslMessage[] {
  return db.prepare(`SELECT dsl_id AS dslId, kind, sequence, status, last_error AS lastError, queued_at AS queuedAt, sent_at AS sentAt
    FROM outbox_messages WHERE wave_id = ? AND dsl_id IS NOT NULL ORDER BY id`).all(waveId) as DslMessage[];
}

export function optedOutDsls(db: Db, trialId: string): Map<string, string> {
  const rows = db.prepare(`SELECT o.dsl_id AS dslId, o.opted_out_at AS at FROM dsl_opt_outs o JOIN dsls d ON d.id = o.dsl_id WHERE d.trial_id = ?`).all(trialId) as Array<{ dslId: string; at: string }>;
  return new Map(rows.map((r) => [r.dslId, r.at]));
}

/** Records the hash of a DSL's opt-out token (idempotent), so /o/<token> can be looked up. */
export function rememberOptOutLink(db: Db, dslId: string, tokenHash: string): void {
  db.prepare('INSERT INTO opt_out_links (token_hash, dsl_id) VALUES (?, ?) ON CONFLICT DO NOTHING').run(tokenHash, dslId);
}

export function findOptOutLink(db: Db, tokenHash: string): { dslId: string; trialId: string; trialTitle: string; optedOutAt: string | null } | undefined {
  return db.prepare(`SELECT l.dsl_id AS dslId, d.trial_id AS trialId, t.title AS trialTitle, o.opted_out_at AS optedOutAt
    FROM opt_out_links l JOIN dsls d ON d.id = l.dsl_id JOIN trials t ON t.id = d.trial_id
    LEFT JOIN dsl_opt_outs o ON o.dsl_id = l.dsl_id WHERE l.token_hash = ?`).get(tokenHash) as
    { dslId: string; trialId: string; trialTitle: string; optedOutAt: string | null } | undefined;
}

/** Records an opt-out (idempotent); true when it is new. Queued reminders and thank-yous for the DSL are cancelled. */
export function recordOptOut(db: Db, dslId: string, at: string): boolean {
  const added = db.prepare('INSERT INTO dsl_opt_outs (dsl_id, opted_out_at) VALUES (?, ?) ON CONFLICT DO NOTHING').run(dslId, at).changes === 1;
  db.prepare(`UPDATE outbox_messages SET status = 'cancelled', last_error = 'the DSL opted out of reminders', updated_at = ?
    WHERE dsl_id = ? AND kind IN ('reminder', 'thank_you') AND status = 'queued'`).run(at, dslId);
  return added;
}
