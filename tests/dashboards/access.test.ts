// Who may see and publish LA dashboards: officers only their own LA (404 for others), evaluators preview any, supervisors none; public pages need no sign-in.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { signIn, request, type Signed } from '../staff/fixture';
import { officerFixture } from './officer-fixture';
import { readAudit } from '../../server/storage/audit-repo';

let f: Awaited<ReturnType<typeof officerFixture>>;
const as: Record<string, Signed> = {};

beforeAll(async () => {
  f = await officerFixture();
  for (const who of ['admin', 'evaluator', 'supervisor', 'la_officer'] as const) as[who] = await signIn(f, who);
});
afterAll(async () => { await f.close(); });

describe('officer routes × roles', () => {
  it('signed out: 401 on every officer route', async () => {
    expect((await request(f, null, 'get', '/staff/la')).status).toBe(401);
    expect((await request(f, null, 'get', '/staff/la/990')).status).toBe(401);
    expect((await request(f, null, 'post', '/staff/la/990/publish')).status).toBe(401);
  });

  it('supervisor: 403 everywhere', async () => {
    expect((await request(f, as.supervisor, 'get', '/staff/la')).status).toBe(403);
    expect((await request(f, as.supervisor, 'get', '/staff/la/990')).status).toBe(403);
    expect((await request(f, as.supervisor, 'post', '/staff/la/990/publish')).status).toBe(403);
  });

  it('LA officer: own LA previews (200); another LA, or a made-up one, is 404 and cannot be published', async () => {
    const list = await request(f, as.la_officer, 'get', '/staff/la');
    expect(list.status).toBe(303);
    expect(list.headers.get('location')).toBe('/staff/la/990');
    const own = await request(f, as.la_officer, 'get', '/staff/la/990');
    expect(own.status).toBe(200);
    const html = await own.text();
    expect(html).toContain('Temptingshire');
    expect(html).toContain('Publish this dashboard');
    expect((await request(f, as.la_officer, 'get', '/staff/la/991')).status).toBe(404);
    expect((await request(f, as.la_officer, 'get', '/staff/la/zzz')).status).toBe(404);
    expect((await request(f, as.la_officer, 'post', '/staff/la/991/publish')).status).toBe(404);
    expect((await fetch(`${f.server.url}/dashboards/991`)).status).toBe(404);
  });

  it('evaluator previews any LA but cannot publish; admin can publish', async () => {
    expect((await request(f, as.evaluator, 'get', '/staff/la')).status).toBe(200);
    expect((await request(f, as.evaluator, 'get', '/staff/la/991')).status).toBe(200);
    expect((await request(f, as.evaluator, 'post', '/staff/la/991/publish')).status).toBe(403);
    const pub = await request(f, as.admin, 'post', '/staff/la/991/publish');
    expect(pub.status).toBe(303);
    expect(pub.headers.get('location')).toBe('/staff/la/991/published');
  });

  it('publishing needs the CSRF token', async () => {
    const res = await request(f, as.la_officer, 'post', '/staff/la/990/publish', {}, { csrf: 'wrong' });
    expect(res.status).toBe(403);
    expect((await fetch(`${f.server.url}/dashboards/990`)).status).toBe(404);
  });

  it('the officer publishes their own LA (audited with who); the public page needs no sign-in and no cookie', async () => {
    const res = await request(f, as.la_officer, 'post', '/staff/la/990/publish');
    expect(res.status).toBe(303);
    const pub = await fetch(`${f.server.url}/dashboards/990`);
    expect(pub.status).toBe(200);
    expect(pub.headers.get('set-cookie')).toBeNull();
    expect(await pub.text()).toContain('Published on 20 July 2025');
    const index = await (await fetch(`${f.server.url}/dashboards`)).text();
    expect(index).toContain('href="/dashboards/990"');
    const entry = readAudit(f.server.deps.db).find((a) => a.action === 'dashboard.publish' && (a.detail as { laCode?: string }).laCode === '990');
    expect(entry?.actor).toMatch(/^user:\d+$/);
  });
});
