// Login rate limiting under attack (issue #10): simultaneous guesses are counted before the password check, the limit is keyed on account and on account + client address, X-Forwarded-For counts only behind the configured proxy, and failed sign-ins are audited.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { createUser } from '../../server/storage/user-repo';
import { hashPassword } from '../../server/domain/auth/password';
import { loginRules } from '../../server/domain/auth/rate-limit';

const password = 'correct horse battery staple';
let srv: TestServer | undefined;
afterEach(async () => { await srv?.close(); srv = undefined; });

async function server(env: Record<string, string> = {}): Promise<TestServer> {
  srv = await startTestServer({}, env);
  const hash = await hashPassword(password);
  for (const email of ['ann@council.example', 'bob@council.example']) createUser(srv.deps.db, { email, name: email, role: 'evaluator', laCode: null, passwordHash: hash }, { actor: 'test', at: new Date().toISOString() });
  return srv;
}

/** One sign-in attempt through the real form (its own login CSRF cookie), optionally claiming a forwarded client address. */
async function attempt(s: TestServer, email: string, pw: string, forwardedFor?: string): Promise<number> {
  const page = await fetch(`${s.url}/staff/login`);
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
  const cookie = page.headers.getSetCookie()[0].split(';')[0];
  const headers: Record<string, string> = { cookie, 'content-type': 'application/x-www-form-urlencoded' };
  if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
  const r = await fetch(`${s.url}/staff/login`, { method: 'POST', redirect: 'manual', headers, body: new URLSearchParams({ _csrf: token, email, password: pw }) });
  await r.arrayBuffer();
  return r.status;
}

const sessions = (s: TestServer) => (s.deps.db.prepare('SELECT count(*) AS n FROM auth_sessions').get() as { n: number }).n;

describe('login rate limit', () => {
  it('60 simultaneous guesses on one account: only the allowance is checked, the 45th (correct) does not sign in', async () => {
    const s = await server();
    const statuses = await Promise.all(Array.from({ length: 60 }, (_, i) => attempt(s, 'ann@council.example', i === 44 ? password : `guess ${i}`)));
    const checked = statuses.filter((st) => st === 401 || st === 303).length;
    expect(checked, JSON.stringify(statuses)).toBeLessThanOrEqual(loginRules.accountAndAddress.maxFailures);
    expect(statuses[44]).toBe(429);
    expect(statuses.filter((st) => st === 429).length).toBe(60 - checked);
    expect(sessions(s)).toBe(0);
  });

  it('five failures for one account from a council address do not lock a colleague at the same address out', async () => {
    const s = await server();
    for (let i = 0; i < 5; i++) expect(await attempt(s, 'ann@council.example', 'wrong')).toBe(401);
    expect(await attempt(s, 'ann@council.example', password)).toBe(429);
    expect(await attempt(s, 'bob@council.example', password)).toBe(303);
  });

  it('behind the configured proxy: the account + address limit is per forwarded address; the account-wide limit still holds', async () => {
    const s = await server({ DSLKIT_TRUST_PROXY: '1' });
    for (let i = 0; i < 5; i++) expect(await attempt(s, 'ann@council.example', 'wrong', '203.0.113.7')).toBe(401);
    expect(await attempt(s, 'ann@council.example', password, '203.0.113.7')).toBe(429);
    expect(await attempt(s, 'ann@council.example', password, '198.51.100.20')).toBe(303); // Ann herself, from her own office
    // an attacker spreading guesses over many addresses meets the account-wide limit
    const { account } = loginRules;
    const spread = [];
    for (let i = 0; i < account.maxFailures + 5; i++) spread.push(await attempt(s, 'ann@council.example', 'wrong', `192.0.2.${i + 1}`));
    expect(spread.filter((st) => st === 401).length).toBe(account.maxFailures - 5);
    expect(spread.slice(-5)).toEqual([429, 429, 429, 429, 429]);
  });

  it('without a configured proxy, X-Forwarded-For is ignored: rotating it does not buy more guesses', async () => {
    const s = await server();
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push(await attempt(s, 'ann@council.example', 'wrong', `192.0.2.${i + 1}`));
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
  });

  it('failed sign-ins are audited with the account (when it exists) and the client address, never the password', async () => {
    const s = await server();
    await attempt(s, 'ann@council.example', 'wrong-pass-1');
    await attempt(s, 'nobody@council.example', 'wrong-pass-2');
    const rows = s.deps.db.prepare("SELECT actor, detail FROM audit_log WHERE action = 'auth.login_failed' ORDER BY id").all() as Array<{ actor: string; detail: string }>;
    expect(rows).toHaveLength(2);
    const [known, unknown] = rows.map((r) => ({ actor: r.actor, detail: JSON.parse(r.detail) as Record<string, unknown> }));
    expect(known.detail).toMatchObject({ email: 'ann@council.example', reason: 'wrong password', address: '127.0.0.1' });
    expect(known.actor).toMatch(/^user:\d+$/);
    expect(unknown.detail).toMatchObject({ reason: 'no such account', address: '127.0.0.1' });
    expect(JSON.stringify(rows)).not.toMatch(/wrong-pass/);
  });
});
