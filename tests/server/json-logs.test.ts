// DSLKIT_LOG_FORMAT=json: one JSON object per line through pino, the request log's fields kept as fields, and the same redaction as the text lines (one sink, both formats).
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogSink } from '../../server/logging/log-sink';
import { loadConfig } from '../../server/config';
import { createSurveyFixture, completeAnswers, seededRandom } from '../../bench/helpers/fixture';
import { startServerProcess } from '../../bench/helpers/server-process';

function collect(): { stream: PassThrough; lines: () => string[] } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(String(c)));
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

const token = 'Qx7rTa2m9Vb4Kc8Ld1Ne6Pf3Rg5Sh0Tj7Uk2Wl9Xm4';
const session = 'c2Vzc2lvbi1pZC10aGF0LW11c3Qtbm90LWxlYWs';
const raw = `error GET /api/s/${token}/submit: cookie dslkit_session=${session}; other=1 body _csrf=abc123&password=hunter2`;

describe('the log sink', () => {
  it('redacts tokens, session ids, CSRF tokens and passwords in text lines', () => {
    const out = collect();
    createLogSink('text', out.stream)(raw);
    const [line] = out.lines();
    expect(line).toMatch(/^\d{4}-\d\d-\d\dT\S+Z error GET \/api\/s\/\[token\]\/submit: cookie dslkit_session=\[redacted\]; other=1 body _csrf=\[redacted\]&password=\[redacted\]$/);
  });

  it('writes JSON with level, time, message and fields, redacted the same way', () => {
    const out = collect();
    const log = createLogSink('json', out.stream);
    log(raw);
    log(`GET /s/${token} 200 1.5ms`, { method: 'GET', path: `/s/${token}`, status: 200, ms: 1.5 });
    const [error, request] = out.lines().map((l) => JSON.parse(l));
    expect(error).toMatchObject({ level: 'error', service: 'dslkit', msg: expect.stringContaining('/api/s/[token]/submit') });
    expect(Date.parse(error.time)).not.toBeNaN();
    expect(request).toMatchObject({ level: 'info', method: 'GET', path: '/s/[token]', status: 200, ms: 1.5, msg: 'GET /s/[token] 200 1.5ms' });
    const all = out.lines().join('\n');
    for (const secret of [token, session, 'abc123', 'hunter2']) expect(all).not.toContain(secret);
  });

  it('is chosen by DSLKIT_LOG_FORMAT (text by default)', () => {
    expect(loadConfig({}).logFormat).toBe('text');
    expect(loadConfig({ DSLKIT_LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(() => loadConfig({ DSLKIT_LOG_FORMAT: 'xml' })).toThrow('DSLKIT_LOG_FORMAT="xml" is not valid: DSLKIT_LOG_FORMAT must be text or json.');
  });
});

describe('the built server with DSLKIT_LOG_FORMAT=json', () => {
  it('prints only JSON lines, one per request with method, path, status and ms, and no invitation token', async () => {
    const fx = await createSurveyFixture({ invitations: 2 });
    const server = await startServerProcess({ dbFile: fx.dbFile, secretFile: fx.secretFile, env: { DSLKIT_LOG: 'info', DSLKIT_LOG_FORMAT: 'json' } });
    try {
      await fetch(`${server.url}/api/s/${fx.tokens[0]}`);
      await fetch(`${server.url}/api/s/${fx.tokens[0]}/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ data: completeAnswers(fx.instruments, seededRandom(1)) }) });
      await fetch(`${server.url}/s/${fx.tokens[1]}?from=${fx.tokens[1]}`);
      await fetch(`${server.url}/no/such/page`);
    } finally {
      await server.stop();
      fx.cleanup();
    }
    const records = server.output.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.length).toBeGreaterThan(5);
    for (const r of records) expect(r).toMatchObject({ level: expect.any(String), time: expect.any(String), msg: expect.any(String), service: 'dslkit' });
    const requests = records.filter((r) => typeof r.status === 'number');
    expect(requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(expect.arrayContaining([
      'GET /api/s/[token] 200', 'POST /api/s/[token]/submit 200', 'GET /s/[token] 200', 'GET /no/such/page 404',
    ]));
    expect(records.some((r) => r.msg === 'stopped cleanly')).toBe(true);
    const all = server.output.join('\n');
    for (const t of fx.tokens) expect(all).not.toContain(t);
  }, 60_000);
});
