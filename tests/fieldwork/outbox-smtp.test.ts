// The outbox end to end with a real SMTP server on loopback: invitations and reminders queued, sent by the worker at its rate, each link opening the DSL's own survey, never twice, stopping after completion and opt-out.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedSurveyFixture, type SurveyFixture } from '../helpers/survey-fixture';
import { completeAnswers, seededRandom } from '../../bench/helpers/fixture';
import { startSmtpCatcher, type SmtpCatcher } from './smtp-catcher';
import { smtpSender } from '../../server/mail/smtp-sender';
import { startOutboxWorker, type OutboxWorker } from '../../server/mail/outbox-worker';
import { queueInvitations, queueReminders, runAutomaticFieldwork, sendableWave } from '../../server/storage/outbox-decisions';
import { saveFieldworkSettings } from '../../server/storage/outbox-repo';
import { getWaveById } from '../../server/storage/wave-repo';
import { findInvitationByToken } from '../../server/storage/invitation-repo';

interface Setup { server: TestServer; smtp: SmtpCatcher; fixture: SurveyFixture; now: { t: Date }; worker?: OutboxWorker }
let s: Setup;

const by = (now: { t: Date }) => ({ actor: 'user:test', at: now.t.toISOString() });
const linkIn = (text: string) => /\/s\/([A-Za-z0-9_-]{43})/.exec(text)?.[1];
const optOutIn = (text: string) => /\/o\/([A-Za-z0-9_-]{43})/.exec(text)?.[1];

async function setup(dsls: number, rate = 50): Promise<Setup> {
  const now = { t: new Date('2026-03-02T09:00:00Z') };
  const server = await startTestServer({ clock: () => now.t });
  const fixture = seedSurveyFixture(server.deps.db, server.deps.secret, { dsls, invite: 0, opensAt: '2026-03-01T00:00:00.000Z', closesAt: '2026-04-01T00:00:00.000Z' });
  server.deps.db.prepare("UPDATE trials SET title = 'Bolton DSL supervision trial' WHERE id = ?").run(fixture.trialId);
  const smtp = await startSmtpCatcher();
  const setup: Setup = { server, smtp, fixture, now };
  setup.worker = startOutboxWorker({
    db: server.deps.db, sender: smtpSender({ url: smtp.url, from: 'DSL study <dsl-study@evaluator.example>' }), secret: server.deps.secret,
    publicUrl: server.url, clock: () => now.t, log: () => {}, ratePerSecond: rate, idlePollMs: 20, automaticEveryMs: 3_600_000,
  });
  return setup;
}

afterEach(async () => {
  await s.worker?.stop();
  await s.smtp.close();
  await s.server.close();
});

const wave = () => getWaveById(s.server.deps.db, s.fixture.waveId)!;
const statuses = () => s.server.deps.db.prepare('SELECT kind, status, count(*) AS n FROM outbox_messages GROUP BY kind, status ORDER BY kind, status').all();

