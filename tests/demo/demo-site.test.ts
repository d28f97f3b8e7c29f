// The demo as a newcomer meets it over HTTP: the printed accounts sign in with their generated passwords, the supervisor sees the demo intervention schools, the programme report shows sessions and costs, the D01 dashboard is published, and the accounts file is private.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { signIn, request, type StaffFixture, type Signed } from '../staff/fixture';
import { seedDemoIfEmpty, type DemoSeedResult } from '../../server/domain/demo/seed-demo';
import { finishDemoSeed, DEMO_ACCOUNTS_FILE } from '../../server/cli/demo-finish';

const now = new Date('2026-11-20T12:00:00Z');
let server: TestServer;
let seeded: DemoSeedResult;
let printed: string;
let f: StaffFixture;
const signed: Record<string, Signed> = {};

beforeAll(async () => {
  server = await startTestServer({ clock: () => now });
  seeded = seedDemoIfEmpty(server.deps.db, { clock: () => now, secret: server.deps.secret })!;
  printed = (await finishDemoSeed(server.deps.db, seeded, { dbPath: server.deps.config.dbPath, publicUrl: server.url, clock: () => now })).text;
  // The staff fixture's sign-in helpers, pointed at the demo accounts.
  const email = (role: string) => seeded.accounts.find((a) => a.role === role)!.email;
  f = { server, emails: { admin: email('admin'), evaluator: email('admin'), supervisor: email('supervisor'), supervisor2: email('supervisor'), la_officer: email('la_officer') } } as unknown as StaffFixture;
  for (const a of seeded.accounts) signed[a.role] = await signIn(f, a.role === 'admin' ? 'admin' : a.role as 'supervisor' | 'la_officer', a.password);
}, 120_000);
afterAll(async () => { await server.close(); });

const db = () => server.deps.db;

describe('demo accounts', () => {
  it('are printed once with their passwords and written to demo-accounts.txt beside the database, readable by the owner only', () => {
    const file = path.join(path.dirname(server.deps.config.dbPath), DEMO_ACCOUNTS_FILE);
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
    const text = fs.readFileSync(file, 'utf8');
    for (const a of seeded.accounts) {
      expect(a.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      expect(text).toContain(a.email);
      expect(text).toContain(`password: ${a.password}`);
      expect(printed).toContain(`password: ${a.password}`);
      // never stored in clear
      expect(JSON.stringify(db().prepare('SELECT * FROM users').all())).not.toContain(a.password);
    }
    expect(printed).toContain(file);
  });

  it('each account signs in with its generated password and not with another', async () => {
    expect(Object.keys(signed).sort()).toEqual(['admin', 'la_officer', 'supervisor']);
    const other = seeded.accounts.find((a) => a.role === 'supervisor')!.password;
    await expect(signIn(f, 'admin', other)).rejects.toThrow(/answered 401|answered 200|answered 400/);
  });

  it('the evaluator (admin) sees the demo trial and the demo programme', async () => {
    expect(await (await request(f, signed.admin, 'get', '/staff/trials')).text()).toContain('DEMO — synthetic data');
    expect(await (await request(f, signed.admin, 'get', '/staff/programmes')).text()).toContain('DEMO programme — synthetic data');
  });

  it('the supervisor sees exactly the demo intervention schools, and logged the demo sessions', async () => {
    const html = await (await request(f, signed.supervisor, 'get', '/staff/supervision')).text();
    const arms = db().prepare("SELECT s.name || ' (' || s.urn || ')' AS name, a.arm FROM allocations a JOIN schools s ON s.urn = a.urn WHERE a.trial_id = 'demo'").all() as Array<{ name: string; arm: string }>;
    const intervention = arms.filter((r) => r.arm === 'intervention');
    expect(intervention).toHaveLength(47);
    // schools are shown as "Name (URN)"; the same pattern is looked for in both arms
    for (const s of intervention) expect(html).toContain(s.name);
    for (const s of arms.filter((r) => r.arm === 'control')) expect(html).not.toContain(s.name);
    const supervisorId = (db().prepare("SELECT id FROM users WHERE email = 'supervisor@demo.invalid'").get() as { id: number }).id;
    expect(db().prepare("SELECT count(*) AS n FROM supervision_sessions WHERE trial_id = 'demo' AND (supervisor_user_id IS NULL OR supervisor_user_id <> ?)").get(supervisorId)).toEqual({ n: 0 });
  });

  it('the LA officer sees the demo programme report with sessions and costs from the seeded rows', async () => {
    const res = await request(f, signed.la_officer, 'get', '/staff/programmes/demo-programme/report');
    expect(res.status).toBe(200);
    const html = await res.text();
    const sessions = (db().prepare("SELECT count(*) AS n FROM supervision_sessions WHERE trial_id = 'demo-programme'").get() as { n: number }).n;
    expect(sessions).toBeGreaterThan(30);
    // 5 packages of 10 sessions; 5 x £1,500 shared by 12 settings is £625.00 a setting (seed 004 price, split equally)
    expect(html).toContain(`${sessions} of 50 bought`);
    expect(html).toContain('£7,500.00 in total');
    expect(html).toContain('£625.00');
    expect(html).toContain('Change is not impact');
    // paired change is shown (at least 10 DSLs answered both surveys), not suppressed
    expect(html).toMatch(/Perceived stress \(PSS-10\)[^<]*<\/th>\s*<td[^>]*>(1\d|[2-9]\d)<\/td>/);
  });

  it('the demo LA dashboard is published at its public address', async () => {
    const res = await fetch(`${server.url}/dashboards/D01`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Demo Borough');
  });
});
