// GOV.UK Notify's client exercised against a local STAND-IN that speaks Notify's documented v2 API (Notify has no local server): templates and personalisation, references, failures, delivery states polled, and an interrupted send settled by reference instead of resent.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedSurveyFixture, type SurveyFixture } from '../helpers/survey-fixture';
import { startNotifyStandIn, type NotifyStandIn } from './notify-stand-in';
import { notifySender } from '../../server/mail/notify-sender';
import { startOutboxWorker, type OutboxWorker } from '../../server/mail/outbox-worker';
import { queueInvitations } from '../../server/storage/outbox-decisions';
import { getWaveById } from '../../server/storage/wave-repo';
import { findInvitationByToken } from '../../server/storage/invitation-repo';
import { loadConfig } from '../../server/config';

const invitationTemplate = '5d9f0c1e-1111-4a4a-9b9b-000000000001';
const reminderTemplate = '5d9f0c1e-1111-4a4a-9b9b-000000000002';
const fields = ['name', 'school', 'study', 'wave', 'closes', 'link', 'opt_out_link'];

let server: TestServer;
let notify: NotifyStandIn;
let fixture: SurveyFixture;
let worker: OutboxWorker | undefined;
const now = { t: new Date('2026-03-02T09:00:00Z') };

const start = (apiKey = notify.apiKey) => startOutboxWorker({
  db: server.deps.db, sender: notifySender({ apiKey, templates: { invitation: invitationTemplate, reminder: reminderTemplate }, baseUrl: notify.url }),
  secret: server.deps.secret, publicUrl: server.url, clock: () => now.t, log: () => {}, ratePerSecond: 50, idlePollMs: 20, automaticEveryMs: 3_600_000, deliveryPollMs: 50,
});
const queue = () => queueInvitations(server.deps.db, fixture.trialId, getWaveById(server.deps.db, fixture.waveId)!, server.deps.secret, { actor: 'user:test', at: now.t.toISOString() });
const rows = () => server.deps.db.prepare('SELECT dedupe_key AS key, status, provider, provider_id AS providerId, last_error AS why FROM outbox_messages ORDER BY id').all() as Array<{ key: string; status: string; provider: string; providerId: string; why: string | null }>;

beforeEach(async () => {
  now.t = new Date('2026-03-02T09:00:00Z');
  server = await startTestServer({ clock: () => now.t });
  fixture = seedSurveyFixture(server.deps.db, server.deps.secret, { dsls: 3, invite: 0, opensAt: '2026-03-01T00:00:00.000Z', closesAt: '2026-04-01T00:00:00.000Z' });
  notify = await startNotifyStandIn();
  notify.templates.set(invitationTemplate, fields);
  notify.templates.set(reminderTemplate, fields);
});
afterEach(async () => { await worker?.stop(); worker = undefined; await notify.close(); await server.close(); });

