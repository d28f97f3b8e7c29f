// The survey API's writes served outside Express (server/http/survey-write-path.ts) keep the HTTP behaviour they had under Express: routes matched in any case and with a trailing slash, security headers and no-store, 415/413/400 as problem+json, other methods left to Express, one redacted log line.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedSurveyFixture, type SurveyFixture } from '../helpers/survey-fixture';
import { contentSecurityPolicy } from '../../server/http/security';

let srv: TestServer;
let fx: SurveyFixture;
const now = new Date('2025-03-01T09:00:00.000Z');
const answers = { data: { ons4_01: 7, ons4_02: 8, ons4_03: 6, ons4_04: 3 } };

beforeAll(async () => {
  srv = await startTestServer({ clock: () => now }, { DSLKIT_LOG: 'info' });
  fx = seedSurveyFixture(srv.deps.db, srv.deps.secret, { instruments: ['ons4@1'], dsls: 4, opensAt: '2025-02-01T00:00:00.000Z', closesAt: '2025-04-01T00:00:00.000Z' });
});
afterAll(async () => { await srv.close(); });

/** A request with exactly these headers and raw body (fetch would add or normalise some). */
function raw(method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; json: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${srv.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text ? JSON.parse(text) : null });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
const json = { 'content-type': 'application/json' };
const completes = () => (srv.deps.db.prepare("SELECT count(*) AS n FROM responses WHERE status = 'complete'").get() as { n: number }).n;

describe('survey API writes outside Express', () => {
  it('sets the security headers and no-store, and answers a submit with its time', async () => {
    const r = await raw('POST', `/api/s/${fx.dsls[0].token}/submit`, json, JSON.stringify(answers));
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ status: 'complete', submittedAt: now.toISOString() });
    expect(r.headers['content-security-policy']).toBe(contentSecurityPolicy);
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['content-type']).toMatch(/^application\/json/);
  });

  it('matches the routes in any case and with a trailing slash, as Express did', async () => {
    const r = await raw('POST', `/API/S/${fx.dsls[1].token}/Submit/`, json, JSON.stringify(answers));
    expect(r.status).toBe(200);
    const p = await raw('PUT', `/api/s/${fx.dsls[2].token}/progress/`, json, JSON.stringify({ data: { ons4_01: 5 }, page: 0 }));
    expect(p.status).toBe(204);
  });

  it('leaves other methods on these paths to Express (405 problem with Allow, as the API document says) and stores nothing', async () => {
    const before = completes();
    const r = await raw('GET', `/api/s/${fx.dsls[3].token}/submit`, {});
    expect(r.status).toBe(405);
    expect(r.headers.allow).toBe('POST');
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    const put = await raw('PUT', `/api/s/${fx.dsls[3].token}/submit`, json, JSON.stringify(answers));
    expect(put.status).toBe(405);
    expect(completes()).toBe(before);
  });

  it('refuses what is not plain UTF-8 JSON with 415, a declared oversize body with 413, broken JSON and bad escapes with 400, all problem+json', async () => {
    const path = `/api/s/${fx.dsls[3].token}/submit`;
    const before = completes();
    const cases: Array<[Record<string, string>, string | Buffer, number, RegExp]> = [
      [{ 'content-type': 'text/plain' }, JSON.stringify(answers), 415, /Send the answers as JSON/],
      [{ 'content-type': 'application/json; charset=latin1' }, JSON.stringify(answers), 415, /encoding is not supported/],
      [{ 'content-type': 'application/json', 'content-encoding': 'gzip' }, Buffer.from([0x1f, 0x8b]), 415, /encoding is not supported/],
      [{ 'content-type': 'application/json', 'content-length': String(64 * 1024 + 1) }, 'x'.repeat(64 * 1024 + 1), 413, /larger than this endpoint accepts/],
      [json, '{"data": {', 400, /not valid JSON/],
      [json, '"just a string"', 400, /not valid JSON/],
    ];
    for (const [headers, body, status, detail] of cases) {
      const r = await raw('POST', path, headers, body);
      expect(r.status, JSON.stringify(headers)).toBe(status);
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(r.json.status).toBe(status);
      expect(r.json.detail).toMatch(detail);
      expect(r.headers['content-security-policy']).toBe(contentSecurityPolicy);
    }
    const undecodable = await raw('POST', '/api/s/%E0%A4%A/submit', json, JSON.stringify(answers));
    expect(undecodable.status).toBe(400);
    expect(completes()).toBe(before);
  });

  it('logs one line per write with the token redacted', async () => {
    srv.logs.length = 0;
    await raw('POST', `/api/s/${fx.dsls[0].token}/submit`, json, JSON.stringify(answers)); // already submitted: idempotent 200
    await new Promise((r) => setTimeout(r, 20));
    const lines = srv.logs.filter((l) => l.startsWith('POST '));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^POST \/api\/s\/\[token\]\/submit 200 \d+\.\dms$/);
    expect(srv.logs.join('\n')).not.toContain(fx.dsls[0].token);
  });
});
