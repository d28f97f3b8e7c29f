// Who may read a programme's year-end report page: evaluators any, LA officers only their own LA's programme (404 otherwise), supervisors none.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { signIn, request, type Signed } from '../staff/fixture';
import { officerFixture } from '../dashboards/officer-fixture';
import { createProgramme, addPackage } from '../../server/storage/programme-repo';

let f: Awaited<ReturnType<typeof officerFixture>>;
const as: Record<string, Signed> = {};

beforeAll(async () => {
  f = await officerFixture(); // la_officer belongs to LA 990
  const at = '2025-07-20T12:00:00Z';
  createProgramme(f.server.deps.db, { id: 'own-prog', title: 'Own LA programme', laCode: '990', academicYear: '2024/25', at, actor: 'test' });
  addPackage(f.server.deps.db, 'own-prog', { name: 'Shared', pricePence: 150000, sessionsIncluded: 10, sessionMinutes: 120, maxSettings: 4, urns: [900000, 900001], at, actor: 'test' });
  createProgramme(f.server.deps.db, { id: 'other-prog', title: 'Other LA programme', laCode: '991', academicYear: '2024/25', at, actor: 'test' });
  for (const who of ['evaluator', 'supervisor', 'la_officer'] as const) as[who] = await signIn(f, who);
});
afterAll(async () => { await f.close(); });

describe('GET /staff/programmes/:id/report', () => {
  it('signed out 401, supervisor 403', async () => {
    expect((await request(f, null, 'get', '/staff/programmes/own-prog/report')).status).toBe(401);
    expect((await request(f, as.supervisor, 'get', '/staff/programmes/own-prog/report')).status).toBe(403);
  });

  it('officer: own LA 200 with the caveat and the shared cost; other LA and a trial id 404', async () => {
    const own = await request(f, as.la_officer, 'get', '/staff/programmes/own-prog/report');
    expect(own.status).toBe(200);
    const html = await own.text();
    expect(html).toContain('Change is not impact.');
    expect(html).toContain('£750.00'); // £1,500 shared by 2 settings
    expect((await request(f, as.la_officer, 'get', '/staff/programmes/other-prog/report')).status).toBe(404);
    expect((await request(f, as.la_officer, 'get', '/staff/programmes/tempt/report')).status).toBe(404);
  });

  it('evaluator: any programme', async () => {
    expect((await request(f, as.evaluator, 'get', '/staff/programmes/other-prog/report')).status).toBe(200);
  });
});
