// The one interface both message senders (SMTP, GOV.UK Notify) meet, and the message as it leaves dslkit.
import type { SendOutcome } from '../domain/outbox/retry';
import type { TemplateKind } from '../domain/outbox/kinds';
import type { TemplateValues } from '../domain/outbox/templates';

export interface ReadyMessage {
  /** The outbox row's id and dedupe key (the key is the Notify reference, and part of the SMTP Message-ID). */
  id: number;
  reference: string;
  to: string;
  /** Which wording: a test send uses one of the three. */
  templateKind: TemplateKind;
  subject: string;
  text: string;
  html: string;
  /** The fields the text was made from (Notify renders its own template from them). */
  values: TemplateValues;
  /** One-click unsubscribe target (RFC 8058); absent for thank-yous and tests. */
  optOutUrl?: string;
}

export type DeliveryState = 'pending' | 'delivered' | 'bounced' | 'failed';

export interface MessageSender {
  readonly name: 'smtp' | 'notify';
  send(message: ReadyMessage): Promise<SendOutcome>;
  /** Whether a message with this reference was accepted earlier (Notify can say; SMTP cannot). */
  lookup?(reference: string): Promise<{ providerId: string } | null>;
  /** Delivery state of a sent message, where the service reports it. */
  deliveryStatus?(providerId: string): Promise<{ state: DeliveryState; reason: string | null }>;
  close?(): Promise<void>;
}
