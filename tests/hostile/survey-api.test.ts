// Property tests: hostile bodies, tokens and headers at the respondent survey API and invitation page never give a 5xx or a stack trace and never write anything half-way.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { responseCounts, seedSurveyFixture, type SurveyFixture } from '../helpers/survey-fixture';
import { getRegistry } from '../../instruments/registry';
import { attackString, attackStrings, call, describeExchange, hostileBody, stackTracePattern } from './hostile-helpers';

const instruments = ['ons4@1', 'pss10@1'];
const itemIds = instruments.flatMap((k) => getRegistry().get(k).items.map((i) => i.id));
let srv: TestServer;
let fx: SurveyFixture;

beforeAll(async () => {
  srv = await startTestServer({ clock: () => new Date('2025-03-01T09:00:00.000Z') });
  fx = seedSurveyFixture(srv.deps.db, srv.deps.secret, { instruments, dsls: 6, opensAt: '2025-02-01T00:00:00.000Z', closesAt: '2025-04-01T00:00:00.000Z' });
});
afterAll(async () => { await srv.close(); });

const token = fc.integer({ min: 0, max: 5 }).map((i) => fx.dsls[i].token);
const endpoint = fc.constantFrom(
  { method: 'PUT', suffix: '/progress', ok: [204], refused: [400, 409, 413, 415] },
  { method: 'POST', suffix: '/submit', ok: [200], refused: [400, 409, 413, 415, 422] }, // 422: not every scale scorable; 409: a different second submission
);

function noLeak(res: { text: string }, message: string): void {
  expect(res.text, message).not.toMatch(stackTracePattern);
}

describe('survey API under hostile bodies', () => {
  it('answers malformed JSON, wrong types and arbitrary JSON with 2xx or 4xx, never 5xx, and stores nothing on 4xx', async () => {
    await fc.assert(fc.asyncProperty(endpoint, token, hostileBody, async (ep, t, body) => {
      const before = responseCounts(srv.deps.db);
      const res = await call(`${srv.url}/api/s/${t}${ep.suffix}`, { method: ep.method, headers: { 'content-type': 'application/json' }, body });
      const msg = describeExchange({ ep: ep.suffix, body }, res);
      expect([...ep.ok, ...ep.refused], msg).toContain(res.status);
      noLeak(res, msg);
      if (res.status >= 400) {
        expect(res.type, msg).toMatch(/application\/problem\+json/);
        expect(responseCounts(srv.deps.db), msg).toEqual(before);
      }
    }), { numRuns: 100 });
  });

  it('accepts an answer set only when every id and value is valid, and then stores exactly what was sent', async () => {
    const value = fc.oneof(fc.integer({ min: -2, max: 12 }), fc.constantFrom(null, '3', 3.5, true, [], {}, '<script>alert(1)</script>'), fc.anything({ maxDepth: 1 }));
    // "__proto__" has its own test below
    const key = fc.oneof(fc.constantFrom(...itemIds), attackString.filter((k) => k !== '__proto__'));
    await fc.assert(fc.asyncProperty(token, fc.dictionary(key, value, { maxKeys: 6 }), async (t, data) => {
      const before = responseCounts(srv.deps.db);
      const body = JSON.stringify({ data, page: 0 });
      const res = await call(`${srv.url}/api/s/${t}/progress`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body });
      const msg = describeExchange(data, res);
      expect([204, 400, 409], msg).toContain(res.status);
      noLeak(res, msg);
      if (res.status === 204) {
        const saved = await call(`${srv.url}/api/s/${t}`);
        expect(JSON.parse(saved.text).data, msg).toEqual(JSON.parse(body).data);
        // one more snapshot, or as many as before once the response keeps its newest five (older progress saves are coalesced)
        expect(responseCounts(srv.deps.db).snapshots - before.snapshots, msg).toBeGreaterThanOrEqual(0);
        expect(responseCounts(srv.deps.db).snapshots - before.snapshots, msg).toBeLessThanOrEqual(1);
      } else {
        expect(responseCounts(srv.deps.db), msg).toEqual(before);
      }
    }), { numRuns: 100 });
  });

  it('refuses an answer keyed "__proto__" like any other unknown item, instead of dropping it and answering 2xx', async () => {
    for (const [method, suffix, body] of [
      ['PUT', '/progress', '{"data": {"__proto__": {"ons4_01": 99}}, "page": 0}'],
      ['POST', '/submit', '{"data": {"__proto__": {"ons4_01": 99}, "ons4_01": 5, "ons4_02": 5, "ons4_03": 5, "ons4_04": 5}}'],
    ]) {
      const before = responseCounts(srv.deps.db);
      const res = await call(`${srv.url}/api/s/${fx.dsls[3].token}${suffix}`, { method, headers: { 'content-type': 'application/json' }, body });
      expect(res.status, describeExchange(body, res)).toBe(400);
      expect(res.text).toMatch(/__proto__/); // the problem names the unknown item
      expect(responseCounts(srv.deps.db)).toEqual(before);
    }
  });

  it('refuses a huge body with 413 and stores nothing', async () => {
    for (const ep of ['/progress', '/submit']) {
      const before = responseCounts(srv.deps.db);
      const big = JSON.stringify({ data: { ons4_01: 5, filler: 'x'.repeat(2_000_000) }, page: 0 });
      const res = await call(`${srv.url}/api/s/${fx.dsls[5].token}${ep}`, { method: ep === '/submit' ? 'POST' : 'PUT', headers: { 'content-type': 'application/json' }, body: big });
      expect(res.status).toBe(413);
      noLeak(res, ep);
      expect(responseCounts(srv.deps.db)).toEqual(before);
    }
  });

  it('refuses bodies that are not JSON (form, text, XML, no content type) with 415 and stores nothing', async () => {
    const before = responseCounts(srv.deps.db);
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'application/xml', 'multipart/form-data; boundary=x', '']) {
      const res = await call(`${srv.url}/api/s/${fx.dsls[4].token}/submit`, { method: 'POST', headers: type ? { 'content-type': type } : {}, body: 'data[ons4_01]=5' });
      expect(res.status, type).toBe(415);
      noLeak(res, type);
    }
    expect(responseCounts(srv.deps.db)).toEqual(before);
  });
});

