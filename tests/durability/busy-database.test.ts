// A busy database is never a 500: while another connection (a CLI import, say) holds the write lock, the server keeps answering, commits the waiting survey writes when the lock is released, and after a bounded wait answers 503 with Retry-After.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedSurveyFixture, type SurveyFixture } from '../helpers/survey-fixture';
import { pss } from '../staff/data-fixture';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('survey writes while another connection holds the write lock', () => {
  let server: TestServer;
  let fx: SurveyFixture;
  let other: Database.Database;
  beforeAll(async () => {
    server = await startTestServer();
    fx = seedSurveyFixture(server.deps.db, server.deps.secret, { dsls: 4 });
    other = new Database(server.deps.db.name);
  });
  afterAll(async () => { other.close(); await server.close(); });

  const submit = (token: string) => fetch(`${server.url}/api/s/${token}/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: pss.complete.answers }) });
  const stored = (dslId: string) => (server.deps.db.prepare("SELECT count(*) AS n FROM responses WHERE dsl_id = ? AND status = 'complete'").get(dslId) as { n: number }).n;

  it('waits for the lock without stopping the event loop: reads are answered meanwhile, and the submission is stored once the lock is released', async () => {
    other.prepare('BEGIN IMMEDIATE').run();
    let released = false;
    const pending = submit(fx.dsls[0].token);
    // A read sent while the write waits is answered before the lock is released (the server is not asleep in SQLite's busy handler).
    await sleep(100);
    const read = await fetch(`${server.url}/api/s/${fx.dsls[1].token}`);
    expect(read.status).toBe(200);
    expect(released).toBe(false);
    await sleep(200);
    other.prepare('COMMIT').run();
    released = true;
    const res = await pending;
    expect(res.status).toBe(200);
    expect(stored(fx.dsls[0].dslId)).toBe(1);
  });

  it('held longer than the server waits: 503 problem+json with Retry-After, nothing stored; the retry after release is stored', async () => {
    other.prepare('BEGIN IMMEDIATE').run();
    let res: Response;
    try {
      res = await submit(fx.dsls[2].token);
    } finally {
      other.prepare('COMMIT').run();
    }
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = await res.json() as { status: number; detail: string };
    expect(body.status).toBe(503);
    expect(body.detail).toMatch(/busy.*Nothing was saved/);
    expect(stored(fx.dsls[2].dslId)).toBe(0);
    const retry = await submit(fx.dsls[2].token);
    expect(retry.status).toBe(200);
    expect(stored(fx.dsls[2].dslId)).toBe(1);
  }, 20_000);

  it('a progress save behaves the same way: 503, not 500', async () => {
    other.prepare('BEGIN IMMEDIATE').run();
    let res: Response;
    try {
      res = await fetch(`${server.url}/api/s/${fx.dsls[3].token}/progress`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: { pss10_01: 2 }, page: 0 }) });
    } finally {
      other.prepare('COMMIT').run();
    }
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).not.toBeNull();
  }, 20_000);
});