describe('invitations by SMTP', () => {
  beforeEach(async () => { s = await setup(5); });

  it('sends each DSL one invitation whose link opens their own survey, and a second decision sends nothing more', async () => {
    const queued = queueInvitations(s.server.deps.db, s.fixture.trialId, wave(), s.server.deps.secret, by(s.now));
    expect(queued.queued).toBe(5);
    s.worker!.wake();
    await s.smtp.waitFor(5);
    await s.worker!.drained();

    const emails = s.server.deps.db.prepare('SELECT d.id AS dslId, c.email FROM dsls d JOIN dsl_contacts c ON c.dsl_id = d.id ORDER BY d.id').all() as Array<{ dslId: string; email: string }>;
    expect(s.smtp.messages.map((m) => m.to).flat().sort()).toEqual(emails.map((e) => e.email).sort());
    for (const m of s.smtp.messages) {
      expect(m.subject).toBe('Bolton DSL supervision trial: your baseline survey');
      expect(m.text).toContain('The survey closes at the end of 31 March 2026.');
      const token = linkIn(m.text)!;
      const invitation = findInvitationByToken(s.server.deps.db, token)!;
      // The link is this recipient's own: it opens the survey of the DSL the message was addressed to.
      expect(emails.find((e) => e.dslId === invitation.dsl_id)?.email).toBe(m.to[0]);
      const survey = await fetch(`${s.server.url}/api/s/${token}`);
      expect(survey.status).toBe(200);
      // One-click unsubscribe (RFC 8058) points at the DSL's opt-out link (mailparser files List-* headers under 'list').
      const list = m.headers.get('list') as { unsubscribe: { url: string }; 'unsubscribe-post': { name: string } };
      expect(list.unsubscribe.url).toMatch(new RegExp(`^${s.server.url}/o/[A-Za-z0-9_-]{43}$`));
      expect(list['unsubscribe-post'].name).toBe('List-Unsubscribe=One-Click');
      expect(m.html).toContain(`href="${s.server.url}/s/${token}"`);
    }
    expect(statuses()).toEqual([{ kind: 'invitation', status: 'sent', n: 5 }]);

    // Deciding again (a second click, a re-run of the command) queues nothing and sends nothing.
    expect(queueInvitations(s.server.deps.db, s.fixture.trialId, wave(), s.server.deps.secret, by(s.now)).queued).toBe(0);
    s.worker!.wake();
    await s.worker!.drained();
    expect(s.smtp.messages).toHaveLength(5);
  });

  it('refuses to queue for a closed wave, and cancels what was queued when the wave closes before it goes', async () => {
    await s.worker!.stop();
    s.worker = undefined;
    queueInvitations(s.server.deps.db, s.fixture.trialId, wave(), s.server.deps.secret, by(s.now));
    s.now.t = new Date('2026-04-01T00:00:01Z');
    expect(() => sendableWave(s.server.deps.db, s.fixture.trialId, s.fixture.waveId, s.now.t)).toThrow(/closed on 2026-04-01: no messages are sent for a closed wave/);
    s.worker = startOutboxWorker({ db: s.server.deps.db, sender: smtpSender({ url: s.smtp.url, from: 'x@evaluator.example' }), secret: s.server.deps.secret, publicUrl: s.server.url, clock: () => s.now.t, log: () => {}, ratePerSecond: 50, idlePollMs: 20, automaticEveryMs: 3_600_000 });
    await s.worker.drained();
    expect(s.smtp.messages).toHaveLength(0);
    expect(s.server.deps.db.prepare("SELECT DISTINCT status, last_error AS why FROM outbox_messages").all()).toEqual([{ status: 'cancelled', why: 'the wave had closed' }]);
  });

  it('marks a refused address failed with the reason, and retries a passing refusal with back-off until it goes', async () => {
    const [first, second] = (s.server.deps.db.prepare('SELECT email FROM dsl_contacts ORDER BY dsl_id').all() as Array<{ email: string }>).map((r) => r.email);
    s.smtp.refuse.set(first, 550);
    s.smtp.refuse.set(second, 451);
    queueInvitations(s.server.deps.db, s.fixture.trialId, wave(), s.server.deps.secret, by(s.now));
    s.worker!.wake();
    await s.smtp.waitFor(3);
    await s.worker!.drained();
    const row = (email: string) => s.server.deps.db.prepare('SELECT m.status, m.attempts, m.last_error AS why, m.next_attempt_at AS next FROM outbox_messages m JOIN dsl_contacts c ON c.dsl_id = m.dsl_id WHERE c.email = ?').get(email) as { status: string; attempts: number; why: string; next: string };
    expect(row(first)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row(first).why).toMatch(/550/);
    expect(row(second)).toMatchObject({ status: 'queued', attempts: 1, next: '2026-03-02T09:00:30.000Z' });
    expect(row(second).why).toMatch(/451/);

    // Half a minute later the server takes it.
    s.smtp.refuse.delete(second);
    s.now.t = new Date('2026-03-02T09:00:31Z');
    s.worker!.wake();
    await s.smtp.waitFor(4);
    await s.worker!.drained();
    expect(row(second)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(s.smtp.messages.filter((m) => m.to.includes(second))).toHaveLength(1);
  });
});

describe('pace', () => {
  beforeEach(async () => { s = await setup(8, 5); });

  it('holds the configured rate: 5 a second means each send starts at least 200 ms after the last', async () => {
    // The real SMTP sender, with the moment each send starts written down (arrival times carry the SMTP exchange's jitter).
    await s.worker!.stop();
    const real = smtpSender({ url: s.smtp.url, from: 'x@evaluator.example' });
    const starts: number[] = [];
    s.worker = startOutboxWorker({
      db: s.server.deps.db, sender: { ...real, name: 'smtp', send: (m) => { starts.push(performance.now()); return real.send(m); } },
      secret: s.server.deps.secret, publicUrl: s.server.url, clock: () => s.now.t, log: () => {}, ratePerSecond: 5, idlePollMs: 20, automaticEveryMs: 3_600_000,
    });
    queueInvitations(s.server.deps.db, s.fixture.trialId, wave(), s.server.deps.secret, by(s.now));
    s.worker.wake();
    await s.smtp.waitFor(8);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]);
    expect(starts).toHaveLength(8);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(199); // setTimeout never fires early by more than its 1 ms resolution
    const at = s.smtp.messages.map((m) => m.at);
    expect(at[at.length - 1] - at[0]).toBeGreaterThanOrEqual(7 * 200 - 100);
  });
});

