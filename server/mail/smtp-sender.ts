// Sends outbox messages by SMTP (nodemailer): STARTTLS when the server offers it, a Message-ID derived from the outbox row, one-click unsubscribe headers.
import crypto from 'node:crypto';
import nodemailer from 'nodemailer';
import type { MessageSender, ReadyMessage } from './sender';
import type { SendOutcome } from '../domain/outbox/retry';

export interface SmtpOptions {
  /** smtp://user:pass@host:587 (STARTTLS if offered; add ?requireTLS=true to insist) or smtps://host:465. */
  url: string;
  /** The From address, e.g. "Bolton DSL study <dsl-study@bolton.gov.uk>". */
  from: string;
  /** Milliseconds before a connection or reply counts as failed. */
  timeoutMs?: number;
}

/** SMTP reply codes and socket errors worth trying again (RFC 5321 4yz; 421 service closing; network failures). */
function isTransient(err: { code?: string; responseCode?: number }): boolean {
  if (typeof err.responseCode === 'number') return err.responseCode < 500 || err.responseCode === 503;
  return ['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EPROTOCOL', 'EAUTH', 'ETLS'].includes(err.code ?? '') || !err.code;
}

export function smtpSender(options: SmtpOptions): MessageSender {
  // One pooled connection, reused for message after message (the worker sends one at a time); a new one per 500.
  const transport = nodemailer.createTransport(options.url, {
    pool: true, maxConnections: 1, maxMessages: 500,
    from: options.from,
    connectionTimeout: options.timeoutMs ?? 15_000,
    greetingTimeout: options.timeoutMs ?? 15_000,
    socketTimeout: options.timeoutMs ?? 30_000,
  } as never);
  const domain = /@([^>\s]+)>?\s*$/.exec(options.from)?.[1] ?? 'dslkit.invalid';
  return {
    name: 'smtp',
    async send(m: ReadyMessage): Promise<SendOutcome> {
      const messageId = `<${crypto.createHash('sha256').update(m.reference).digest('hex').slice(0, 32)}.${m.id}@${domain}>`;
      try {
        const info = await transport.sendMail({
          from: options.from,
          to: m.to,
          subject: m.subject,
          text: m.text,
          html: m.html,
          messageId,
          headers: m.optOutUrl ? { 'List-Unsubscribe': `<${m.optOutUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {},
        });
        const rejected = (info.rejected ?? []).map(String);
        if (rejected.length) return { ok: false, permanent: true, reason: `the SMTP server refused ${rejected.join(', ')}` };
        return { ok: true, providerId: String(info.messageId ?? messageId) };
      } catch (error) {
        const err = error as { code?: string; responseCode?: number; response?: string; message?: string };
        const reason = `SMTP: ${err.response ?? err.message ?? String(error)}`.slice(0, 500);
        return { ok: false, permanent: !isTransient(err), reason };
      }
    },
    async close() { transport.close(); },
  };
}
