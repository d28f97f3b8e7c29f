// Staff-site security: CSRF (nothing changes without the token), session idle/absolute expiry, login rate limiting, security headers, no secrets in logs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffFixture, signIn, request, type StaffFixture } from '../staff/fixture';
import { contentSecurityPolicy } from '../../server/http/security';

let f: StaffFixture;
beforeAll(async () => { f = await staffFixture(); }, 60_000);
afterAll(async () => { await f.close(); });

const count = (sql: string) => (f.server.deps.db.prepare(sql).get() as { n: number }).n;

describe('CSRF', () => {
  it('a state-changing request without or with a wrong token is 403 and changes nothing', async () => {
    const ev = await signIn(f, 'evaluator');
    const before = count('SELECT count(*) AS n FROM trials');
    const form = { id: 'csrf-test', title: 'Should not exist' };
    expect((await request(f, ev, 'post', '/staff/trials', form, { csrf: null })).status).toBe(403);
    expect((await request(f, ev, 'post', '/staff/trials', form, { csrf: 'x'.repeat(43) })).status).toBe(403);
    expect(count('SELECT count(*) AS n FROM trials')).toBe(before);
    expect((await request(f, ev, 'post', '/staff/trials', form)).status).toBe(303);
    expect(count('SELECT count(*) AS n FROM trials')).toBe(before + 1);
  });
  it("another session's token is refused", async () => {
    const a = await signIn(f, 'supervisor');
    const b = await signIn(f, 'supervisor2');
    const res = await request(f, a, 'post', `/staff/supervision/t1/sessions`, { kind: 'formal', mode: 'phone', heldOn: '2026-03-01', durationMinutes: '30', dsls: 'dsl-aaaa' }, { csrf: b.csrf });
    expect(res.status).toBe(403);
  });
  it('sign-in without the login CSRF cookie is refused', async () => {
    const res = await fetch(`${f.server.url}/staff/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ email: f.emails.admin, password: 'correct horse battery staple', _csrf: 'abc' }) });
    expect(res.status).toBe(403);
  });
});

describe('sessions', () => {
  it('cookie is HttpOnly and SameSite=Lax, stored only as a SHA-256', async () => {
    const page = await fetch(`${f.server.url}/staff/login`);
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
    const loginCookie = page.headers.getSetCookie()[0].split(';')[0];
    const res = await fetch(`${f.server.url}/staff/login`, { method: 'POST', redirect: 'manual', headers: { cookie: loginCookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: token, email: f.emails.admin, password: 'correct horse battery staple' }) });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('dslkit_session='))!;
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Lax/);
    expect(set).not.toMatch(/Secure/); // no TLS proxy configured in this test server
    const value = set.split(';')[0].split('=')[1];
    expect(count(`SELECT count(*) AS n FROM auth_sessions WHERE id_hash = '${value}'`)).toBe(0);
  });
  it('expires after 8 hours idle and 12 hours absolute (injected clock)', async () => {
    const start = f.now.t;
    try {
      const ev = await signIn(f, 'evaluator');
      f.now.t = new Date(start.getTime() + 7 * 3600_000); // 7 h idle: still signed in, expiry slides
      expect((await request(f, ev, 'get', '/staff/trials')).status).toBe(200);
      f.now.t = new Date(start.getTime() + 11 * 3600_000); // 4 h after the last request: still fine
      expect((await request(f, ev, 'get', '/staff/trials')).status).toBe(200);
      f.now.t = new Date(start.getTime() + 12 * 3600_000 + 1000); // past the absolute limit despite activity
      expect((await request(f, ev, 'get', '/staff/trials')).status).toBe(401);
      f.now.t = start;
      const ev2 = await signIn(f, 'evaluator');
      f.now.t = new Date(start.getTime() + 8 * 3600_000 + 1000); // 8 h without a request
      expect((await request(f, ev2, 'get', '/staff/trials')).status).toBe(401);
    } finally { f.now.t = start; }
  });
  it('sign-out ends the session', async () => {
    const ev = await signIn(f, 'evaluator');
    expect((await request(f, ev, 'post', '/staff/logout')).status).toBe(303);
    expect((await request(f, ev, 'get', '/staff/trials')).status).toBe(401);
  });
});

describe('login rate limiting', () => {
  it('5 failures in 15 minutes -> 429, lifts after the window', async () => {
    const start = f.now.t;
    try {
      for (let i = 0; i < 5; i++) await expect(signIn(f, 'la_officer', 'wrong password!')).rejects.toThrow(/401/);
      await expect(signIn(f, 'la_officer')).rejects.toThrow(/429/);
      f.now.t = new Date(start.getTime() + 16 * 60_000);
      await expect(signIn(f, 'la_officer')).resolves.toHaveProperty('cookie');
    } finally { f.now.t = start; }
  });
  it('429 carries Retry-After: the seconds left in the 15-minute window of the 5th-last failure', async () => {
    const start = f.now.t;
    const t0 = new Date(start.getTime() + 3 * 3600_000); // hours after the other tests' failures, so only these count
    const attempt = async (password: string) => {
      const page = await fetch(`${f.server.url}/staff/login`);
      const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
      const cookie = page.headers.getSetCookie()[0].split(';')[0];
      const r = await fetch(`${f.server.url}/staff/login`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: token, email: f.emails.supervisor2, password }) });
      return { status: r.status, retryAfter: r.headers.get('retry-after'), text: await r.text() };
    };
    try {
      f.now.t = t0;
      for (let i = 0; i < 5; i++) {
        const r = await attempt('wrong password!');
        expect(r.status).toBe(401);
        expect(r.retryAfter).toBeNull();
      }
      f.now.t = new Date(t0.getTime() + 5 * 60_000); // 5 minutes later: 10 minutes of the window left
      const blocked = await attempt('correct horse battery staple'); // even the right password is not checked
      expect(blocked.status).toBe(429);
      expect(blocked.retryAfter).toBe('600'); // 15 min window (loginRule) - 5 min elapsed = 600 s
      expect(blocked.text).toContain('Wait 10 minutes');
      f.now.t = new Date(t0.getTime() + 15 * 60_000 - 500); // half a second before the window ends: rounds up to 1 s
      expect((await attempt('correct horse battery staple')).retryAfter).toBe('1');
      f.now.t = new Date(t0.getTime() + 15 * 60_000);
      const ok = await attempt('correct horse battery staple');
      expect(ok.status).toBe(303);
      expect(ok.retryAfter).toBeNull();
    } finally { f.now.t = start; }
  });
  it('an unknown email gets the same answer as a wrong password', async () => {
    const start = f.now.t;
    f.now.t = new Date(start.getTime() + 60 * 60_000);
    try {
      const page = await fetch(`${f.server.url}/staff/login`);
      const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
      const cookie = page.headers.getSetCookie()[0].split(';')[0];
      const attempt = async (email: string) => {
        const r = await fetch(`${f.server.url}/staff/login`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': email }, body: new URLSearchParams({ _csrf: token, email, password: 'nope nope nope' }) });
        return { status: r.status, text: (await r.text()).replace(/value="[^"]*"/g, '') };
      };
      const unknown = await attempt('nobody@example.org');
      const known = await attempt(f.emails.admin);
      expect(unknown.status).toBe(known.status);
      expect(unknown.text.replace('nobody@example.org', 'X')).toBe(known.text.replace(f.emails.admin, 'X'));
    } finally { f.now.t = start; }
  });
});

describe('security headers', () => {
  for (const path of ['/staff/login', '/staff/trials', '/api/health', '/govuk/govuk-frontend.min.css', '/staff/nowhere']) {
    it(`are on ${path}`, async () => {
      const res = await fetch(`${f.server.url}${path}`);
      expect(res.headers.get('content-security-policy')).toBe(contentSecurityPolicy);
      expect(contentSecurityPolicy).not.toMatch(/unsafe-eval/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(res.headers.get('permissions-policy')).toBeTruthy();
      expect(res.headers.get('strict-transport-security')).toBeNull();
    });
  }
});

describe('logs', () => {
  it('never contain session ids, CSRF tokens or invitation tokens', async () => {
    const ev = await signIn(f, 'evaluator');
    await request(f, ev, 'post', `/staff/trials/t1/waves/${f.ids.wave}/invitations`);
    const csv = await (await request(f, ev, 'get', `/staff/trials/t1/waves/${f.ids.wave}/invitations.csv`)).text();
    const token = /\/s\/([A-Za-z0-9_-]+)/.exec(csv)![1];
    await fetch(`${f.server.url}/s/${token}`);
    await request(f, ev, 'get', '/staff/nowhere?x=1');
    const logs = f.server.logs.join('\n');
    for (const secret of [ev.cookie.split('=')[1], ev.csrf, token]) expect(logs).not.toContain(secret);
  });
});
