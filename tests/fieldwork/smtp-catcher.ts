// A real SMTP server on loopback (the smtp-server package) that keeps every message it accepts, parsed by mailparser, for the fieldwork tests.
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface CaughtMessage { to: string[]; from: string; subject: string; text: string; html: string; messageId: string; headers: Map<string, unknown>; at: number }

export interface SmtpCatcher {
  url: string;
  port: number;
  messages: CaughtMessage[];
  /** Reply to RCPT TO for these addresses with this code (e.g. 550 unknown user, 451 try later). */
  refuse: Map<string, number>;
  close: () => Promise<void>;
  /** Resolves when at least n messages have arrived (or rejects after timeoutMs). */
  waitFor: (n: number, timeoutMs?: number) => Promise<void>;
}

export async function startSmtpCatcher(port = 0): Promise<SmtpCatcher> {
  const messages: CaughtMessage[] = [];
  const refuse = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = refuse.get(address.address.toLowerCase());
      if (code) callback(Object.assign(new Error(code >= 500 ? 'No such user here' : 'Try again later'), { responseCode: code }));
      else callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream).then((m) => {
        messages.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          from: typeof session.envelope.mailFrom === 'object' && session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          subject: m.subject ?? '', text: m.text ?? '', html: typeof m.html === 'string' ? m.html : '', messageId: m.messageId ?? '',
          headers: m.headers as Map<string, unknown>, at: Date.now(),
        });
        callback();
      }, (err) => callback(err as Error));
    },
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const actual = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${actual}`, port: actual, messages, refuse,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    waitFor: async (n, timeoutMs = 20_000) => {
      const until = Date.now() + timeoutMs;
      while (messages.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} messages, got ${messages.length}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
