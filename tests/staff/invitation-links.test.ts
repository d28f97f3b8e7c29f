// A GET changes nothing (issue #10: GET …/invitations.csv created invitations): links are created by a POST form with CSRF; the CSV download only lists the links that exist, or says none exist yet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffFixture, signIn, request, type StaffFixture, type Signed } from './fixture';

let f: StaffFixture;
let ev: Signed;
beforeAll(async () => { f = await staffFixture(); ev = await signIn(f, 'evaluator'); }, 60_000);
afterAll(async () => { await f.close(); });

const invitations = () => (f.server.deps.db.prepare('SELECT count(*) AS n FROM invitations WHERE wave_id = ?').get(f.ids.wave) as { n: number }).n;
const base = () => `/staff/trials/${f.ids.trial}/waves/${f.ids.wave}`;

describe('invitation links', () => {
  it('GET invitations.csv on a wave without links creates none and says so', async () => {
    expect(invitations()).toBe(0);
    const res = await request(f, ev, 'get', `${base()}/invitations.csv`);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('No invitation links have been created for this wave yet');
    expect(invitations()).toBe(0);
  });

  it('the invitations page (GET) shows how many DSLs have no link yet and creates nothing', async () => {
    const res = await request(f, ev, 'get', `${base()}/invitations`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/3 active DSLs have no link for this wave yet/);
    expect(html).toMatch(/<form method="post" action="\/staff\/trials\/t1\/waves\/\d+\/invitations"/);
    expect(invitations()).toBe(0);
  });

  it('POST without the CSRF token is 403 and creates nothing', async () => {
    expect((await request(f, ev, 'post', `${base()}/invitations`, {}, { csrf: null })).status).toBe(403);
    expect(invitations()).toBe(0);
  });

  it('POST creates the links (audited), then the CSV lists exactly them; downloading again creates nothing more', async () => {
    const res = await request(f, ev, 'post', `${base()}/invitations`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${base()}/invitations`);
    expect(invitations()).toBe(3);
    const audit = f.server.deps.db.prepare("SELECT detail FROM audit_log WHERE action = 'invitations.create' ORDER BY id DESC").get() as { detail: string };
    expect(JSON.parse(audit.detail)).toMatchObject({ created: 3 });
    const csv = await request(f, ev, 'get', `${base()}/invitations.csv`);
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trim().split('\n');
    expect(lines).toHaveLength(4);
    // a DSL added after the links were made gets none from a download, only from the next POST
    f.server.deps.db.prepare("INSERT INTO dsls (id, trial_id, urn, role, status, created_at) VALUES ('dsl-eeee', 't1', 100002, 'senco', 'active', '2026-03-02T10:00:00Z')").run();
    f.server.deps.db.prepare("INSERT INTO dsl_contacts (dsl_id, name, email) VALUES ('dsl-eeee', 'Eve Ess', 'eve@example.org')").run();
    expect((await (await request(f, ev, 'get', `${base()}/invitations.csv`)).text()).trim().split('\n')).toHaveLength(4);
    expect(invitations()).toBe(3);
    expect(await (await request(f, ev, 'get', `${base()}/invitations`)).text()).toMatch(/1 active DSL has no link for this wave yet/);
  });
});
