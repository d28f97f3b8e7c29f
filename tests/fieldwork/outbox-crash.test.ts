// SIGKILL the real server (the built .build/server.mjs) while its sender worker is half-way through a batch of invitations to a real SMTP server, restart it: each DSL receives exactly one invitation.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/storage/db';
import { loadOrCreateSecret } from '../../server/storage/secret-file';
import { queueInvitations } from '../../server/storage/outbox-decisions';
import { getWaveById } from '../../server/storage/wave-repo';
import { startServerProcess, type ServerProcess } from '../../bench/helpers/server-process';
import { seedSurveyFixture } from '../helpers/survey-fixture';
import { tempDir } from '../helpers/temp';
import { sendConcurrency } from '../../server/mail/outbox-worker';
import { startSmtpCatcher, type SmtpCatcher } from './smtp-catcher';

const dsls = process.env.DSLKIT_FULL === '1' ? 2000 : 200;
let smtp: SmtpCatcher | undefined;
let proc: ServerProcess | undefined;
let dir: { dir: string; cleanup: () => void } | undefined;

afterEach(async () => { await proc?.kill(); await smtp?.close(); dir?.cleanup(); });

describe('outbox across a crash', () => {
  it(`sends each of ${dsls} DSLs one invitation although the server was killed mid-batch`, async () => {
    dir = tempDir();
    const dbFile = path.join(dir.dir, 'dslkit.db');
    const secretFile = path.join(dir.dir, 'secret.key');
    const secret = loadOrCreateSecret(secretFile);
    const db = openDatabase(dbFile);
    const f = seedSurveyFixture(db, secret, { dsls, invite: 0, opensAt: '2020-01-01T00:00:00.000Z', closesAt: '2099-01-01T00:00:00.000Z' });
    expect(queueInvitations(db, f.trialId, getWaveById(db, f.waveId)!, secret, { actor: 'cli:test', at: new Date().toISOString() }).queued).toBe(dsls);
    db.close();

    smtp = await startSmtpCatcher();
    const env = { DSLKIT_SMTP_URL: smtp.url, DSLKIT_MAIL_FROM: 'DSL study <study@evaluator.example>', DSLKIT_MAIL_RATE: '100' };
    proc = await startServerProcess({ dbFile, secretFile, env });
    await smtp.waitFor(Math.floor(dsls / 3), 60_000);
    await proc.kill();
    const beforeRestart = smtp.messages.length;
    expect(beforeRestart).toBeLessThan(dsls); // killed mid-batch

    proc = await startServerProcess({ dbFile, secretFile, env });
    const check = openDatabase(dbFile, { readonly: true });
    const waiting = () => (check.prepare("SELECT count(*) AS n FROM outbox_messages WHERE status IN ('queued', 'sending')").get() as { n: number }).n;
    const until = Date.now() + 60_000;
    while (waiting() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    const states = check.prepare('SELECT status, count(*) AS n FROM outbox_messages GROUP BY status').all() as Array<{ status: string; n: number }>;
    const uncertain = check.prepare("SELECT c.email FROM outbox_messages m JOIN dsl_contacts c ON c.dsl_id = m.dsl_id WHERE m.status = 'uncertain'").all() as Array<{ email: string }>;
    check.close();

    const received = new Map<string, number>();
    for (const m of smtp.messages) for (const to of m.to) received.set(to, (received.get(to) ?? 0) + 1);
    // Never twice.
    expect([...received.values()].filter((n) => n > 1)).toEqual([]);
    // Exactly one each. The only exception SMTP allows: a message whose send was under way at the very moment of the
    // kill is 'uncertain' (it may or may not have arrived) and is not resent automatically; at most as many as the
    // worker sends at once.
    expect(uncertain.length).toBeLessThanOrEqual(sendConcurrency(100));
    const missing = Array.from({ length: dsls }, (_, i) => `dsl${i + 1}@school.example`).filter((e) => !received.has(e));
    expect(missing.filter((e) => !uncertain.some((u) => u.email === e))).toEqual([]);
    expect(states.filter((s) => s.status !== 'sent' && s.status !== 'uncertain')).toEqual([]);
    expect(received.size + missing.length).toBe(dsls);
  }, 180_000);
});
