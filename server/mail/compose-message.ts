// Turns an outbox row into the message that leaves: the trial's wording, the DSL's own survey and opt-out links derived from the secret, every field cleaned.
import type { Db } from '../storage/db';
import type { OutgoingRow } from '../storage/outbox-repo';
import { getTemplate, getFieldworkSettings, rememberOptOutLink } from '../storage/outbox-repo';
import { deriveInvitationToken, hashToken } from '../domain/invitation-tokens';
import { deriveOptOutToken } from '../domain/outbox/opt-out-token';
import { closingText, longDate, renderMessage, type TemplateValues } from '../domain/outbox/templates';
import { sessionFormsOf } from '../storage/session-form-repo';
import { SESSION_FORM_LABEL } from '../domain/session-forms/forms';
import { TEMPLATE_KINDS, type TemplateKind } from '../domain/outbox/kinds';
import type { ReadyMessage } from './sender';

/** A test message's key is 'test:<template kind>:<random>'. */
export function testTemplateKind(dedupeKey: string): TemplateKind {
  const kind = dedupeKey.split(':')[1] as TemplateKind;
  return TEMPLATE_KINDS.includes(kind) ? kind : 'invitation';
}

/** Sample fields for a preview or a test send: nobody's real details, links that open no survey. */
export function sampleValues(publicUrl: string, trialTitle: string, contact: string, closesAt: string | null, waveName = 'endline'): TemplateValues {
  return {
    name: 'Alex Example', school: 'Example Primary School', study: trialTitle, wave: waveName,
    closes: closesAt ? closingText(closesAt) : 'the end of the wave', contact,
    link: `${publicUrl}/s/sample-link-for-a-test-message`, opt_out_link: `${publicUrl}/o/sample-link-for-a-test-message`,
    session_date: longDate(new Date()), form_links: `DSL time log: ${publicUrl}/s/sample-time-log-link\nDSL preparation sheet: ${publicUrl}/s/sample-preparation-link`,
  };
}

/** The DSL's own links to their forms for a session, one line each ("DSL time log: https://…/s/<token>"). */
function sessionFormLines(db: Db, secret: Buffer, publicUrl: string, sessionId: number, dslId: string): string {
  return sessionFormsOf(db, secret, sessionId).forms.filter((f) => f.dslId === dslId)
    .map((f) => `${SESSION_FORM_LABEL[f.instrument]}: ${publicUrl}/s/${f.token}`).join('\n');
}

export function composeMessage(db: Db, row: OutgoingRow, secret: Buffer, publicUrl: string): ReadyMessage {
  const settings = getFieldworkSettings(db, row.trialId);
  if (row.kind === 'test') {
    const templateKind = testTemplateKind(row.dedupeKey);
    const values = sampleValues(publicUrl, row.trialTitle, settings.contact, row.closesAt, row.waveName ?? undefined);
    const rendered = renderMessage(getTemplate(db, row.trialId, templateKind), values);
    return { id: row.id, reference: row.dedupeKey, to: row.testAddress!, templateKind, values, ...rendered, subject: `[Test] ${rendered.subject}` };
  }
  const templateKind = row.kind as TemplateKind;
  if (templateKind === 'session_forms') {
    const values: TemplateValues = {
      name: row.name ?? '', school: row.schoolName ?? '', study: row.trialTitle, wave: '', closes: '', contact: settings.contact, link: '', opt_out_link: '',
      session_date: row.sessionHeldOn ? longDate(`${row.sessionHeldOn}T12:00:00Z`) : '', form_links: sessionFormLines(db, secret, publicUrl, row.sessionId!, row.dslId!),
    };
    return { id: row.id, reference: row.dedupeKey, to: row.email!, templateKind, values, ...renderMessage(getTemplate(db, row.trialId, templateKind), values) };
  }
  const optOutToken = deriveOptOutToken(secret, row.dslId!);
  rememberOptOutLink(db, row.dslId!, hashToken(optOutToken));
  const optOutUrl = `${publicUrl}/o/${optOutToken}`;
  const values: TemplateValues = {
    name: row.name ?? '', school: row.schoolName ?? '', study: row.trialTitle, wave: row.waveName ?? '',
    closes: row.closesAt ? closingText(row.closesAt) : '', contact: settings.contact,
    link: `${publicUrl}/s/${deriveInvitationToken(secret, row.waveId!, row.dslId!)}`, opt_out_link: optOutUrl, session_date: '', form_links: '',
  };
  const rendered = renderMessage(getTemplate(db, row.trialId, templateKind), values);
  return { id: row.id, reference: row.dedupeKey, to: row.email!, templateKind, values, ...rendered, ...(templateKind === 'thank_you' ? {} : { optOutUrl }) };
}
