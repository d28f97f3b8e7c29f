// The demo as the README walks a newcomer through sending: preview the endline invitation, send it to a local SMTP server, see the messages counted as sent, answer one, and see reminders stop for those who answered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { signIn, request, type StaffFixture, type Signed } from '../staff/fixture';
import { seedDemoIfEmpty } from '../../server/domain/demo/seed-demo';
import { completeAnswers, seededRandom } from '../../bench/helpers/fixture';
import { startSmtpCatcher, type SmtpCatcher } from './smtp-catcher';
import { smtpSender } from '../../server/mail/smtp-sender';
import { startOutboxWorker, type OutboxWorker } from '../../server/mail/outbox-worker';

const now = { t: new Date('2026-11-20T12:00:00Z') };
let server: TestServer;
let smtp: SmtpCatcher;
let worker: OutboxWorker;
let f: StaffFixture;
let evaluator: Signed;
let adminPassword: string;
const text = async (r: Response) => (await r.text()).replace(/\s+/g, ' ');

beforeAll(async () => {
  server = await startTestServer({ clock: () => now.t });
  const seeded = seedDemoIfEmpty(server.deps.db, { clock: () => now.t, secret: server.deps.secret })!;
  smtp = await startSmtpCatcher();
  worker = startOutboxWorker({ db: server.deps.db, sender: smtpSender({ url: smtp.url, from: 'DSL study <study@demo.invalid>' }), secret: server.deps.secret, publicUrl: server.url, clock: () => now.t, log: () => {}, ratePerSecond: 100, idlePollMs: 20, automaticEveryMs: 3_600_000 });
  server.deps.outbox = { wake: worker.wake, sender: 'smtp' };
  const admin = seeded.accounts.find((a) => a.role === 'admin')!;
  f = { server, emails: { admin: admin.email } } as unknown as StaffFixture;
  adminPassword = admin.password;
  evaluator = await signIn(f, 'admin', admin.password);
}, 120_000);
afterAll(async () => { await worker.stop(); await smtp.close(); await server.close(); });

describe('sending in the demo', () => {
  it('previews, sends the endline invitations, counts them as sent, and stops reminders for those who answered', async () => {
    const db = server.deps.db;
    const endline = db.prepare("SELECT id FROM waves WHERE trial_id = 'demo' AND name = 'endline'").get() as { id: number };
    const active = (db.prepare("SELECT count(*) AS n FROM dsls d JOIN dsl_contacts c ON c.dsl_id = d.id WHERE d.trial_id = 'demo' AND d.status = 'active'").get() as { n: number }).n;
    expect(active).toBeGreaterThan(50);

    const preview = await text(await request(f, evaluator, 'get', '/staff/trials/demo/fieldwork/messages/invitation'));
    expect(preview).toContain('Subject:</strong> DEMO — synthetic data: your endline survey');
    const step = await text(await request(f, evaluator, 'get', `/staff/trials/demo/fieldwork/${endline.id}/send/invitation`));
    expect(step).toContain(`id="send-count">${active} invitations</p>`);
    expect((await request(f, evaluator, 'post', `/staff/trials/demo/fieldwork/${endline.id}/send/invitation`)).status).toBe(303);
    await smtp.waitFor(active, 60_000);
    await worker.drained();
    const monitor = await text(await request(f, evaluator, 'get', '/staff/trials/demo/fieldwork'));
    expect(monitor).toContain(`<td class="govuk-table__cell">endline</td> <td class="govuk-table__cell">Invitation</td> <td class="govuk-table__cell">Sent</td> <td class="govuk-table__cell govuk-table__cell--numeric">${active}</td>`);

    // One DSL answers from the link in their email; the next day the reminder step leaves them out.
    const link = /\/s\/([A-Za-z0-9_-]{43})/.exec(smtp.messages[0].text)![1];
    const survey = await (await fetch(`${server.url}/api/s/${link}`)).json() as { instruments?: string[] };
    const instruments = (db.prepare('SELECT instruments FROM waves WHERE id = ?').get(endline.id) as { instruments: string }).instruments;
    const answered = await fetch(`${server.url}/api/s/${link}/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: completeAnswers(JSON.parse(instruments) as string[], seededRandom(11)) }) });
    expect(answered.status, JSON.stringify(survey).slice(0, 100)).toBe(200);
    now.t = new Date('2026-11-21T12:00:01Z');
    evaluator = await signIn(f, 'admin', adminPassword); // a day on, the morning's session has timed out
    const reminders = await text(await request(f, evaluator, 'get', `/staff/trials/demo/fieldwork/${endline.id}/send/reminder`));
    expect(reminders).toContain(`id="send-count">${active - 1} reminders</p>`);
    expect(reminders).toContain('1 DSL has completed the survey: they get no more reminders.');
  });
});