describe('survey links under hostile tokens', () => {
  const unknownToken = fc.oneof(
    // '.' and '..' are dot segments: the client removes them from the URL before sending
    attackString.filter((s) => s.length > 0 && s !== '.' && s !== '..'),
    fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('')), minLength: 43, maxLength: 43 }),
  );

  it('answers every unknown or malformed token with the same 404 (API and page), never 5xx, never echoing it', async () => {
    const reference = await call(`${srv.url}/api/s/${'A'.repeat(43)}`);
    const referencePage = await call(`${srv.url}/s/${'A'.repeat(43)}`);
    expect(reference.status).toBe(404);
    expect(referencePage.status).toBe(404);
    await fc.assert(fc.asyncProperty(unknownToken, fc.constantFrom('GET', 'PUT', 'POST'), async (raw, method) => {
      const path = encodeURIComponent(raw);
      const suffix = method === 'GET' ? '' : method === 'PUT' ? '/progress' : '/submit';
      const body = method === 'GET' ? undefined : JSON.stringify({ data: {}, page: 0 });
      const api = await call(`${srv.url}/api/s/${path}${suffix}`, { method, headers: { 'content-type': 'application/json' }, body });
      const msg = describeExchange(raw, api);
      expect(api.status, msg).toBeLessThan(500);
      noLeak(api, msg);
      if (api.status === 404 && method === 'GET') expect(api.text, msg).toBe(reference.text);
      const page = await call(`${srv.url}/s/${path}`);
      expect(page.status, describeExchange(raw, page)).toBeLessThan(500);
      noLeak(page, raw);
      if (page.status === 404) expect(page.text).toBe(referencePage.text);
      if (raw.length >= 4) { expect(api.text).not.toContain(raw); expect(page.text).not.toContain(raw); }
    }), { numRuns: 100 });
  });

  it('survives broken percent-encoding, path tricks and odd methods on survey paths', async () => {
    const paths = ['/api/s/%', '/api/s/%zz', '/api/s/%E0%A4%A', '/s/%', '/s/%E0%A4%A', '/api/s/..%2f..%2fetc%2fpasswd', '/s/..%2f..%2fserver%2fmain.ts',
      '/api/s/' + 'A'.repeat(10_000), '/s/' + encodeURIComponent(attackStrings[5]), '/api/s/%00/submit', '/assets/..%2f..%2fpackage.json', '/assets/%2e%2e/%2e%2e/package.json'];
    for (const p of paths) {
      for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
        const res = await call(srv.url + p, { method, headers: { 'content-type': 'application/json' }, body: method === 'GET' || method === 'OPTIONS' ? undefined : '{}' });
        const msg = `${method} ${p} -> ${res.status} ${res.text.slice(0, 200)}`;
        expect(res.status, msg).toBeGreaterThanOrEqual(200);
        expect(res.status, msg).toBeLessThan(500);
        noLeak(res, msg);
        expect(res.text, msg).not.toMatch(/"name":\s*"dslkit"|root:x:0:0/); // neither package.json nor /etc/passwd
      }
    }
  });
});
