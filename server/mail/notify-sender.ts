// Sends outbox messages through GOV.UK Notify (notifications-node-client): one Notify template per kind of message, our fields as its personalisation, delivery states polled.
import { NotifyClient } from 'notifications-node-client';
import type { DeliveryState, MessageSender, ReadyMessage } from './sender';
import type { SendOutcome } from '../domain/outbox/retry';
import type { TemplateKind } from '../domain/outbox/kinds';

export interface NotifyOptions {
  apiKey: string;
  /** Template id for each kind of message (set up in Notify with the fields ((name)), ((link)) …). */
  templates: Partial<Record<TemplateKind, string>>;
  /** Notify's API; another base URL only for a stand-in server in tests. */
  baseUrl?: string;
}

interface AxiosLikeError { response?: { status?: number; data?: { errors?: Array<{ error?: string; message?: string }> } }; code?: string; message?: string }

function failure(error: unknown): SendOutcome {
  const err = error as AxiosLikeError;
  const status = err.response?.status;
  const detail = err.response?.data?.errors?.map((e) => `${e.error ?? ''}: ${e.message ?? ''}`).join('; ') || err.message || String(error);
  // Notify: 400 bad request (address, template, personalisation) and 403 (key) will fail again; 429 and 5xx pass.
  const permanent = status !== undefined && status < 500 && status !== 429;
  return { ok: false, permanent, reason: `GOV.UK Notify${status ? ` ${status}` : ''}: ${detail}`.slice(0, 500) };
}

const deliveryStates: Record<string, { state: DeliveryState; reason: string | null }> = {
  delivered: { state: 'delivered', reason: null },
  'permanent-failure': { state: 'bounced', reason: 'GOV.UK Notify: the address does not exist or the message was refused' },
  'temporary-failure': { state: 'failed', reason: 'GOV.UK Notify: the inbox was full or unreachable for 72 hours' },
  'technical-failure': { state: 'failed', reason: 'GOV.UK Notify: technical failure' },
};

export function notifySender(options: NotifyOptions): MessageSender {
  const client = options.baseUrl ? new NotifyClient(options.baseUrl, options.apiKey) : new NotifyClient(options.apiKey);
  return {
    name: 'notify',
    async send(m: ReadyMessage): Promise<SendOutcome> {
      const templateId = options.templates[m.templateKind];
      if (!templateId) return { ok: false, permanent: true, reason: `no GOV.UK Notify template is set for ${m.templateKind} messages (DSLKIT_NOTIFY_TEMPLATES)` };
      try {
        const res = await client.sendEmail(templateId, m.to, {
          personalisation: { ...m.values, subject: m.subject },
          reference: m.reference,
          ...(m.optOutUrl ? { oneClickUnsubscribeURL: m.optOutUrl } : {}),
        });
        return { ok: true, providerId: String(res.data.id) };
      } catch (error) {
        return failure(error);
      }
    },
    async lookup(reference: string) {
      const res = await client.getNotifications('email', undefined, reference);
      const found = res.data.notifications?.[0] as { id?: string } | undefined;
      return found?.id ? { providerId: found.id } : null;
    },
    async deliveryStatus(providerId: string) {
      const res = await client.getNotificationById(providerId);
      return deliveryStates[String((res.data as { status?: string }).status)] ?? { state: 'pending', reason: null };
    },
  };
}
