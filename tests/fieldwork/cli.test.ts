// `dslkit send` and `dslkit fieldwork`: counts before anything happens, queueing once, refusing closed waves and a missing sender, response rates by school.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../server/cli';
import { captureIo, tempDb } from '../helpers/temp';
import { seedSurveyFixture } from '../helpers/survey-fixture';
import { loadOrCreateSecret, secretFileFor } from '../../server/storage/secret-file';

const clock = () => new Date('2025-03-01T09:00:00.000Z');
const cleanups: (() => void)[] = [];
afterEach(() => { cleanups.splice(0).forEach((c) => c()); vi.unstubAllEnvs(); });

function setup() {
  const t = tempDb();
  cleanups.push(t.cleanup);
  const secret = loadOrCreateSecret(secretFileFor(t.file));
  // 4 DSLs: one already invited by the links CSV route (an invitation row but no message), one withdrawn.
  const fx = seedSurveyFixture(t.db, secret, { dsls: 4, invite: 1, opensAt: '2025-02-01T00:00:00.000Z', closesAt: '2025-04-01T00:00:00.000Z' });
  t.db.prepare("UPDATE dsls SET status = 'withdrawn' WHERE id = ?").run(fx.allDsls[3].dslId);
  return { ...t, fx };
}
const run = async (file: string, ...args: string[]) => {
  const cap = captureIo();
  const code = await runCli([...args, '--db', file], cap.io, {}, clock);
  return { code, out: cap.out(), err: cap.err() };
};
const queuedCount = (db: ReturnType<typeof tempDb>['db']) => (db.prepare('SELECT count(*) AS n FROM outbox_messages').get() as { n: number }).n;