describe('reminders', () => {
  beforeEach(async () => { s = await setup(4); });

  async function sendInvitations(): Promise<void> {
    queueInvitations(s.server.deps.db, s.fixture.trialId, wave(), s.server.deps.secret, by(s.now));
    s.worker!.wake();
    await s.smtp.waitFor(4);
    await s.worker!.drained();
  }

  it('go every N days up to M to those who have not completed, and stop after completion and after opting out', async () => {
    const db = s.server.deps.db;
    saveFieldworkSettings(db, { trialId: s.fixture.trialId, autoSend: true, reminderIntervalDays: 7, reminderMax: 2, thankYou: false, contact: 'dsl-study@evaluator.example' }, by(s.now));
    await sendInvitations();
    const invitations = [...s.smtp.messages];
    const [completer, optOuter] = invitations;

    // One DSL completes the survey from their link; another follows the opt-out link and confirms.
    const token = linkIn(completer.text)!;
    const submitted = await fetch(`${s.server.url}/api/s/${token}/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: completeAnswers(['pss10@1'], seededRandom(7)) }) });
    expect(submitted.status).toBe(200);
    const optOutToken = optOutIn(optOuter.text)!;
    const page = await fetch(`${s.server.url}/o/${optOutToken}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Stop reminders');
    expect(db.prepare('SELECT count(*) AS n FROM dsl_opt_outs').get()).toEqual({ n: 0 }); // a GET changes nothing
    const confirmed = await fetch(`${s.server.url}/o/${optOutToken}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'confirm=yes' });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('You will get no more reminders');

    const reminded = () => s.smtp.messages.filter((m) => m.subject.startsWith('Reminder:')).map((m) => m.to[0]).sort();
    const others = invitations.slice(2).map((m) => m.to[0]).sort();

    // Day 6: nothing due yet. Day 8: the first reminder, to the two who neither completed nor opted out.
    s.now.t = new Date('2026-03-08T09:00:00Z');
    expect(runAutomaticFieldwork(db, s.server.deps.secret, s.now.t)).toBe(0);
    s.now.t = new Date('2026-03-09T09:00:01Z');
    expect(runAutomaticFieldwork(db, s.server.deps.secret, s.now.t)).toBe(2);
    s.worker!.wake();
    await s.smtp.waitFor(6);
    await s.worker!.drained();
    expect(reminded()).toEqual(others);
    // The reminder's link still opens the DSL's own survey.
    const reminder = s.smtp.messages.find((m) => m.subject.startsWith('Reminder:'))!;
    expect(findInvitationByToken(db, linkIn(reminder.text)!)).toBeDefined();

    // Day 10: not due again. Day 16: the second. Day 24: none (at most 2).
    s.now.t = new Date('2026-03-10T09:00:00Z');
    expect(runAutomaticFieldwork(db, s.server.deps.secret, s.now.t)).toBe(0);
    s.now.t = new Date('2026-03-16T09:00:02Z');
    expect(runAutomaticFieldwork(db, s.server.deps.secret, s.now.t)).toBe(2);
    s.worker!.wake();
    await s.smtp.waitFor(8);
    await s.worker!.drained();
    s.now.t = new Date('2026-03-24T09:00:00Z');
    expect(runAutomaticFieldwork(db, s.server.deps.secret, s.now.t)).toBe(0);
    expect(queueReminders(db, s.fixture.trialId, wave(), s.now.t, by(s.now)).queued).toBe(0);
    expect(s.smtp.messages.filter((m) => m.to.includes(completer.to[0]) || m.to.includes(optOuter.to[0]))).toHaveLength(2); // their invitations only
    expect(db.prepare("SELECT action FROM audit_log WHERE action = 'dsl.opt_out'").all()).toHaveLength(1);
  });

  it('by hand go only to those last messaged a day or more ago, and a wave closing stops a queued reminder', async () => {
    const db = s.server.deps.db;
    await sendInvitations();
    expect(queueReminders(db, s.fixture.trialId, wave(), s.now.t, by(s.now))).toMatchObject({ queued: 0, notYetDue: 4 });
    s.now.t = new Date('2026-03-03T09:00:01Z');
    expect(queueReminders(db, s.fixture.trialId, wave(), s.now.t, by(s.now))).toMatchObject({ queued: 4 });
    await s.worker!.stop();
    s.now.t = new Date('2026-04-01T00:00:00Z');
    s.worker = startOutboxWorker({ db, sender: smtpSender({ url: s.smtp.url, from: 'x@evaluator.example' }), secret: s.server.deps.secret, publicUrl: s.server.url, clock: () => s.now.t, log: () => {}, ratePerSecond: 50, idlePollMs: 20, automaticEveryMs: 3_600_000 });
    await s.worker.drained();
    expect(s.smtp.messages).toHaveLength(4);
    expect(db.prepare("SELECT status, count(*) AS n FROM outbox_messages WHERE kind = 'reminder' GROUP BY status").all()).toEqual([{ status: 'cancelled', n: 4 }]);
  });
});

describe('what goes into a message', () => {
  beforeEach(async () => { s = await setup(1); });

  it('escapes every field in the HTML part and keeps line breaks out of the subject', async () => {
    const db = s.server.deps.db;
    db.prepare("UPDATE dsl_contacts SET name = ?").run('<script>alert(1)</script>\r\nBcc: victim@example.org');
    db.prepare("UPDATE trials SET title = ?").run('Study <b>bold</b>\nX-Injected: 1');
    queueInvitations(db, s.fixture.trialId, wave(), s.server.deps.secret, by(s.now));
    s.worker!.wake();
    await s.smtp.waitFor(1);
    const m = s.smtp.messages[0];
    expect(m.to).toEqual(['dsl1@school.example']);
    expect(m.subject).toBe('Study <b>bold</b> X-Injected: 1: your baseline survey');
    expect(m.headers.has('x-injected')).toBe(false);
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Bcc: victim@example.org');
    expect(m.html).not.toContain('<b>bold</b>');
  });
});

describe('automatic fieldwork', () => {
  beforeEach(async () => { s = await setup(2); });

  it('sends invitations when a wave opens (not before), and thanks those who complete once switched on', async () => {
    const db = s.server.deps.db;
    db.prepare("UPDATE waves SET opens_at = '2026-03-05T08:00:00.000Z'").run();
    saveFieldworkSettings(db, { trialId: s.fixture.trialId, autoSend: true, reminderIntervalDays: 7, reminderMax: 2, thankYou: true, contact: '' }, by(s.now));
    expect(runAutomaticFieldwork(db, s.server.deps.secret, s.now.t)).toBe(0); // 2 March: not open yet
    s.now.t = new Date('2026-03-05T08:00:00Z');
    expect(runAutomaticFieldwork(db, s.server.deps.secret, s.now.t)).toBe(2);
    s.worker!.wake();
    await s.smtp.waitFor(2);
    await s.worker!.drained();
    const token = linkIn(s.smtp.messages[0].text)!;
    const res = await fetch(`${s.server.url}/api/s/${token}/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: completeAnswers(['pss10@1'], seededRandom(3)) }) });
    expect(res.status).toBe(200);
    expect(runAutomaticFieldwork(db, s.server.deps.secret, s.now.t)).toBe(1);
    expect(runAutomaticFieldwork(db, s.server.deps.secret, s.now.t)).toBe(0); // never twice
    s.worker!.wake();
    await s.smtp.waitFor(3);
    const thanks = s.smtp.messages[2];
    expect(thanks.subject).toBe('Thank you: Bolton DSL supervision trial baseline survey');
    expect(thanks.to).toEqual(s.smtp.messages[0].to);
    expect(thanks.text).not.toMatch(/\/s\/|\/o\//); // no survey or opt-out link in a thank-you
  });
});
