// HTTP tests of the respondent survey API against the real app and a real SQLite file: validation, idempotent submit, 404/410, scores.
import fs from 'node:fs';
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { responseCounts, seedSurveyFixture, type SurveyFixture } from '../helpers/survey-fixture';
import { getRegistry } from '../../instruments/registry';
import { scoreInstrument } from '../../instruments/score';

const pssCases = JSON.parse(fs.readFileSync(new URL('../../instruments/pss10/cases.json', import.meta.url), 'utf8')) as
  { cases: { name: string; answers: Record<string, number | null>; expected: Record<string, { value: number | null }> }[] };
const completeCase = pssCases.cases.find((c) => c.name === 'complete')!;
const ons4Answers = { ons4_01: 7, ons4_02: 8, ons4_03: 6, ons4_04: 3 };
/** Every item of the wave (ons4 then pss10): a submission that scores every scale. */
const waveAnswers = { ...ons4Answers, ...completeCase.answers };

let now = new Date('2025-03-01T09:00:00.000Z');
let srv: TestServer;
let fx: SurveyFixture;
let closed: SurveyFixture;
let future: SurveyFixture;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; type: string; text: string; json: () => any }> {
  const res = await fetch(srv.url + path, {
    method, headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, json: () => JSON.parse(text) };
}

const tokenOf = (f: SurveyFixture, i: number) => f.dsls[i].token;
const countSnapshots = (kind: string, invitationId: number) => (srv.deps.db.prepare(
  'SELECT count(*) AS n FROM response_snapshots s JOIN responses r ON r.id = s.response_id WHERE r.invitation_id = ? AND s.kind = ?').get(invitationId, kind) as { n: number }).n;

beforeAll(async () => {
  srv = await startTestServer({ clock: () => now }, { DSLKIT_LOG: 'info' });
  fx = seedSurveyFixture(srv.deps.db, srv.deps.secret, { instruments: ['ons4@1', 'pss10@1'], dsls: 8, opensAt: '2025-02-01T00:00:00.000Z', closesAt: '2025-04-01T00:00:00.000Z' });
  closed = seedSurveyFixture(srv.deps.db, srv.deps.secret, { trialId: 'closedtrial', instruments: ['pss10@1'], opensAt: '2025-01-01T00:00:00.000Z', closesAt: '2025-03-01T09:00:00.000Z' });
  future = seedSurveyFixture(srv.deps.db, srv.deps.secret, { trialId: 'futuretrial', instruments: ['pss10@1'], opensAt: '2025-06-01T00:00:00.000Z', closesAt: '2025-07-01T00:00:00.000Z' });
});
afterAll(async () => { await srv.close(); });

describe('GET /api/s/:token', () => {
  it('returns the wave survey with a progress bar, no scoring keys, and nothing saved yet', async () => {
    const r = await call('GET', `/api/s/${tokenOf(fx, 0)}`);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/application\/json/);
    const body = r.json();
    expect(body.status).toBe('new');
    expect(body.data).toEqual({});
    expect(body.page).toBe(0);
    expect(body.closesAt).toBe('2025-04-01T00:00:00.000Z');
    expect(body.survey.showProgressBar).toBe(true);
    // ons4 has 1 page and pss10 has 1 page in their survey.json files
    expect(body.survey.pages.map((p: { name: string }) => p.name)).toEqual(['ons4__ons4_page1', 'pss10__pss10_page1']);
    expect(r.text).not.toMatch(/correctAnswer|reverse|"arm"|intervention/);
  });
});

