// Script in every name and free-text answer (trial, LA, schools, DSLs, staff, a quoted evaluation answer) comes out escaped in every staff page, report and dashboard.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { openDatabase, type Db } from '../../server/storage/db';
import { seedDemo } from '../../server/domain/demo/seed-demo';
import { insertCompleteResponse } from '../../server/storage/response-repo';
import { selectQuote } from '../../server/storage/report-data-repo';
import { createUser, assignSchools } from '../../server/storage/user-repo';
import { hashPassword } from '../../server/domain/auth/password';
import { staffRoutes } from '../../server/http/staff/routes';
import type { Role } from '../../server/domain/auth/roles';
import { startTestServer, type TestServer } from '../helpers/server';
import { captureIo, tempDir } from '../helpers/temp';

/** The payload: a script element and an event-handler attribute. Unescaped, either would run in a browser. */
const X = '<script>alert(1)</script><img src=x onerror=alert(2)>';
const rawX = /<script>alert\(1\)|<img src=x onerror=alert\(2\)>/;
/** How the payload looks after HTML escaping (Handlebars escapes < > & " ' ` =). */
const escapedX = /&lt;script&gt;alert\(1\)&lt;\/script&gt;/;
const clock = () => new Date('2026-06-01T10:00:00.000Z');
const password = 'correct horse battery staple';

let dir: string;
let cleanup: () => void;
let dbFile: string;
let db: Db;
let sessionId: number;
let waveId: number;
let dslId: string;

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const cap = captureIo();
  const code = await runCli([...args, '--db', dbFile], cap.io, {}, clock);
  return { code, out: cap.out(), err: cap.err() };
}

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('dslkit-escaping-'));
  dbFile = path.join(dir, 'escaping.db');
  db = openDatabase(dbFile);
  seedDemo(db, { clock, secret: Buffer.alloc(32, 7) });
  const at = clock().toISOString();
  db.prepare('UPDATE trials SET title = ?').run(`Demo trial ${X}`);
  db.prepare('UPDATE local_authorities SET name = ?').run(`Borough ${X}`);
  db.prepare("UPDATE schools SET name = ? || ' ' || urn").run(`School ${X}`);
  db.prepare('UPDATE dsl_contacts SET name = ?').run(`DSL ${X}`);
  // A DSL evaluation form whose free-text answer is the payload, quoted in the IPE report by the evaluator.
  dslId = (db.prepare("SELECT id FROM dsls WHERE trial_id = 'demo' ORDER BY id LIMIT 1").get() as { id: string }).id;
  waveId = (db.prepare("SELECT id FROM waves WHERE trial_id = 'demo' AND name = 'midpoint'").get() as { id: number }).id; // the demo's evaluation-form wave
  const responseId = insertCompleteResponse(db, { invitationId: null, dslId, waveId, instruments: ['dsl-evaluation@1'], answers: { dsl_evaluation_better: `Better: ${X}`, dsl_evaluation_experience: X }, at });
  selectQuote(db, 'demo', responseId, 'dsl_evaluation_better', 'cli:test', at);
  sessionId = (db.prepare("SELECT id FROM supervision_sessions WHERE trial_id = 'demo' ORDER BY id LIMIT 1").get() as { id: number }).id;
});
afterAll(() => { try { db.close(); } catch { /* closed */ } cleanup(); });

describe('reports', () => {
  for (const kind of ['arm-comparison', 'ipe']) {
    it(`dslkit report ${kind}: every name and quoted answer escaped`, async () => {
      const out = path.join(dir, `${kind}.html`);
      const r = await cli(['report', kind, '--trial', 'demo', '--out', out]);
      expect(r.err.replace(/\r?[^\n]*\r/g, '')).not.toMatch(/internal error/);
      expect(r.code).toBe(0);
      const html = fs.readFileSync(out, 'utf8');
      expect(html).not.toMatch(rawX);
      expect(html).toMatch(escapedX); // the trial title is on the page, escaped
    });
  }

  it('the IPE report shows the quoted free-text answer, escaped', () => {
    const html = fs.readFileSync(path.join(dir, 'ipe.html'), 'utf8');
    expect(html).toMatch(/Better: &lt;script&gt;alert\(1\)/);
  });
});

