// After a supervisor logs a session, each DSL who attended is emailed the links to their own session forms (time log, preparation sheet), once, when the trial's fieldwork sends itself; tested with a real SMTP server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffFixture, signIn, request, type StaffFixture, type Signed } from '../staff/fixture';
import { startSmtpCatcher, type SmtpCatcher } from './smtp-catcher';
import { smtpSender } from '../../server/mail/smtp-sender';
import { startOutboxWorker, type OutboxWorker } from '../../server/mail/outbox-worker';
import { saveFieldworkSettings } from '../../server/storage/outbox-repo';
import { findSessionFormByToken } from '../../server/storage/session-form-repo';

let f: StaffFixture;
let sup: Signed;
let smtp: SmtpCatcher;
let worker: OutboxWorker;
const log = (dsls: string[], heldOn: string) => request(f, sup, 'post', '/staff/supervision/t1/sessions', { kind: 'formal', mode: 'online', heldOn, durationMinutes: '60', dsls });

beforeAll(async () => {
  f = await staffFixture();
  sup = await signIn(f, 'supervisor');
  smtp = await startSmtpCatcher();
  worker = startOutboxWorker({ db: f.server.deps.db, sender: smtpSender({ url: smtp.url, from: 'Study <study@evaluator.example>' }), secret: f.server.deps.secret, publicUrl: f.server.url, clock: () => f.now.t, log: () => {}, ratePerSecond: 50, idlePollMs: 20, automaticEveryMs: 3_600_000 });
  f.server.deps.outbox = { wake: worker.wake, sender: 'smtp' };
}, 60_000);
afterAll(async () => { await worker.stop(); await smtp.close(); await f.close(); });

describe('session-form links by email', () => {
  it('are not sent while the trial\'s fieldwork does not send itself', async () => {
    expect((await log(['dsl-aaaa'], '2026-02-20')).status).toBe(303);
    await worker.drained();
    expect(smtp.messages).toHaveLength(0);
    expect(f.server.deps.db.prepare("SELECT count(*) AS n FROM outbox_messages WHERE kind = 'session_forms'").get()).toEqual({ n: 0 });
  });

  it('go to each DSL who attended, once, with links that open their own forms for that session', async () => {
    saveFieldworkSettings(f.server.deps.db, { trialId: 't1', autoSend: true, reminderIntervalDays: 7, reminderMax: 2, thankYou: false, contact: '' }, { actor: 'test', at: f.now.t.toISOString() });
    expect((await log(['dsl-aaaa', 'dsl-bbbb'], '2026-03-01')).status).toBe(303);
    await smtp.waitFor(2);
    await worker.drained();
    expect(smtp.messages.map((m) => m.to[0]).sort()).toEqual(['ann@example.org', 'bob@example.org']);
    const ann = smtp.messages.find((m) => m.to[0] === 'ann@example.org')!;
    expect(ann.subject).toBe('Trial one: your forms for the supervision session on 1 March 2026');
    const links = [...ann.text.matchAll(/^(DSL [a-z ]+): \S+\/s\/([A-Za-z0-9_-]{43})$/gm)].map((m) => ({ form: m[1], token: m[2] }));
    expect(links.map((l) => l.form)).toEqual(['DSL time log', 'DSL preparation sheet']);
    const session = f.server.deps.db.prepare("SELECT id FROM supervision_sessions WHERE held_on = '2026-03-01'").get() as { id: number };
    for (const l of links) {
      const form = findSessionFormByToken(f.server.deps.db, l.token)!;
      expect(form).toMatchObject({ dslId: 'dsl-aaaa', sessionId: session.id });
      expect((await fetch(`${f.server.url}/api/s/${l.token}`)).status).toBe(200);
    }
    expect(ann.html).toContain(`href="${f.server.url}/s/${links[0].token}"`);
    expect(ann.text).not.toMatch(/\/o\//); // no opt-out link: these are not reminders
    expect(f.server.deps.db.prepare("SELECT count(*) AS n FROM outbox_messages WHERE kind = 'session_forms' AND status = 'sent'").get()).toEqual({ n: 2 });
  });
});
