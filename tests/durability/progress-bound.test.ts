// One invitation link cannot grow the database without bound: progress snapshots are coalesced (the newest few kept) and saves are rate-limited per link (429 problem+json with Retry-After), while the newest acknowledged answers always come back and submitting is never limited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedSurveyFixture, type SurveyFixture } from '../helpers/survey-fixture';
import { completeAnswers, seededRandom } from '../../bench/helpers/fixture';

/** A 25 kB progress save (the size issue #10's attack used): the four long free-text answers of the DSL evaluation form, nearly full. */
function bigSave(n: number): Record<string, unknown> {
  const text = (field: number) => `save ${n} field ${field} `.padEnd(3990, 'x');
  return {
    dsl_evaluation_experience: text(1), dsl_evaluation_personal_value: text(2), dsl_evaluation_organisation_value: text(3), dsl_evaluation_better: text(4),
    dsl_evaluation_feedback_01: `save ${n}`.padEnd(990, 'y'), dsl_evaluation_feedback_02: `save ${n}`.padEnd(990, 'y'), dsl_evaluation_feedback_03: `save ${n}`.padEnd(990, 'y'),
    dsl_evaluation_acknowledge_self_01: `save ${n}`.padEnd(990, 'z'), dsl_evaluation_acknowledge_self_02: `save ${n}`.padEnd(990, 'z'), dsl_evaluation_acknowledge_self_03: `save ${n}`.padEnd(990, 'z'),
    dsl_evaluation_acknowledge_supervisor_01: `save ${n}`.padEnd(990, 'w'), dsl_evaluation_acknowledge_supervisor_02: `save ${n}`.padEnd(990, 'w'), dsl_evaluation_acknowledge_supervisor_03: `save ${n}`.padEnd(990, 'w'),
  };
}

describe('progress saves of one link are bounded', () => {
  let server: TestServer;
  let fx: SurveyFixture;
  beforeAll(async () => {
    server = await startTestServer();
    fx = seedSurveyFixture(server.deps.db, server.deps.secret, { dsls: 2, instruments: ['dsl-evaluation@1'] });
  });
  afterAll(async () => { await server.close(); });

  const put = (token: string, data: Record<string, unknown>, page = 0) => fetch(`${server.url}/api/s/${token}/progress`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data, page }) });
  const snapshots = (dslId: string) => server.deps.db.prepare(`SELECT count(*) AS n, coalesce(sum(length(answers)), 0) AS bytes FROM response_snapshots
    WHERE response_id IN (SELECT id FROM responses WHERE dsl_id = ?)`).get(dslId) as { n: number; bytes: number };

  it('a burst of 300 saves of 25 kB from one link: most are refused with 429 and Retry-After, and at most 5 snapshots are kept', async () => {
    const token = fx.dsls[0].token;
    expect(JSON.stringify(bigSave(1)).length).toBeGreaterThan(25_000);
    const statuses: number[] = [];
    const retryAfter: (string | null)[] = [];
    const types: (string | null)[] = [];
    let next = 0;
    await Promise.all(Array.from({ length: 10 }, async () => {
      while (next < 300) {
        const res = await put(token, bigSave(next++));
        statuses.push(res.status);
        if (res.status === 429) { retryAfter.push(res.headers.get('retry-after')); types.push(res.headers.get('content-type')); }
        await res.arrayBuffer();
      }
    }));
    const accepted = statuses.filter((s) => s === 204).length;
    const limited = statuses.filter((s) => s === 429).length;
    expect(accepted + limited).toBe(300);
    expect(limited).toBeGreaterThan(200);
    expect(retryAfter.every((r) => Number(r) >= 1)).toBe(true);
    expect(types.every((t) => /^application\/problem\+json/.test(t ?? ''))).toBe(true);
    const kept = snapshots(fx.dsls[0].dslId);
    expect(kept.n).toBeLessThanOrEqual(5);
    expect(kept.bytes).toBeLessThan(5 * 27_000);
  });

  it('another link is not held back by the first one\'s limit', async () => {
    const res = await put(fx.dsls[1].token, { dsl_evaluation_better: 'the other DSL' });
    expect(res.status).toBe(204);
  });

  it('the newest acknowledged save is what the link gives back, after the limit lets saves in again', async () => {
    const token = fx.dsls[0].token;
    let res = await put(token, { dsl_evaluation_better: 'newest answer' }, 1);
    for (let i = 0; res.status === 429 && i < 10; i++) {
      await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after')) * 1000));
      res = await put(token, { dsl_evaluation_better: 'newest answer' }, 1);
    }
    expect(res.status).toBe(204);
    const back = await (await fetch(`${server.url}/api/s/${token}`)).json() as { data: Record<string, unknown>; page: number };
    expect(back.data).toEqual({ dsl_evaluation_better: 'newest answer' });
    expect(back.page).toBe(1);
    expect(snapshots(fx.dsls[0].dslId).n).toBeLessThanOrEqual(5);
  }, 20_000);

  it('submitting is never rate-limited: the DSL can always hand in', async () => {
    const token = fx.dsls[0].token;
    for (let i = 0; i < 80; i++) await (await put(token, { dsl_evaluation_better: `again ${i}` })).arrayBuffer(); // use up the allowance again
    const res = await fetch(`${server.url}/api/s/${token}/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: completeAnswers(['dsl-evaluation@1'], seededRandom(7)) }) });
    expect(res.status).toBe(200);
  });
});
