// The sender the configuration names (SMTP or GOV.UK Notify), or none: then dslkit prints links for a mail merge instead.
import type { MailConfig } from '../config';
import type { MessageSender } from './sender';
import { smtpSender } from './smtp-sender';
import { notifySender } from './notify-sender';

export function configuredSender(mail: MailConfig): MessageSender | undefined {
  if (mail.kind === 'smtp') return smtpSender({ url: mail.url, from: mail.from });
  if (mail.kind === 'notify') return notifySender({ apiKey: mail.apiKey, templates: mail.templates, baseUrl: mail.baseUrl });
  return undefined;
}