describe('dslkit send', () => {
  it('says how many it would queue, refuses to queue without a configured sender, then queues each DSL once', async () => {
    const { db, file } = setup();
    const dry = await run(file, 'send', 'invitations', '--trial', 'fixture', '--wave', 'baseline', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out).toBe('would queue 3 invitations to the baseline survey of fixture; 0 DSLs already invited, 0 DSLs without an email address\n');
    expect(queuedCount(db)).toBe(0);

    const refused = await run(file, 'send', 'invitations', '--trial', 'fixture', '--wave', 'baseline');
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/no mail sender is configured \(set DSLKIT_SMTP_URL or DSLKIT_NOTIFY_KEY/);
    expect(queuedCount(db)).toBe(0);

    vi.stubEnv('DSLKIT_SMTP_URL', 'smtp://127.0.0.1:2525');
    vi.stubEnv('DSLKIT_MAIL_FROM', 'Study <study@example.org>');
    const sent = await run(file, 'send', 'invitations', '--trial', 'fixture', '--wave', 'baseline');
    expect(sent.out).toBe('queued 3 invitations to the baseline survey of fixture; 0 DSLs already invited, 0 DSLs without an email address; the server sends them at most 5 a second\n');
    const again = await run(file, 'send', 'invitations', '--trial', 'fixture', '--wave', 'baseline');
    expect(again.out).toMatch(/^queued 0 invitations .*; 3 DSLs already invited/);
    expect(queuedCount(db)).toBe(3);
    // Every DSL queued has an invitation (a working link) made in the same transaction.
    expect(db.prepare('SELECT count(*) AS n FROM outbox_messages m JOIN invitations i ON i.wave_id = m.wave_id AND i.dsl_id = m.dsl_id').get()).toEqual({ n: 3 });
    const audit = db.prepare("SELECT actor, detail FROM audit_log WHERE action = 'messages.queue'").all() as Array<{ actor: string; detail: string }>;
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0].detail)).toMatchObject({ kind: 'invitation', wave: 'baseline', queued: 3, how: 'by hand' });
  });

  it('reminds only DSLs sent an invitation a day or more ago who have not completed', async () => {
    const { db, file, fx } = setup();
    vi.stubEnv('DSLKIT_SMTP_URL', 'smtp://127.0.0.1:2525');
    vi.stubEnv('DSLKIT_MAIL_FROM', 'study@example.org');
    await run(file, 'send', 'invitations', '--trial', 'fixture', '--wave', 'baseline');
    expect((await run(file, 'send', 'reminders', '--trial', 'fixture', '--wave', 'baseline', '--dry-run')).out).toMatch(/^would queue 0 reminders/);
    db.prepare("UPDATE outbox_messages SET status = 'sent', sent_at = '2025-02-27T09:00:00.000Z'").run();
    db.prepare("INSERT INTO responses (invitation_id, dsl_id, wave_id, instruments, status, started_at, updated_at, submitted_at) VALUES (?, ?, ?, '[\"pss10@1\"]', 'complete', ?, ?, ?)")
      .run(fx.dsls[0].invitationId, fx.dsls[0].dslId, fx.waveId, '2025-02-28T00:00:00.000Z', '2025-02-28T00:00:00.000Z', '2025-02-28T00:00:00.000Z');
    const dry = await run(file, 'send', 'reminders', '--trial', 'fixture', '--wave', 'baseline', '--dry-run');
    expect(dry.out).toMatch(/^would queue 2 reminders for the baseline survey of fixture; none for 1 DSL who completed, 0 DSLs who opted out, 0 DSLs messaged less than a day ago, 0 DSLs who had all 2,/);
    expect((await run(file, 'send', 'reminders', '--trial', 'fixture', '--wave', 'baseline')).out).toMatch(/^queued 2 reminders/);
    expect(db.prepare("SELECT dsl_id AS dsl, sequence FROM outbox_messages WHERE kind = 'reminder' ORDER BY dsl_id").all()).toEqual([{ dsl: 'dsl-fixture-2', sequence: 1 }, { dsl: 'dsl-fixture-3', sequence: 1 }]);
  });

  it('refuses a closed wave and an unknown kind, changing nothing', async () => {
    const { db, file } = setup();
    vi.stubEnv('DSLKIT_SMTP_URL', 'smtp://127.0.0.1:2525');
    vi.stubEnv('DSLKIT_MAIL_FROM', 'study@example.org');
    db.prepare("UPDATE waves SET closes_at = '2025-02-28T00:00:00.000Z'").run();
    const closed = await run(file, 'send', 'invitations', '--trial', 'fixture', '--wave', 'baseline');
    expect(closed.code).not.toBe(0);
    expect(closed.err).toMatch(/the baseline wave of "fixture" closed on 2025-02-28: no messages are sent for a closed wave/);
    const odd = await run(file, 'send', 'postcards', '--trial', 'fixture', '--wave', 'baseline');
    expect(odd.code).toBe(2);
    expect(odd.err).toMatch(/unknown message kind "postcards"/);
    expect(queuedCount(db)).toBe(0);
  });
});

describe('dslkit fieldwork', () => {
  it('gives response rates by school with partials, and by arm', async () => {
    const { db, file, fx } = setup();
    db.prepare("INSERT INTO responses (invitation_id, dsl_id, wave_id, instruments, status, started_at, updated_at) VALUES (?, ?, ?, '[\"pss10@1\"]', 'partial', ?, ?)")
      .run(fx.dsls[0].invitationId, fx.dsls[0].dslId, fx.waveId, '2025-02-28T00:00:00.000Z', '2025-02-28T00:00:00.000Z');
    const json = JSON.parse((await run(file, 'fieldwork', '--trial', 'fixture', '--wave', 'baseline', '--by', 'school', '--json')).out) as { rows: Array<Record<string, unknown>> };
    // Only the one DSL with an invitation counts as invited.
    expect(json.rows).toEqual([{ arm: 'intervention', laCode: '350', laName: 'Bolton', urn: fx.dsls[0].urn, school: 'Fixture Primary School 1', invited: 1, partial: 1, complete: 0, paper: 0, optedOut: 0, notStarted: 0, rate: 0 }]);
    const text = (await run(file, 'fieldwork', '--trial', 'fixture', '--wave', 'baseline')).out;
    expect(text).toBe('fixture baseline (closes 2025-04-01), by arm: invited, not started, partial, complete, response rate\nintervention\t1\t0\t1\t0\t0%\n');
    expect((await run(file, 'fieldwork', '--trial', 'fixture', '--wave', 'baseline', '--by', 'pupil')).err).toMatch(/--by "pupil" must be one of wave, arm, la, school/);
  });
});
