// Invitation tokens, session ids, CSRF tokens and passwords never reach the server log: request log, error log, in-process and from the real server process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedSurveyFixture, type SurveyFixture } from '../helpers/survey-fixture';
import { createUser } from '../../server/storage/user-repo';
import { hashPassword } from '../../server/domain/auth/password';
import { hashToken } from '../../server/domain/invitation-tokens';
import { sessionCookieName, loginCsrfCookieName } from '../../server/domain/auth/session-tokens';
import { createSurveyFixture, completeAnswers, seededRandom } from '../../bench/helpers/fixture';
import { startServerProcess } from '../../bench/helpers/server-process';

const password = 'correct horse battery staple 42';
let srv: TestServer;
let fx: SurveyFixture;
const secrets = new Set<string>();

function cookieValue(res: Response, name: string): string | undefined {
  const c = res.headers.getSetCookie().find((s) => s.startsWith(`${name}=`));
  const v = c?.split(';')[0].slice(name.length + 1);
  return v || undefined;
}

beforeAll(async () => {
  srv = await startTestServer({ clock: () => new Date('2025-03-01T09:00:00.000Z') }, { DSLKIT_LOG: 'info' });
  fx = seedSurveyFixture(srv.deps.db, srv.deps.secret, { instruments: ['ons4@1'], dsls: 3, opensAt: '2025-02-01T00:00:00.000Z', closesAt: '2025-04-01T00:00:00.000Z' });
  createUser(srv.deps.db, { email: 'evaluator@example.org', name: 'Eva Luator', role: 'evaluator', laCode: null, passwordHash: await hashPassword(password) }, { actor: 'test', at: '2025-01-01T00:00:00.000Z' });
});
afterAll(async () => { await srv.close(); });

describe('server log (DSLKIT_LOG=info)', () => {
  it('logs requests by redacted path only: no invitation token, session id, CSRF token or password, even around errors', async () => {
    const t = fx.dsls[0].token;
    secrets.add(t).add(hashToken(t)).add(fx.dsls[1].token).add(password);
    const answers = { ons4_01: 7, ons4_02: 8, ons4_03: 6, ons4_04: 3 };
    await fetch(`${srv.url}/api/s/${t}`);
    await fetch(`${srv.url}/api/s/${t}/progress`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: answers, page: 0 }) });
    await fetch(`${srv.url}/api/s/${t}/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: answers }) });
    await fetch(`${srv.url}/api/s/${t}/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{broken' });
    await fetch(`${srv.url}/s/${t}`);
    await fetch(`${srv.url}/s/${fx.dsls[1].token}?utm=${fx.dsls[1].token}`);
    await fetch(`${srv.url}/api/s/${fx.dsls[1].token}/progress`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { ons4_01: 99 }, page: 0 }) });

    // Sign in, use the session, post with its CSRF token, sign out.
    const form = await fetch(`${srv.url}/staff/login`);
    const loginCsrf = cookieValue(form, loginCsrfCookieName) ?? '';
    expect(loginCsrf).not.toBe('');
    secrets.add(loginCsrf);
    const signIn = await fetch(`${srv.url}/staff/login`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `${loginCsrfCookieName}=${loginCsrf}` },
      body: new URLSearchParams({ email: 'evaluator@example.org', password, next: '/staff', _csrf: loginCsrf }).toString(),
    });
    expect(signIn.status).toBe(303);
    const session = cookieValue(signIn, sessionCookieName) ?? '';
    expect(session).not.toBe('');
    secrets.add(session);
    const home = await fetch(`${srv.url}/staff`, { headers: { cookie: `${sessionCookieName}=${session}` } });
    expect(home.status).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await home.text())?.[1] ?? '';
    expect(csrf).not.toBe('');
    secrets.add(csrf);
    await fetch(`${srv.url}/staff/trials`, { headers: { cookie: `${sessionCookieName}=${session}` } });
    // A malformed extra cookie beside the real session (this currently makes the staff site fail with a 500, which logs a stack).
    await fetch(`${srv.url}/staff`, { headers: { cookie: `${sessionCookieName}=${session}; other=%E0%A4%A` } });
    await fetch(`${srv.url}/staff/logout`, { method: 'POST', redirect: 'manual', headers: { cookie: `${sessionCookieName}=${session}`, 'content-type': 'application/x-www-form-urlencoded' }, body: `_csrf=${csrf}` });

    expect(srv.logs.length).toBeGreaterThan(10); // the request log is on, so the test looks at real lines
    const log = srv.logs.join('\n');
    for (const s of secrets) expect(log.includes(s), `the log contains a secret (${s.slice(0, 6)}…)`).toBe(false);
    expect(log).toMatch(/\/api\/s\/\[token\]/);
  });
});

describe('real server process output', () => {
  it('prints no invitation token to stdout or stderr while serving and refusing survey requests', async () => {
    const bench = await createSurveyFixture({ invitations: 3 });
    const server = await startServerProcess({ dbFile: bench.dbFile, secretFile: bench.secretFile, env: { DSLKIT_LOG: 'info' } });
    try {
      for (const [i, t] of bench.tokens.entries()) {
        await fetch(`${server.url}/api/s/${t}`);
        await fetch(`${server.url}/api/s/${t}/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: completeAnswers(bench.instruments, seededRandom(i)) }) });
        await fetch(`${server.url}/s/${t}`);
        await fetch(`${server.url}/api/s/${t}/progress`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"data": ' });
      }
    } finally {
      await server.stop();
      bench.cleanup();
    }
    const out = server.output.join('\n');
    expect(server.output.length).toBeGreaterThan(5);
    for (const t of bench.tokens) {
      expect(out.includes(t)).toBe(false);
      expect(out.includes(hashToken(t))).toBe(false);
    }
  });
});
