// Invitation tokens never reach the request log, whatever the case of the path (issue #10: /S/<token> and /API/S/<token> are routed, Express matching ignoring case, and were logged in full).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedSurveyFixture, type SurveyFixture } from '../helpers/survey-fixture';
import { redactPath } from '../../server/http/problem';

let srv: TestServer;
let fx: SurveyFixture;
beforeAll(async () => {
  srv = await startTestServer({ clock: () => new Date('2025-03-01T09:00:00.000Z') }, { DSLKIT_LOG: 'info' });
  fx = seedSurveyFixture(srv.deps.db, srv.deps.secret, { instruments: ['ons4@1'], dsls: 1, opensAt: '2025-02-01T00:00:00.000Z', closesAt: '2025-04-01T00:00:00.000Z' });
});
afterAll(async () => { await srv.close(); });

describe('token redaction', () => {
  it('redactPath ignores case', () => {
    expect(redactPath('/S/abc123')).toBe('/S/[token]');
    expect(redactPath('/API/S/abc123/progress')).toBe('/API/S/[token]/progress');
    expect(redactPath('/Api/s/abc123')).toBe('/Api/s/[token]');
    expect(redactPath('/staff/trials/x')).toBe('/staff/trials/x');
  });

  it('upper- and mixed-case survey paths are served and logged without the token', async () => {
    const t = fx.dsls[0].token;
    for (const p of [`/S/${t}`, `/API/S/${t}`, `/Api/S/${t}`, `/API/S/${t}/PROGRESS`]) {
      const res = await fetch(`${srv.url}${p}`, p.endsWith('PROGRESS') ? { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"data":{},"page":0}' } : {});
      await res.arrayBuffer();
      expect(res.status, p).toBeLessThan(500);
    }
    expect(srv.logs.length).toBeGreaterThanOrEqual(4);
    expect(srv.logs.join('\n')).not.toContain(t);
  });
});
