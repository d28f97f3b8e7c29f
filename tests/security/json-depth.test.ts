// A deeply nested JSON body (issue #10: a 60 KB nested answer overflowed the stack in validation, 500) is refused with 400 problem+json on the survey API and the staff site, and nothing is stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedSurveyFixture, type SurveyFixture } from '../helpers/survey-fixture';
import { jsonDepth, maxJsonDepth } from '../../server/domain/json-depth';

let srv: TestServer;
let fx: SurveyFixture;
beforeAll(async () => {
  srv = await startTestServer({ clock: () => new Date('2025-03-01T09:00:00.000Z') });
  fx = seedSurveyFixture(srv.deps.db, srv.deps.secret, { instruments: ['ons4@1'], dsls: 2, opensAt: '2025-02-01T00:00:00.000Z', closesAt: '2025-04-01T00:00:00.000Z' });
});
afterAll(async () => { await srv.close(); });

/** An answer nested `depth` arrays deep inside the body, as in the 60 KB attack (30,000 levels = 60 kB). */
const nestedAnswer = (levels: number) => `{"data":{"ons4_01":${'['.repeat(levels)}7${']'.repeat(levels)}},"page":0}`;
const rows = () => (srv.deps.db.prepare('SELECT count(*) AS n FROM responses').get() as { n: number }).n;

describe('JSON nesting limit', () => {
  it('counts depth without recursion, even 100,000 levels deep', () => {
    expect(jsonDepth({ a: [1, { b: [] }] })).toBe(4);
    expect(jsonDepth(7)).toBe(0);
    expect(jsonDepth(JSON.parse(nestedAnswer(100_000)))).toBe(100_002);
  });

  for (const [method, action] of [['PUT', 'progress'], ['POST', 'submit']] as const) {
    it(`${method} /api/s/:token/${action} with a 60 kB nested answer: 400 problem+json, nothing stored`, async () => {
      const body = nestedAnswer(30_000);
      expect(body.length).toBeGreaterThan(60_000);
      expect(body.length).toBeLessThan(64 * 1024); // under the body limit: only the nesting is at fault
      const before = rows();
      const res = await fetch(`${srv.url}/api/s/${fx.dsls[0].token}/${action}`, { method, headers: { 'content-type': 'application/json' }, body: action === 'submit' ? body.replace(',"page":0', '') : body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect((await res.json()).detail).toMatch(new RegExp(`more than ${maxJsonDepth} deep`));
      expect(rows()).toBe(before);
    });
  }

  it('still takes a body nested exactly to the limit (then judges its answers as usual)', async () => {
    const res = await fetch(`${srv.url}/api/s/${fx.dsls[1].token}/progress`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: nestedAnswer(maxJsonDepth - 2) });
    expect(res.status).toBe(400);
    expect((await res.json()).detail).not.toMatch(/deep/); // refused for the answer's value, not its depth
  });

  it('the survey read (GET, Express) takes no body; a deeply nested query string is ignored, not parsed', async () => {
    const res = await fetch(`${srv.url}/api/s/${fx.dsls[0].token}?${'a'}${'[x]'.repeat(5000)}=1`);
    expect(res.status).toBe(200);
  });

  it('staff JSON: a deeply nested body is 400 problem+json before any handler walks it', async () => {
    const res = await fetch(`${srv.url}/staff/login`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: `{"email":${'['.repeat(30_000)}${']'.repeat(30_000)}}` });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await res.json()).detail).toMatch(/deep/);
  });
});
