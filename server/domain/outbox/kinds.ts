// What the outbox can send and the one key that makes each message unique (never twice for a DSL, wave and kind).

export type MessageKind = 'invitation' | 'reminder' | 'thank_you' | 'session_forms' | 'test';
/** The kinds an evaluator words (a test send uses the invitation's wording). */
export type TemplateKind = Exclude<MessageKind, 'test'>;
export const TEMPLATE_KINDS: readonly TemplateKind[] = ['invitation', 'reminder', 'thank_you', 'session_forms'];

export type MessageStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'bounced' | 'failed' | 'cancelled' | 'uncertain';
export const MESSAGE_STATUSES: readonly MessageStatus[] = ['queued', 'sending', 'sent', 'delivered', 'bounced', 'failed', 'cancelled', 'uncertain'];

export const kindLabels: Record<MessageKind, string> = {
  invitation: 'Invitation', reminder: 'Reminder', thank_you: 'Thank-you', session_forms: 'Session forms', test: 'Test message',
};

export const statusLabels: Record<MessageStatus, string> = {
  queued: 'Queued', sending: 'Sending', sent: 'Sent', delivered: 'Delivered', bounced: 'Bounced', failed: 'Failed',
  cancelled: 'Not sent', uncertain: 'Uncertain (sending when the server stopped)',
};

/** The unique key of a DSL's message: a second decision to send the same message finds it already queued. */
export function dedupeKey(kind: Exclude<MessageKind, 'test' | 'session_forms'>, waveId: number, dslId: string, sequence = 0): string {
  return kind === 'reminder' ? `reminder:${waveId}:${dslId}:${sequence}` : `${kind}:${waveId}:${dslId}`;
}

/** A DSL's message with the links to their forms for one session: once per session and DSL. */
export function sessionFormsKey(sessionId: number, dslId: string): string {
  return `session_forms:${sessionId}:${dslId}`;
}
