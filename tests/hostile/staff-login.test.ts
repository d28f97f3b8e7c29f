// Property tests: the staff sign-in form and every public page under hostile fields, bodies and headers: never a 5xx or a stack trace, nothing echoed unescaped, no session created.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { attackString, attackStrings, call, describeExchange, stackTracePattern } from './hostile-helpers';

let srv: TestServer;
beforeAll(async () => { srv = await startTestServer(); });
afterAll(async () => { await srv.close(); });

const count = (table: string) => (srv.deps.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

/** GET /staff/login: the sign-in CSRF cookie and the matching hidden field. */
async function loginForm(): Promise<{ cookie: string; token: string }> {
  const res = await fetch(`${srv.url}/staff/login`);
  const html = await res.text();
  const setCookie = res.headers.getSetCookie().find((c) => /login/i.test(c)) ?? '';
  const token = /name="_csrf" value="([^"]*)"/.exec(html)?.[1] ?? '';
  return { cookie: setCookie.split(';')[0], token };
}

/** Script-ish markup that must never come back unescaped. */
const rawMarkup = /<script>alert|<img src=x onerror|<svg onload/;

describe('POST /staff/login under hostile input', () => {
  it('answers any field values (with and without a valid form token) with 401/403/429, escapes what it echoes, creates no session', async () => {
    const sessionsBefore = count('auth_sessions');
    const usersBefore = count('users');
    await fc.assert(fc.asyncProperty(attackString, attackString, attackString, fc.boolean(), fc.option(attackString), async (email, password, next, withToken, extra) => {
      const form = withToken ? await loginForm() : { cookie: '', token: '' };
      const fields = new URLSearchParams({ email, password, next, _csrf: withToken ? form.token : (extra ?? '') });
      if (extra !== null) fields.append(extra, extra);
      const res = await call(`${srv.url}/staff/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie }, body: fields.toString() });
      const msg = describeExchange({ email, next, withToken, extra }, res);
      expect([400, 401, 403, 413, 429], msg).toContain(res.status);
      expect(res.text, msg).not.toMatch(stackTracePattern);
      expect(res.text, msg).not.toMatch(rawMarkup);
    }), { numRuns: 60 });
    expect(count('auth_sessions')).toBe(sessionsBefore);
    expect(count('users')).toBe(usersBefore);
  }, 120_000);

  it('answers JSON, broken encodings, huge and multipart bodies without a 5xx', async () => {
    const bodies: [string, string][] = [
      ['application/json', '{"email": {"$ne": null}, "password": {"$gt": ""}}'],
      ['application/json', '{"email": '],
      ['application/x-www-form-urlencoded', 'email=%E0%A4%A&password=%'],
      ['application/x-www-form-urlencoded', 'email[]=a&email[]=b&password[x]=y&__proto__[admin]=1'],
      ['application/x-www-form-urlencoded', `email=${'a'.repeat(3_000_000)}`],
      ['multipart/form-data; boundary=zz', '--zz\r\nContent-Disposition: form-data; name="email"\r\n\r\n<script>alert(1)</script>\r\n--zz--\r\n'],
      ['multipart/form-data', 'no boundary at all'],
      ['text/xml', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'],
    ];
    for (const [type, body] of bodies) {
      const res = await call(`${srv.url}/staff/login`, { method: 'POST', headers: { 'content-type': type }, body });
      const msg = `${type} ${body.slice(0, 80)} -> ${res.status} ${res.text.slice(0, 200)}`;
      expect(res.status, msg).toBeGreaterThanOrEqual(400);
      expect(res.status, msg).toBeLessThan(500);
      expect(res.text, msg).not.toMatch(stackTracePattern);
      expect(res.text, msg).not.toMatch(rawMarkup);
      expect(res.text, msg).not.toMatch(/root:x:0:0/);
    }
    expect(count('auth_sessions')).toBe(0);
  });

  it('escapes a hostile ?next= on the sign-in page', async () => {
    for (const s of attackStrings.slice(5, 10)) {
      const res = await call(`${srv.url}/staff/login?next=${encodeURIComponent(`/staff/${s}`)}`);
      expect(res.status).toBe(200);
      expect(res.text, s).not.toMatch(rawMarkup);
    }
  });
});

describe('public dashboards under hostile LA codes', () => {
  it('answers any /dashboards/<code> with a page or a 404, never a 5xx, never echoing markup', async () => {
    await fc.assert(fc.asyncProperty(attackString, fc.constantFrom('', '/', '/index.html', '/../../package.json'), async (code, suffix) => {
      const res = await call(`${srv.url}/dashboards/${encodeURIComponent(code)}${suffix}`, { headers: { accept: 'text/html' } });
      const msg = describeExchange(code + suffix, res);
      expect(res.status, msg).toBeLessThan(500);
      expect(res.text, msg).not.toMatch(stackTracePattern);
      expect(res.text, msg).not.toMatch(rawMarkup);
      expect(res.text, msg).not.toMatch(/"name":\s*"dslkit"/);
    }), { numRuns: 100 });
  });
});

describe('hostile headers on public pages', () => {
  const publicPaths = ['/', '/api/health', '/staff/login', '/staff', '/staff/trials', '/s/' + 'A'.repeat(43), '/api/s/' + 'A'.repeat(43), '/dashboards', '/no-such-page'];
  const cookieHeaders = ['dslkit_session=%', 'a=%E0%A4%A', 'other_site=100%; dslkit_session=x', `dslkit_session=${'x'.repeat(10_000)}`, '=;;=;', 'dslkit_session="<script>"'];

  it('never answers a malformed Cookie header with a 5xx or a stack trace', async () => {
    for (const p of publicPaths) {
      for (const cookie of cookieHeaders) {
        const res = await call(srv.url + p, { headers: { cookie, accept: 'text/html' } });
        const msg = `GET ${p} with Cookie: ${cookie.slice(0, 40)} -> ${res.status} ${res.text.slice(0, 200)}`;
        expect(res.status, msg).toBeLessThan(500);
        expect(res.text, msg).not.toMatch(stackTracePattern);
      }
    }
  });

  it('never answers odd Accept, Host or Content-Length headers with a 5xx', async () => {
    const headerSets: Record<string, string>[] = [
      { accept: '*/*;q=abc' }, { accept: 'text/html;level=' + 'x'.repeat(2000) }, { 'x-forwarded-for': "1.2.3.4, ' OR 1=1" },
      { 'x-requested-with': '<script>' }, { 'accept-language': '\u00ff\u00fe' }, { 'if-none-match': '*' }, { range: 'bytes=999999-0' },
    ];
    for (const p of publicPaths) {
      for (const headers of headerSets) {
        const res = await call(srv.url + p, { headers });
        expect(res.status, `${p} ${JSON.stringify(headers)} -> ${res.status}`).toBeLessThan(500);
        expect(res.text).not.toMatch(stackTracePattern);
      }
    }
  });
});