describe('PUT /api/s/:token/progress', () => {
  it('appends a progress snapshot and the next GET restores answers and page', async () => {
    const token = tokenOf(fx, 1);
    const r1 = await call('PUT', `/api/s/${token}/progress`, { data: ons4Answers, page: 1 });
    expect(r1.status).toBe(204);
    const r2 = await call('PUT', `/api/s/${token}/progress`, { data: { ...ons4Answers, pss10_01: 2 }, page: 1 });
    expect(r2.status).toBe(204);
    const back = (await call('GET', `/api/s/${token}`)).json();
    expect(back).toMatchObject({ status: 'partial', page: 1, data: { ...ons4Answers, pss10_01: 2 } });
    // two saves -> two snapshots, the first never overwritten
    expect(countSnapshots('progress', fx.dsls[1].invitationId)).toBe(2);
  });

  it('lists every invalid answer with a JSON pointer and stores nothing', async () => {
    const before = responseCounts(srv.deps.db);
    const r = await call('PUT', `/api/s/${tokenOf(fx, 2)}/progress`, { data: { ons4_01: 11, pss10_02: 'often', nosuch_01: 1, pss10_03: 2 }, page: 0 });
    expect(r.status).toBe(400);
    expect(r.type).toMatch(/application\/problem\+json/);
    const body = r.json();
    expect(body.status).toBe(400);
    expect(body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/data/nosuch_01', '/data/ons4_01', '/data/pss10_02']);
    expect(responseCounts(srv.deps.db)).toEqual(before);
  });

  it('refuses a malformed body shape and a page outside the survey, storing nothing', async () => {
    const before = responseCounts(srv.deps.db);
    const shape = await call('PUT', `/api/s/${tokenOf(fx, 2)}/progress`, { data: [1, 2], page: -1 });
    expect(shape.status).toBe(400);
    expect(shape.json().errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/data', '/page']);
    const page = await call('PUT', `/api/s/${tokenOf(fx, 2)}/progress`, { data: {}, page: 2 });
    expect(page.status).toBe(400);
    expect(page.json().errors).toEqual([expect.objectContaining({ pointer: '/page' })]);
    const notJson = await call('PUT', `/api/s/${tokenOf(fx, 2)}/progress`, 'data=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(notJson.status).toBe(415);
    const badJson = await call('PUT', `/api/s/${tokenOf(fx, 2)}/progress`, '{"data": ', {});
    expect(badJson.status).toBe(400);
    expect(badJson.type).toMatch(/problem\+json/);
    expect(responseCounts(srv.deps.db)).toEqual(before);
  });

  it('answers 413 problem+json to a body over 64 kB and stores nothing', async () => {
    const before = responseCounts(srv.deps.db);
    const r = await call('PUT', `/api/s/${tokenOf(fx, 2)}/progress`, { data: { ons4_01: 1, pad: 'x'.repeat(70 * 1024) }, page: 0 });
    expect(r.status).toBe(413);
    expect(r.type).toMatch(/application\/problem\+json/);
    expect(r.json().status).toBe(413);
    expect(responseCounts(srv.deps.db)).toEqual(before);
  });
});

describe('POST /api/s/:token/submit', () => {
  it('stores raw answers and the scores scoreInstrument computes, tagged id@version', async () => {
    const dsl = fx.dsls[3];
    const answers = { ...ons4Answers, ...completeCase.answers };
    const r = await call('POST', `/api/s/${dsl.token}/submit`, { data: answers });
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ status: 'complete', submittedAt: now.toISOString() });
    expect(r.text).not.toMatch(/score|total|band/i);
    const db = srv.deps.db;
    const response = db.prepare('SELECT id, dsl_id, wave_id, status FROM responses WHERE invitation_id = ?').get(dsl.invitationId) as { id: number; dsl_id: string; wave_id: number; status: string };
    expect(response).toMatchObject({ dsl_id: dsl.dslId, wave_id: fx.waveId, status: 'complete' });
    const stored = db.prepare('SELECT instrument, scale, value, reason, band FROM scores WHERE response_id = ? ORDER BY instrument, scale').all(response.id);
    const registry = getRegistry();
    const expected = ['ons4@1', 'pss10@1'].flatMap((k) => {
      const s = scoreInstrument(registry.get(k), answers);
      return Object.entries(s.scales).map(([scale, v]) => ({ instrument: s.instrument, scale, value: v.value, reason: v.reason ?? null, band: v.band ?? null }));
    }).sort((a, b) => (a.instrument + a.scale).localeCompare(b.instrument + b.scale));
    expect(stored).toEqual(expected);
    // instruments/pss10/cases.json "complete": hand-computed total 26 (Cohen's reverse-and-sum rule)
    expect(stored).toContainEqual(expect.objectContaining({ instrument: 'pss10@1', scale: 'total', value: completeCase.expected.total.value }));
    expect(completeCase.expected.total.value).toBe(26);
    // linked to school, LA and arm through dsls and allocations (joined, not copied)
    const link = db.prepare(`SELECT s.la_code, a.arm FROM responses r JOIN dsls d ON d.id = r.dsl_id JOIN schools s ON s.urn = d.urn
      JOIN allocations a ON a.trial_id = d.trial_id AND a.urn = d.urn WHERE r.id = ?`).get(response.id);
    expect(link).toEqual({ la_code: '350', arm: 'intervention' });
    const snap = db.prepare("SELECT answers FROM response_snapshots WHERE response_id = ? AND kind = 'submit'").get(response.id) as { answers: string };
    expect(JSON.parse(snap.answers)).toEqual(answers);
  });

  it('a double submit stores one response and one submit snapshot and answers the same', async () => {
    const dsl = fx.dsls[4];
    const first = await call('POST', `/api/s/${dsl.token}/submit`, { data: waveAnswers });
    const countsAfterFirst = responseCounts(srv.deps.db);
    now = new Date(now.getTime() + 5000);
    const second = await call('POST', `/api/s/${dsl.token}/submit`, { data: waveAnswers });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.json()).toEqual(first.json());
    expect(responseCounts(srv.deps.db)).toEqual(countsAfterFirst);
    expect(countSnapshots('submit', dsl.invitationId)).toBe(1);
  });

  it('five concurrent submits store one response', async () => {
    const dsl = fx.dsls[5];
    const results = await Promise.all(Array.from({ length: 5 }, () => call('POST', `/api/s/${dsl.token}/submit`, { data: waveAnswers })));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(results.map((r) => r.text)).size).toBe(1);
    expect((srv.deps.db.prepare('SELECT count(*) AS n FROM responses WHERE invitation_id = ?').get(dsl.invitationId) as { n: number }).n).toBe(1);
    expect(countSnapshots('submit', dsl.invitationId)).toBe(1);
    // pss10 has one scale (total): one score row, not five
    expect((srv.deps.db.prepare('SELECT count(*) AS n FROM scores s JOIN responses r ON r.id = s.response_id WHERE r.invitation_id = ?').get(dsl.invitationId) as { n: number }).n).toBe(Object.keys(scoreInstrument(getRegistry().get('pss10@1'), {}).scales).length + 4);
  });

  it('refuses invalid answers on submit, storing nothing, and further progress after submitting', async () => {
    const before = responseCounts(srv.deps.db);
    const bad = await call('POST', `/api/s/${tokenOf(fx, 6)}/submit`, { data: { pss10_01: 5 } });
    expect(bad.status).toBe(400);
    expect(bad.json().errors).toEqual([expect.objectContaining({ pointer: '/data/pss10_01' })]);
    expect(responseCounts(srv.deps.db)).toEqual(before);
    const after = await call('PUT', `/api/s/${tokenOf(fx, 4)}/progress`, { data: {}, page: 0 });
    expect(after.status).toBe(409);
    const status = (await call('GET', `/api/s/${tokenOf(fx, 4)}`)).json().status;
    expect(status).toBe('complete');
  });
});

