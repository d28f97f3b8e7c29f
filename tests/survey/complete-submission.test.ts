// An empty or unfinished survey is never accepted as complete: a submission must let every scale of the wave be scored under its missing-item rule, or it is refused (422 problem+json listing the unanswered items) and nothing changes, on the Node write path, through the repository, and not on Express either; the survey JSON marks the items every scale needs.
import fs from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { responseCounts, seedSurveyFixture, type SurveyFixture } from '../helpers/survey-fixture';
import { createApp } from '../../server/app';
import { getRegistry } from '../../instruments/registry';
import { unscorableScales, alwaysNeededItems } from '../../instruments/completeness';
import { submitResponse } from '../../server/storage/response-repo';
import { UnprocessableError } from '../../shared/errors';

const pss = JSON.parse(fs.readFileSync(new URL('../../instruments/pss10/cases.json', import.meta.url), 'utf8')) as { cases: { name: string; answers: Record<string, number | null> }[] };
const pssComplete = pss.cases.find((c) => c.name === 'complete')!.answers;
const ons4 = { ons4_01: 7, ons4_02: 8, ons4_03: 6, ons4_04: 3 };

let now = new Date('2025-03-01T09:00:00.000Z');
let srv: TestServer;
let fx: SurveyFixture;

beforeAll(async () => {
  srv = await startTestServer({ clock: () => now });
  fx = seedSurveyFixture(srv.deps.db, srv.deps.secret, { instruments: ['ons4@1', 'pss10@1'], dsls: 6, opensAt: '2025-02-01T00:00:00.000Z', closesAt: '2025-04-01T00:00:00.000Z' });
});
afterAll(async () => { await srv.close(); });

async function post(path: string, body: unknown): Promise<{ status: number; type: string; json: any }> {
  const res = await fetch(srv.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', json: text ? JSON.parse(text) : null };
}
const completeCount = () => (srv.deps.db.prepare("SELECT count(*) AS n FROM responses WHERE status = 'complete'").get() as { n: number }).n;

describe('submitting an unfinished survey (Node write path)', () => {
  it('refuses {"data":{}} with 422 problem+json listing every unanswered item, and stores nothing', async () => {
    const before = responseCounts(srv.deps.db);
    const r = await post(`/api/s/${fx.dsls[0].token}/submit`, { data: {} });
    expect(r.status).toBe(422);
    expect(r.type).toMatch(/^application\/problem\+json/);
    expect(r.json.title).toBe('Unprocessable content');
    // ons4: four single-item scales (all 4 items needed); pss10: 10 items, at most 1 missing (instruments/pss10/scoring.json) -> all 10 listed
    const pointers = r.json.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual([...Object.keys(ons4), ...Object.keys(pssComplete)].map((id) => `/data/${id}`));
    expect(r.json.detail).toMatch(/5 scales cannot be scored until 14 more questions are answered/);
    expect(responseCounts(srv.deps.db)).toEqual(before);
    // the response rate does not move: the GET still says "new"
    const state = await (await fetch(`${srv.url}/api/s/${fx.dsls[0].token}`)).json();
    expect(state.status).toBe('new');
  });

  it('refuses a survey with one instrument skipped, and accepts one within the missing-item rule', async () => {
    const skipped = await post(`/api/s/${fx.dsls[1].token}/submit`, { data: ons4 });
    expect(skipped.status).toBe(422);
    expect(skipped.json.errors).toHaveLength(10);
    expect(skipped.json.errors[0].detail).toMatch(/pss10_01: unanswered; Perceived stress.*needs 9 of its 10 items answered and has 0/i);
    const { pss10_03: _dropped, ...nineOfTen } = pssComplete;
    const before = completeCount();
    const ok = await post(`/api/s/${fx.dsls[1].token}/submit`, { data: { ...ons4, ...nineOfTen } });
    expect(ok.status).toBe(200);
    expect(completeCount()).toBe(before + 1);
    const { pss10_04: _also, ...eightOfTen } = nineOfTen;
    const tooFew = await post(`/api/s/${fx.dsls[2].token}/submit`, { data: { ...ons4, ...eightOfTen } });
    expect(tooFew.status).toBe(422);
    expect(tooFew.json.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/data/pss10_03', '/data/pss10_04']);
  });

  it('keeps the saved progress when a submit is refused', async () => {
    const token = fx.dsls[3].token;
    const put = await fetch(`${srv.url}/api/s/${token}/progress`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { ons4_01: 4 }, page: 0 }) });
    expect(put.status).toBe(204);
    expect((await post(`/api/s/${token}/submit`, { data: { ons4_01: 4 } })).status).toBe(422);
    const state = await (await fetch(`${srv.url}/api/s/${token}`)).json();
    expect(state).toMatchObject({ status: 'partial', data: { ons4_01: 4 } });
  });
});

describe('the other ways in', () => {
  it('the Express app alone has no submit route that could accept it (404 problem+json)', async () => {
    const app = createApp(srv.deps);
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const before = completeCount();
    const res = await fetch(`http://127.0.0.1:${port}/api/s/${fx.dsls[4].token}/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"data":{}}' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(completeCount()).toBe(before);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('submitResponse refuses with UnprocessableError inside its transaction', () => {
    const inv = { invitationId: fx.dsls[5].invitationId, dslId: fx.dsls[5].dslId, waveId: fx.waveId, instruments: fx.instruments };
    expect(() => submitResponse(srv.deps.db, inv, {}, now.toISOString())).toThrow(UnprocessableError);
    expect(srv.deps.db.prepare('SELECT count(*) AS n FROM responses WHERE invitation_id = ?').get(inv.invitationId)).toEqual({ n: 0 });
  });
});

describe('the rule itself (instruments/completeness.ts)', () => {
  const reg = getRegistry();
  it('follows each scale\'s missing-item rule: CBI personal needs 3 of 6, work 4 of 7', () => {
    const cbi = reg.get('cbi@1');
    const rules = (cbi.scoring as { scales: { id: string; items: string[] }[] }).scales;
    const personal = rules.find((s) => s.id === 'personal')!.items;
    const work = rules.find((s) => s.id === 'work')!.items;
    const some = Object.fromEntries([...personal.slice(0, 3), ...work.slice(0, 3)].map((id) => [id, 'Sometimes']));
    const out = unscorableScales([cbi], some);
    expect(out.map((s) => [s.scale, s.answered, s.needed, s.of])).toEqual([['work', 3, 4, 7]]);
  });

  it('marks isRequired in the survey for items of scales that need every item, not for those that allow gaps', () => {
    expect([...alwaysNeededItems(reg.get('ons4@1'))]).toEqual(Object.keys(ons4));
    expect(alwaysNeededItems(reg.get('pss10@1')).size).toBe(0);
  });

  it('the survey JSON a DSL receives carries isRequired on exactly those items', async () => {
    const body = await (await fetch(`${srv.url}/api/s/${fx.dsls[4].token}`)).json();
    const flat = (els: any[]): any[] => els.flatMap((e) => (e.type === 'panel' ? flat(e.elements ?? []) : [e]));
    const required = body.survey.pages.flatMap((p: any) => flat(p.elements)).filter((e: any) => e.isRequired === true).map((e: any) => e.name);
    expect(required).toEqual(Object.keys(ons4));
  });
});
