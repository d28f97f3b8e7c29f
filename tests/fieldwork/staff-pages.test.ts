// The evaluator's fieldwork pages over HTTP with the sender worker and a real SMTP server: count first, then queue; messages shown per DSL and in totals; response by school sorted and downloaded; settings and wording checked; nothing offered for a closed wave.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffFixture, signIn, request, type StaffFixture, type Signed } from '../staff/fixture';
import { startSmtpCatcher, type SmtpCatcher } from './smtp-catcher';
import { smtpSender } from '../../server/mail/smtp-sender';
import { startOutboxWorker, type OutboxWorker } from '../../server/mail/outbox-worker';
import { parseCsv } from '../../server/domain/csv';

let f: StaffFixture;
let ev: Signed;
let smtp: SmtpCatcher;
let worker: OutboxWorker;
const base = () => `/staff/trials/t1/fieldwork`;
const text = async (r: Response) => (await r.text()).replace(/\s+/g, ' ');

beforeAll(async () => {
  f = await staffFixture();
  ev = await signIn(f, 'evaluator');
  smtp = await startSmtpCatcher();
}, 60_000);
afterAll(async () => { await worker?.stop(); await smtp.close(); await f.close(); });

describe('fieldwork pages', () => {
  it('without a configured sender say so and offer no send step', async () => {
    const html = await text(await request(f, ev, 'get', base()));
    expect(html).toContain('Email is not set up on this server');
    expect(html).not.toContain('Send invitations');
    expect((await request(f, ev, 'post', `${base()}/${f.ids.wave}/send/invitation`)).status).toBe(400);
    expect(f.server.deps.db.prepare('SELECT count(*) AS n FROM outbox_messages').get()).toEqual({ n: 0 });
  });

  it('count the invitations before anything is sent, then queue and send them, shown as sent', async () => {
    worker = startOutboxWorker({ db: f.server.deps.db, sender: smtpSender({ url: smtp.url, from: 'Study <study@evaluator.example>' }), secret: f.server.deps.secret, publicUrl: f.server.url, clock: () => f.now.t, log: () => {}, ratePerSecond: 50, idlePollMs: 20, automaticEveryMs: 3_600_000 });
    f.server.deps.outbox = { wake: worker.wake, sender: 'smtp' };
    const monitor = await text(await request(f, ev, 'get', base()));
    expect(monitor).toContain('Messages are sent by email (SMTP).');
    expect(monitor).toContain(`href="${base()}/${f.ids.wave}/send/invitation"`);

    const step = await text(await request(f, ev, 'get', `${base()}/${f.ids.wave}/send/invitation`));
    expect(step).toContain('<p class="govuk-heading-xl" id="send-count">3 invitations</p>');
    expect(smtp.messages).toHaveLength(0); // looking at the step sends nothing

    expect((await request(f, ev, 'post', `${base()}/${f.ids.wave}/send/invitation`, {}, { csrf: 'wrong' })).status).toBe(403);
    const done = await request(f, ev, 'post', `${base()}/${f.ids.wave}/send/invitation`);
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${base()}?done=invitations&n=3`);
    await smtp.waitFor(3);
    await worker.drained();
    expect(smtp.messages.map((m) => m.to[0]).sort()).toEqual(['ann@example.org', 'bob@example.org', 'cat@example.org']);

    const after = await text(await request(f, ev, 'get', `${base()}?done=invitations&n=3`));
    expect(after).toContain('3 invitations queued.');
    expect(after).toMatch(/<td class="govuk-table__cell">baseline<\/td> <td class="govuk-table__cell">Invitation<\/td> <td class="govuk-table__cell">Sent<\/td> <td class="govuk-table__cell govuk-table__cell--numeric">3<\/td>/);
    const step2 = await text(await request(f, ev, 'get', `${base()}/${f.ids.wave}/send/invitation`));
    expect(step2).toContain('Nobody is due an invitation now.');
    expect(step2).toContain('3 DSLs have already been sent an invitation');
    const audit = f.server.deps.db.prepare("SELECT actor, detail FROM audit_log WHERE action = 'messages.queue'").all() as Array<{ actor: string; detail: string }>;
    expect(audit).toHaveLength(1);
    expect(audit[0].actor).toMatch(/^user:\d+$/);
  });

  it('list non-responders with their latest message, and the way to send reminders', async () => {
    const html = await text(await request(f, ev, 'get', `${base()}/${f.ids.wave}/reminders`));
    expect(html).toContain('3 DSLs have not completed the baseline survey');
    expect(html).toContain('Invitation: Sent');
    expect(html).toContain(`href="${base()}/${f.ids.wave}/send/reminder"`);
    const step = await text(await request(f, ev, 'get', `${base()}/${f.ids.wave}/send/reminder`));
    expect(step).toContain('Nobody is due a reminder now.');
    expect(step).toContain('3 DSLs were sent a message less than a day ago.');
    expect(step).toContain('0 DSLs have completed the survey: they get no more reminders.');
  });

  it('show response by school sorted by any column, and download it as CSV', async () => {
    f.server.deps.db.prepare(`INSERT INTO responses (invitation_id, dsl_id, wave_id, instruments, status, started_at, updated_at, submitted_at)
      SELECT id, dsl_id, wave_id, '["pss10@1"]', 'complete', '2026-03-02T10:00:00Z', '2026-03-02T10:00:00Z', '2026-03-02T10:00:00Z' FROM invitations WHERE dsl_id = 'dsl-bbbb'`).run();
    const desc = await text(await request(f, ev, 'get', `${base()}/schools?wave=${f.ids.wave}&sort=rate&dir=desc`));
    expect(desc).toContain('aria-sort="descending"');
    const order = [...desc.matchAll(/<td class="govuk-table__cell">(School \d+) \(\d+\)<\/td>/g)].map((m) => m[1]);
    expect(order).toEqual(['School 100002', 'School 100001', 'School 100003']);
    const csv = await request(f, ev, 'get', `${base()}/schools.csv?wave=${f.ids.wave}`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const table = parseCsv(await csv.text(), 'download');
    expect(table.header).toEqual(['wave', 'urn', 'school', 'arm', 'local_authority', 'invited', 'not_started', 'partial', 'complete', 'paper', 'response_rate', 'opted_out']);
    expect(table.rows.find((r) => r.values.urn === '100002')!.values).toMatchObject({ complete: '1', invited: '1', response_rate: '1.0000' });
  });

  it('check fieldwork settings and message wording before saving them, and send a test to the evaluator', async () => {
    const bad = await request(f, ev, 'post', `${base()}/settings`, { 'auto-send': 'yes', 'reminder-interval': 'weekly', 'reminder-max': '2', 'thank-you': 'no', contact: '' });
    expect(bad.status).toBe(400);
    expect(await text(bad)).toContain('Enter the days between reminders as a whole number, like 7');
    const ok = await request(f, ev, 'post', `${base()}/settings`, { 'auto-send': 'no', 'reminder-interval': '5', 'reminder-max': '3', 'thank-you': 'yes', contact: 'the team at study@evaluator.example' });
    expect(ok.status).toBe(303);
    expect(f.server.deps.db.prepare('SELECT reminder_interval_days AS i, reminder_max AS m, thank_you AS t FROM fieldwork_settings').get()).toEqual({ i: 5, m: 3, t: 1 });

    const unknown = await request(f, ev, 'post', `${base()}/messages/invitation`, { subject: 'Hello {{password}}', body: 'Open {{link}}' });
    expect(unknown.status).toBe(400);
    expect(await text(unknown)).toContain('{{password}} is not a field messages can use');
    const noLink = await request(f, ev, 'post', `${base()}/messages/invitation`, { subject: 'Hello', body: 'No link here' });
    expect(await text(noLink)).toContain('The message text must include {{link}}');
    const saved = await request(f, ev, 'post', `${base()}/messages/invitation`, { subject: 'Our survey, {{name}}', body: 'Dear {{name}},\n\n<script>alert(1)</script> Open {{link}} before {{closes}}.' });
    expect(saved.status).toBe(303);
    const page = await text(await request(f, ev, 'get', `${base()}/messages/invitation`));
    expect(page).toContain('This trial has its own wording.');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Open http://localhost:3000/s/sample-link-for-a-test-message before the end of 31 March 2026.');
    expect(page).not.toContain('<script>alert(1)</script>');

    const test = await request(f, ev, 'post', `${base()}/messages/invitation/test`);
    expect(test.status).toBe(303);
    await smtp.waitFor(4);
    const sent = smtp.messages[3];
    expect(sent.to).toEqual([f.emails.evaluator]);
    expect(sent.subject).toBe('[Test] Our survey, Alex Example');
    expect((await request(f, ev, 'post', `${base()}/messages/invitation/reset`)).status).toBe(303);
    expect(await text(await request(f, ev, 'get', `${base()}/messages/invitation`))).toContain('This is the default wording.');
  });

  it('offer nothing to send or remind for a closed wave', async () => {
    f.now.t = new Date('2026-04-02T10:00:00Z');
    ev = await signIn(f, 'evaluator'); // a month on, the earlier session has timed out
    const html = await text(await request(f, ev, 'get', base()));
    expect(html).toContain('Closed. No messages are sent for a closed wave.');
    expect(html).not.toContain(`${base()}/${f.ids.wave}/reminders`);
    expect(html).not.toContain(`${base()}/${f.ids.wave}/send/`);
    expect((await request(f, ev, 'get', `${base()}/${f.ids.wave}/reminders`)).status).toBe(404);
    expect((await request(f, ev, 'post', `${base()}/${f.ids.wave}/send/reminder`)).status).toBe(400);
  });
});