describe('links that do not work', () => {
  it('answers 404 with identical bodies for unknown, malformed and not-yet-open links', async () => {
    const unknownA = crypto.randomBytes(32).toString('base64url');
    const unknownB = crypto.randomBytes(32).toString('base64url');
    const bodies = await Promise.all([unknownA, unknownB, 'short', tokenOf(future, 0)].map((t) => call('GET', `/api/s/${t}`)));
    expect(bodies.map((b) => b.status)).toEqual([404, 404, 404, 404]);
    expect(new Set(bodies.map((b) => b.text)).size).toBe(1);
    expect(bodies[0].type).toMatch(/application\/problem\+json/);
    const writes = await Promise.all([call('PUT', `/api/s/${unknownA}/progress`, { data: {}, page: 0 }), call('POST', `/api/s/${unknownB}/submit`, { data: {} })]);
    expect(writes.map((w) => w.status)).toEqual([404, 404]);
    expect(writes[0].text).toBe(bodies[0].text);
  });

  it('answers 410 once the wave has closed (now >= closes_at) and for a withdrawn DSL', async () => {
    const before = responseCounts(srv.deps.db);
    for (const r of [await call('GET', `/api/s/${tokenOf(closed, 0)}`), await call('POST', `/api/s/${tokenOf(closed, 0)}/submit`, { data: completeCase.answers })]) {
      expect(r.status).toBe(410);
      expect(r.type).toMatch(/problem\+json/);
    }
    srv.deps.db.prepare("UPDATE dsls SET status = 'withdrawn' WHERE id = ?").run(fx.dsls[7].dslId);
    expect((await call('GET', `/api/s/${tokenOf(fx, 7)}`)).status).toBe(410);
    expect(responseCounts(srv.deps.db)).toEqual(before);
  });

  it('serves friendly HTML pages for /s/<token> with no hint about other links', async () => {
    const [a, b] = await Promise.all([crypto.randomBytes(32).toString('base64url'), 'nonsense'].map((t) => call('GET', `/s/${t}`)));
    expect([a.status, b.status]).toEqual([404, 404]);
    expect(a.text).toBe(b.text);
    expect(a.type).toMatch(/text\/html/);
    expect(a.text).toContain("This link doesn't work");
    expect(a.text).toContain('lang="en-GB"');
    expect(a.text).not.toMatch(/<script/i);
    const gone = await call('GET', `/s/${tokenOf(closed, 0)}`);
    expect(gone.status).toBe(410);
    expect(gone.text).toContain('This survey has closed');
    expect(gone.text).not.toMatch(/<script/i);
  });

  it('serves the start page, then the built client for an open link, and its assets with immutable caching', async () => {
    const start = await call('GET', `/s/${tokenOf(fx, 0)}`);
    expect(start.status).toBe(200);
    expect(start.text).toContain('Start now');
    expect(start.text).toMatch(/<link rel="prefetch" href="\/assets\/[^"]+\.js"/);
    const page = await call('GET', `/s/${tokenOf(fx, 0)}?begin`);
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/text\/html/);
    const src = /<script type="module" crossorigin src="(\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
    expect(src).toBeDefined();
    const asset = await fetch(srv.url + src);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
    await asset.arrayBuffer();
  });

  it('never writes a token to the request log', async () => {
    await call('GET', `/api/s/${tokenOf(fx, 0)}`);
    await call('GET', `/s/${tokenOf(fx, 0)}`);
    expect(srv.logs.length).toBeGreaterThan(0);
    for (const d of [...fx.dsls, ...closed.dsls]) expect(srv.logs.join('\n')).not.toContain(d.token);
  });
});