describe('GOV.UK Notify sender (against the stand-in)', () => {
  it('sends with the invitation template, our fields as personalisation and the outbox key as reference; the link opens the DSL\'s survey', async () => {
    queue();
    worker = start();
    await worker.drained();
    expect(notify.notifications).toHaveLength(3);
    for (const n of notify.notifications) {
      expect(n.template_id).toBe(invitationTemplate);
      expect(n.reference).toMatch(/^invitation:\d+:dsl-fixture-\d$/);
      const token = /\/s\/([A-Za-z0-9_-]{43})$/.exec(n.personalisation.link)![1];
      expect(findInvitationByToken(server.deps.db, token)!.dsl_id).toBe(n.reference!.split(':')[2]);
      expect((await fetch(`${server.url}/api/s/${token}`)).status).toBe(200);
      expect(n.one_click_unsubscribe_url).toBe(n.personalisation.opt_out_link);
      expect(n.personalisation.closes).toBe('the end of 31 March 2026');
    }
    expect(rows().map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    expect(rows().map((r) => r.providerId).sort()).toEqual(notify.notifications.map((n) => n.id).sort());
  });

  it('polls delivery states: delivered, and a permanent failure shown as bounced', async () => {
    queue();
    worker = start();
    await worker.drained();
    notify.notifications[0].status = 'delivered';
    notify.notifications[1].status = 'permanent-failure';
    notify.notifications[2].status = 'sending';
    await new Promise((r) => setTimeout(r, 300));
    const byId = new Map(rows().map((r) => [r.providerId, r]));
    expect(byId.get(notify.notifications[0].id)!.status).toBe('delivered');
    expect(byId.get(notify.notifications[1].id)).toMatchObject({ status: 'bounced', why: 'GOV.UK Notify: the address does not exist or the message was refused' });
    expect(byId.get(notify.notifications[2].id)!.status).toBe('sent');
  });

  it('a wrong key is refused by Notify (403) and the messages fail with its reason; a Notify outage (500) is retried', async () => {
    queue();
    const wrongKey = notify.apiKey.replace(/.{36}$/, '00000000-0000-4000-8000-000000000000');
    worker = start(wrongKey);
    await worker.drained();
    expect(rows().map((r) => r.status)).toEqual(['failed', 'failed', 'failed']);
    expect(rows()[0].why).toMatch(/^GOV.UK Notify 403: AuthError: Invalid token: signature/);
    await worker.stop();

    server.deps.db.prepare('DELETE FROM outbox_messages').run();
    queue();
    notify.failSendsWith = 500;
    worker = start();
    await worker.drained();
    expect(rows().map((r) => r.status)).toEqual(['queued', 'queued', 'queued']);
    notify.failSendsWith = null;
    now.t = new Date('2026-03-02T09:01:00Z');
    worker.wake();
    await worker.drained();
    expect(rows().map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    expect(notify.notifications).toHaveLength(3);
  });

  it('after a crash mid-send, asks Notify by reference: one that arrived is marked sent, not sent again; one that did not goes once', async () => {
    queue();
    const [first, second] = rows();
    // As a killed server leaves them: both claimed ('sending'); Notify had accepted the first before the kill.
    server.deps.db.prepare("UPDATE outbox_messages SET status = 'sending', attempts = 1 WHERE dedupe_key IN (?, ?)").run(first.key, second.key);
    notify.notifications.push({ id: '11111111-2222-4333-8444-555555555555', reference: first.key, email_address: 'dsl1@school.example', template_id: invitationTemplate, personalisation: {}, one_click_unsubscribe_url: null, status: 'created', created_at: now.t.toISOString() });
    worker = start();
    await worker.drained();
    expect(notify.notifications.filter((n) => n.reference === first.key)).toHaveLength(1);
    expect(notify.notifications.filter((n) => n.reference === second.key)).toHaveLength(1);
    expect(notify.notifications).toHaveLength(3);
    expect(rows().map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    expect(rows()[0].providerId).toBe('11111111-2222-4333-8444-555555555555');
  });
});

describe('mail configuration', () => {
  it('reads SMTP or Notify settings and refuses bad or conflicting ones in one sentence', () => {
    expect(loadConfig({ DSLKIT_SMTP_URL: 'smtp://u:p@mail.example.org:587', DSLKIT_MAIL_FROM: 'Study <study@example.org>' }).mail).toEqual({ kind: 'smtp', url: 'smtp://u:p@mail.example.org:587', from: 'Study <study@example.org>', ratePerSecond: 5 });
    expect(loadConfig({}).mail).toEqual({ kind: 'none', ratePerSecond: 5 });
    expect(() => loadConfig({ DSLKIT_SMTP_URL: 'http://mail.example.org' })).toThrow(/DSLKIT_SMTP_URL must look like smtp:/);
    expect(() => loadConfig({ DSLKIT_SMTP_URL: 'smtp://mail.example.org' })).toThrow(/DSLKIT_MAIL_FROM must be the From address/);
    expect(() => loadConfig({ DSLKIT_SMTP_URL: 'smtp://m.example.org', DSLKIT_MAIL_FROM: 'a@b.org', DSLKIT_NOTIFY_KEY: notify.apiKey })).toThrow(/both set/);
    expect(() => loadConfig({ DSLKIT_NOTIFY_KEY: notify.apiKey, DSLKIT_NOTIFY_TEMPLATES: '{"invitation":"x"}' })).toThrow(/DSLKIT_NOTIFY_TEMPLATES must be JSON/);
    expect(loadConfig({ DSLKIT_NOTIFY_KEY: notify.apiKey, DSLKIT_NOTIFY_TEMPLATES: JSON.stringify({ invitation: invitationTemplate, reminder: reminderTemplate }), DSLKIT_MAIL_RATE: '20' }).mail)
      .toEqual({ kind: 'notify', apiKey: notify.apiKey, templates: { invitation: invitationTemplate, reminder: reminderTemplate }, ratePerSecond: 20 });
    expect(() => loadConfig({ DSLKIT_MAIL_RATE: '0' })).toThrow(/DSLKIT_MAIL_RATE/);
  });
});