describe('LA dashboards', () => {
  it('dslkit publish --all writes pages with the LA name escaped and no raw markup anywhere', async () => {
    const out = path.join(dir, 'site');
    const r = await cli(['publish', '--all', '--out', out]);
    expect(r.code).toBe(0);
    const pages = fs.readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.html'));
    expect(pages.length).toBeGreaterThanOrEqual(2); // index + one LA (the demo's D01)
    let escapedSomewhere = false;
    for (const p of pages) {
      const html = fs.readFileSync(path.join(out, p), 'utf8');
      expect(html, p).not.toMatch(rawX);
      escapedSomewhere ||= escapedX.test(html);
    }
    expect(escapedSomewhere).toBe(true);
  });
});

describe('staff pages and public dashboards on the site', () => {
  let srv: TestServer;
  const cookies: Partial<Record<Role, string>> = {};
  const emails: Record<Role, string> = { admin: 'admin@example.org', evaluator: 'eva@example.org', supervisor: 'sue@example.org', la_officer: 'lou@example.org' };

  beforeAll(async () => {
    db.close();
    srv = await startTestServer({ db: openDatabase(dbFile), clock });
    const hash = await hashPassword(password);
    const by = { actor: 'test', at: clock().toISOString() };
    for (const role of Object.keys(emails) as Role[]) {
      const user = createUser(srv.deps.db, { email: emails[role], name: `${role} ${X}`, role, laCode: role === 'la_officer' ? 'D01' : null, passwordHash: hash }, by);
      if (role === 'supervisor') {
        assignSchools(srv.deps.db, user.id, 'demo', (srv.deps.db.prepare("SELECT urn FROM allocations WHERE trial_id = 'demo' AND arm = 'intervention'").all() as { urn: number }[]).map((s) => s.urn), by);
        srv.deps.db.prepare('UPDATE supervision_sessions SET supervisor_user_id = ? WHERE id = ?').run(user.id, sessionId);
      }
      cookies[role] = await signIn(srv.url, emails[role]);
    }
  }, 60_000);
  afterAll(async () => { await srv.close(); });

  function concrete(p: string): string {
    return `/staff${p}`.replace(/\/$/, '').replace(':trialId', 'demo').replace(':dslId', dslId).replace(':waveId', String(waveId))
      .replace(':sessionId', String(sessionId)).replace(':kind', 'ipe').replace(':file', 'long.csv').replace(/:laCode|:la\b/, 'D01') || '/staff';
  }

  it('every GET page of the route table, for every role allowed to see it, escapes the names it shows', async () => {
    let pagesWithEscapedNames = 0;
    let checked = 0;
    for (const route of staffRoutes) {
      if (route.method !== 'get') continue;
      const roles = route.roles === 'public' ? (['evaluator'] as Role[]) : route.roles;
      for (const role of roles) {
        const url = concrete(route.path);
        const res = await fetch(srv.url + url, { headers: { cookie: cookies[role]!, accept: 'text/html' }, redirect: 'manual' });
        const body = await res.text();
        const msg = `${role} GET ${url} -> ${res.status}`;
        expect(res.status, msg).toBeLessThan(500);
        if (!/text\/html/.test(res.headers.get('content-type') ?? '')) {
          // downloads (CSV, JSON) carry names as data; they must never be sniffed as HTML
          expect(res.headers.get('x-content-type-options'), msg).toBe('nosniff');
          continue;
        }
        expect(body, msg).not.toMatch(rawX);
        if (escapedX.test(body)) pagesWithEscapedNames += 1;
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(pagesWithEscapedNames).toBeGreaterThan(checked / 2); // the signed-in user's name alone is on most pages
  }, 120_000);

  it('the public dashboard pages escape the LA name', async () => {
    for (const p of ['/dashboards', '/dashboards/D01']) {
      const res = await fetch(srv.url + p);
      const body = await res.text();
      expect(res.status, p).toBe(200);
      expect(body, p).not.toMatch(rawX);
      expect(body, p).toMatch(escapedX);
    }
  });
});

/** Signs in through the real form; returns the session cookie. */
async function signIn(url: string, email: string): Promise<string> {
  const page = await fetch(`${url}/staff/login`);
  const loginCookie = page.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('dslkit_login_csrf='))!;
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
  const res = await fetch(`${url}/staff/login`, {
    method: 'POST', redirect: 'manual', headers: { cookie: loginCookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, email, password, next: '/staff' }),
  });
  if (res.status !== 303) throw new Error(`sign-in as ${email} answered ${res.status}`);
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('dslkit_session='))!;
}
