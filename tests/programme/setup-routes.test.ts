// HTTP tests of the programme set-up pages: evaluators create a programme for any LA, officers only for their own; packages with settings; GOV.UK error summaries; CSRF; audit; the year-end report afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffFixture, signIn, request, type StaffFixture, type Signed } from '../staff/fixture';

let f: StaffFixture;
let evaluator: Signed;
let officer: Signed; // LA officer for 350 (Bolton) in the staff fixture
let supervisor: Signed;

beforeAll(async () => {
  f = await staffFixture();
  evaluator = await signIn(f, 'evaluator');
  officer = await signIn(f, 'la_officer');
  supervisor = await signIn(f, 'supervisor');
}, 60_000);
afterAll(async () => { await f.close(); });

const db = () => f.server.deps.db;
const audit = (action: string) => db().prepare('SELECT actor, trial_id AS trialId FROM audit_log WHERE action = ? ORDER BY id').all(action) as Array<{ actor: string; trialId: string }>;
const userId = (email: string) => (db().prepare('SELECT id FROM users WHERE email = ?').get(email) as { id: number }).id;

describe('creating a programme', () => {
  it('an evaluator creates one for any LA; it is audited and shown in the list', async () => {
    const res = await request(f, evaluator, 'post', '/staff/programmes', { id: 'bury-2025', title: 'Bury supervision offer', la: '351', year: '2025/26' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/staff/programmes/bury-2025');
    expect(db().prepare("SELECT kind, starts_on AS startsOn FROM trials WHERE id = 'bury-2025'").get()).toEqual({ kind: 'programme', startsOn: '2025-09-01' });
    expect(audit('programme.create').at(-1)).toEqual({ actor: `user:${userId(f.emails.evaluator)}`, trialId: 'bury-2025' });
    const list = await (await request(f, evaluator, 'get', '/staff/programmes')).text();
    expect(list).toContain('Bury supervision offer');
  });

  it('bad fields give a GOV.UK error summary linking to each field, and nothing is stored', async () => {
    const res = await request(f, evaluator, 'post', '/staff/programmes', { id: 'Bad Id', title: '', la: '', year: '2025/27' });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('govuk-error-summary');
    for (const field of ['id', 'title', 'la', 'year']) expect(html).toContain(`href="#${field}"`);
    expect(html).toContain('The second year must follow the first');
    expect(html).toContain('govuk-form-group--error');
    expect(db().prepare("SELECT count(*) AS n FROM trials WHERE kind = 'programme'").get()).toEqual({ n: 1 });
  });

  it('a taken id is a 409 shown on the form', async () => {
    const res = await request(f, evaluator, 'post', '/staff/programmes', { id: 'bury-2025', title: 'Again', la: '351', year: '2025/26' });
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('already exists');
  });

  it('an LA officer always creates it for their own LA, whatever LA the form sends', async () => {
    const res = await request(f, officer, 'post', '/staff/programmes', { id: 'bolton-2025', title: 'Bolton offer', la: '351', year: '2025/26' });
    expect(res.status).toBe(303);
    expect(db().prepare("SELECT la_code AS la FROM programmes WHERE trial_id = 'bolton-2025'").get()).toEqual({ la: '350' });
  });

  it('an LA officer sees only their own LA\'s programmes; another LA\'s programme is 404 to them', async () => {
    const list = await (await request(f, officer, 'get', '/staff/programmes')).text();
    expect(list).toContain('Bolton offer');
    expect(list).not.toContain('Bury supervision offer');
    expect((await request(f, officer, 'get', '/staff/programmes/bury-2025')).status).toBe(404);
    expect((await request(f, officer, 'post', '/staff/programmes/bury-2025/packages', { name: 'P', price: '1500', sessions: '10', minutes: '120', maxSettings: '4', urns: '100003' })).status).toBe(404);
  });

  it('supervisors are refused and a post without the CSRF token is refused', async () => {
    expect((await request(f, supervisor, 'get', '/staff/programmes')).status).toBe(403);
    const res = await request(f, evaluator, 'post', '/staff/programmes', { id: 'no-csrf', title: 'x', la: '350', year: '2025/26' }, { csrf: null });
    expect(res.status).toBe(403);
    expect(db().prepare("SELECT count(*) AS n FROM trials WHERE id = 'no-csrf'").get()).toEqual({ n: 0 });
  });
});

describe('adding packages', () => {
  const pkg = (urns: string, extra: Record<string, string> = {}) => ({ name: 'Shared package', price: '1,500', sessions: '10', minutes: '120', maxSettings: '4', urns, ...extra });

  it('adds a package with its settings (audited) and lists them by name', async () => {
    const res = await request(f, officer, 'post', '/staff/programmes/bolton-2025/packages', pkg('100001, 100002'));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Added Shared package: £1,500.00 for 10 sessions, shared by 2 settings.');
    expect(html).toContain('School 100001 (100001); School 100002 (100002)');
    expect(db().prepare("SELECT price_pence AS p, sessions_included AS s, session_minutes AS m FROM programme_packages WHERE trial_id = 'bolton-2025'").all()).toEqual([{ p: 150000, s: 10, m: 120 }]);
    expect(audit('programme.package.add').at(-1)).toEqual({ actor: `user:${userId(f.emails.la_officer)}`, trialId: 'bolton-2025' });
  });

  it('refuses settings of another LA, bad numbers and too many settings, each with an error linked to its field', async () => {
    const other = await request(f, officer, 'post', '/staff/programmes/bolton-2025/packages', pkg('100003', { name: 'Other LA' }));
    expect(other.status).toBe(400);
    expect(await other.text()).toContain('URN 100003');
    const bad = await (await request(f, officer, 'post', '/staff/programmes/bolton-2025/packages', pkg('abc', { price: 'lots', sessions: '0', minutes: '', name: '' }))).text();
    for (const field of ['name', 'price', 'sessions', 'minutes', 'urns']) expect(bad).toContain(`href="#${field}"`);
    const many = await request(f, evaluator, 'post', '/staff/programmes/bolton-2025/packages', pkg('100001 100002 200001', { name: 'Too many', maxSettings: '2' }));
    expect(many.status).toBe(400);
    expect(await many.text()).toContain('at most 2 settings');
    const dup = await request(f, evaluator, 'post', '/staff/programmes/bolton-2025/packages', pkg('200001'));
    expect(dup.status).toBe(409);
    expect(db().prepare("SELECT count(*) AS n FROM programme_packages WHERE trial_id = 'bolton-2025'").get()).toEqual({ n: 1 });
  });

  it('the year-end report shows the package bought', async () => {
    const html = await (await request(f, officer, 'get', '/staff/programmes/bolton-2025/report')).text();
    expect(html).toContain('Shared package');
    expect(html).toContain('£1,500.00');
    expect(html).toContain('0 of 10 bought');
  });
});
