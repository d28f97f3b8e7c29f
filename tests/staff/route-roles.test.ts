// Every staff route x every role, generated from the one route table: 401 signed out, 403 wrong role, allowed otherwise; 404 for other supervisors' objects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffRoutes } from '../../server/http/staff/routes';
import { staffFixture, signIn, request, type StaffFixture, type Signed, type Who } from './fixture';

let f: StaffFixture;
const signed: Partial<Record<Who, Signed>> = {};
const roles: Who[] = ['admin', 'evaluator', 'supervisor', 'la_officer'];

beforeAll(async () => {
  f = await staffFixture();
  for (const r of [...roles, 'supervisor2' as Who]) signed[r] = await signIn(f, r);
}, 60_000);
afterAll(async () => { await f.close(); });

/** Concrete URL for a route path, from the fixture's objects. */
function concrete(path: string): string {
  return `/staff${path}`.replace(/\/$/, '').replace(':trialId', f.ids.trial).replace(':dslId', f.ids.dsl).replace(':waveId', String(f.ids.wave))
    .replace(':sessionId', String(f.ids.session)).replace(':kind', 'ipe').replace(':file', 'long.csv')
    .replace(':userId', String(f.ids.supervisor2User)) || '/staff';
}

describe('route table x roles', () => {
  it('has routes for every console', () => {
    // every route in the table is exercised below; this guards against an empty table passing vacuously
    expect(staffRoutes.length).toBeGreaterThan(25);
  });
  for (const route of staffRoutes) {
    if (route.roles === 'public') continue;
    const allowed = route.roles;
    it(`${route.method.toUpperCase()} ${route.path} (${route.summary}): signed out -> 401`, async () => {
      const res = await request(f, null, route.method, concrete(route.path));
      expect(res.status).toBe(401);
    });
    for (const role of roles) {
      const ok = allowed.includes(role as never);
      if (route.path === '/logout' && ok) continue; // signing out is tested on its own (it ends the shared session)
      it(`${route.method.toUpperCase()} ${route.path} as ${role} -> ${ok ? 'allowed' : '403'}`, async () => {
        const res = await request(f, signed[role]!, route.method, concrete(route.path));
        if (ok) {
          expect([401, 403]).not.toContain(res.status);
          expect(res.status).toBeLessThan(500);
        } else expect(res.status).toBe(403);
      });
    }
  }
});

describe('objects of others are 404', () => {
  it('another supervisor cannot see or write the record of my session', async () => {
    const path = `/staff/supervision/${f.ids.trial}/sessions/${f.ids.session}/record`;
    expect((await request(f, signed.supervisor!, 'get', path)).status).toBe(200);
    expect((await request(f, signed.supervisor2!, 'get', path)).status).toBe(404);
    expect((await request(f, signed.supervisor2!, 'post', path, { dsl: 'dsl-aaaa', supervision_record_date: '2026-02-01' })).status).toBe(404);
  });
  it('a supervisor cannot open a trial where they have no schools, nor log DSLs of another supervisor', async () => {
    expect((await request(f, signed.supervisor!, 'get', `/staff/supervision/${f.ids.otherTrial}/sessions/new`)).status).toBe(404);
    const res = await request(f, signed.supervisor!, 'post', `/staff/supervision/${f.ids.trial}/sessions`, { kind: 'formal', mode: 'online', heldOn: '2026-03-01', durationMinutes: '60', dsls: ['dsl-cccc'] });
    expect(res.status).toBe(400);
    const n = (f.server.deps.db.prepare("SELECT count(*) AS n FROM supervision_attendees WHERE dsl_id = 'dsl-cccc'").get() as { n: number }).n;
    expect(n).toBe(1); // only the fixture's session of supervisor 2
  });
  it('the supervisor home never shows survey answers or scores, and shows only their own DSLs', async () => {
    const home = await (await request(f, signed.supervisor!, 'get', '/staff/supervision')).text();
    const school = await (await request(f, signed.supervisor!, 'get', '/staff/supervision/t1/schools/100001')).text();
    expect((await request(f, signed.supervisor!, 'get', '/staff/supervision/t1/schools/100003')).status).toBe(404); // another supervisor's school
    const html = home + school;
    expect(school).toContain('Ann Able');
    expect(html).not.toContain('Cat Cole');
    expect(html).not.toMatch(/score|pss10/i);
  });
  it('unknown trial is 404 for an evaluator', async () => {
    expect((await request(f, signed.evaluator!, 'get', '/staff/trials/nope')).status).toBe(404);
  });
});
