// GET /metrics with DSLKIT_METRICS=1: Prometheus text with requests by route class (the survey write path included), submissions and database size; only to this machine directly or with the bearer token; absent by default.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';
import { seedSurveyFixture, type SurveyFixture } from '../helpers/survey-fixture';
import { loadConfig, ConfigError } from '../../server/config';
import { routeClassOf } from '../../server/metrics/metrics';

const token = 'metrics-token-0123456789abcdef0123';

/** The value of one sample line, e.g. sample(text, 'dslkit_survey_submissions_total'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics with DSLKIT_METRICS=1', () => {
  let server: TestServer;
  let fx: SurveyFixture;
  beforeAll(async () => {
    server = await startTestServer({ clock: () => new Date('2025-03-01T09:00:00.000Z') }, { DSLKIT_METRICS: '1', DSLKIT_METRICS_TOKEN: token });
    fx = seedSurveyFixture(server.deps.db, server.deps.secret, { instruments: ['ons4@1'], dsls: 2, opensAt: '2025-02-01T00:00:00.000Z', closesAt: '2025-04-01T00:00:00.000Z' });
  });
  afterAll(async () => { await server.close(); });

  it('counts requests by route class (survey writes included), submissions and saves, and reports the database size', async () => {
    const t = fx.dsls[0].token;
    const answers = { ons4_01: 7, ons4_02: 8, ons4_03: 6, ons4_04: 3 };
    await fetch(`${server.url}/api/s/${t}`);
    expect((await fetch(`${server.url}/api/s/${t}/progress`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: answers, page: 0 }) })).status).toBe(204);
    expect((await fetch(`${server.url}/api/s/${t}/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: answers }) })).status).toBe(200);
    expect((await fetch(`${server.url}/api/s/${t}/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: answers }) })).status).toBe(200); // a repeat: not a new submission
    await fetch(`${server.url}/s/${fx.dsls[1].token}`);
    await fetch(`${server.url}/staff/login`);
    await fetch(`${server.url}/dashboards`);
    await fetch(`${server.url}/govuk/dslkit.css`);

    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expect(sample(text, 'dslkit_http_requests_total{route_class="survey-api",method="POST",status="2xx"}')).toBe(2);
    expect(sample(text, 'dslkit_http_requests_total{route_class="survey-api",method="PUT",status="2xx"}')).toBe(1);
    expect(sample(text, 'dslkit_http_requests_total{route_class="survey-api",method="GET",status="2xx"}')).toBe(1);
    expect(sample(text, 'dslkit_http_requests_total{route_class="survey-page",method="GET",status="2xx"}')).toBe(1);
    expect(sample(text, 'dslkit_http_requests_total{route_class="staff",method="GET",status="2xx"}')).toBe(1);
    expect(sample(text, 'dslkit_http_requests_total{route_class="dashboards",method="GET",status="2xx"}')).toBe(1);
    expect(sample(text, 'dslkit_http_requests_total{route_class="static",method="GET",status="2xx"}')).toBe(1);
    expect(sample(text, 'dslkit_http_request_duration_seconds_count{route_class="survey-api"}')).toBe(4);
    expect(sample(text, 'dslkit_survey_submissions_total')).toBe(1);
    expect(sample(text, 'dslkit_survey_progress_saves_total')).toBe(1);
    expect(sample(text, 'dslkit_database_size_bytes{file="database"}')).toBeGreaterThanOrEqual(4096);
    expect(sample(text, 'dslkit_database_size_bytes{file="database"}')! + sample(text, 'dslkit_database_size_bytes{file="wal"}')!).toBeGreaterThan(4096); // the migrated schema, in the file or still in its WAL
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(text).not.toContain(t); // labels are route classes, never paths
    expect(sample(text, 'dslkit_outbox_depth')).toBe(0); // nothing queued to send
  });

  it('refuses a request that came through a proxy (X-Forwarded-For) unless it carries the bearer token', async () => {
    const proxied = await fetch(`${server.url}/metrics`, { headers: { 'x-forwarded-for': '127.0.0.1' } });
    expect(proxied.status).toBe(403);
    expect(proxied.headers.get('content-type')).toMatch(/problem\+json/);
    const wrong = await fetch(`${server.url}/metrics`, { headers: { 'x-forwarded-for': '192.0.2.7', authorization: `Bearer ${token}x` } });
    expect(wrong.status).toBe(403);
    const right = await fetch(`${server.url}/metrics`, { headers: { 'x-forwarded-for': '192.0.2.7', authorization: `Bearer ${token}` } });
    expect(right.status).toBe(200);
    expect(await right.text()).toMatch(/^# HELP /m);
  });
});

describe('/metrics by default', () => {
  it('does not exist', async () => {
    const server = await startTestServer();
    try {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    } finally { await server.close(); }
  });

  it('is configured by DSLKIT_METRICS and DSLKIT_METRICS_TOKEN, a short token refused', () => {
    expect(loadConfig({})).toMatchObject({ metrics: false, metricsToken: undefined });
    expect(loadConfig({ DSLKIT_METRICS: '1', DSLKIT_METRICS_TOKEN: token })).toMatchObject({ metrics: true, metricsToken: token });
    expect(() => loadConfig({ DSLKIT_METRICS_TOKEN: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ DSLKIT_METRICS: 'yes' })).toThrow('DSLKIT_METRICS="yes" is not valid: DSLKIT_METRICS must be 0 or 1.');
  });

  it('classifies routes into a few labels', () => {
    expect(['/api/s/abc/submit', '/s/abc', '/assets/index.js', '/govuk/x.css', '/staff/trials/t1', '/dashboards/350', '/api/ready', '/'].map(routeClassOf))
      .toEqual(['survey-api', 'survey-page', 'static', 'static', 'staff', 'dashboards', 'health', 'other']);
  });
});
