// One request must not stop the server: cut-off multipart bodies (issue #10) sent to the built server as a child process are answered 4xx and the process keeps serving.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaffServer, type StaffServer } from '../../bench/helpers/staff-server';

let s: StaffServer;
beforeAll(async () => { s = await startStaffServer(); }, 120_000);
afterAll(async () => { await s?.cleanup(); });

/** The body of the reproduction: a file part with no closing boundary. */
const cutOff = '--x\r\nContent-Disposition: form-data; name="f"; filename="a.csv"\r\n\r\nabc';

/** Sends raw HTTP, the body a moment after the headers (as a slow client would), and returns the status line (or '' when the connection died unanswered). */
function rawPost(path: string, body: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(s.server.port, '127.0.0.1');
    let answer = '';
    const head = Object.entries({ Host: '127.0.0.1', 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': String(Buffer.byteLength(body)), ...headers }).map(([k, v]) => `${k}: ${v}`).join('\r\n');
    socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n\r\n`);
    setTimeout(() => socket.write(body), 50);
    socket.on('data', (d) => { answer += d.toString('latin1'); });
    socket.on('error', () => undefined);
    const done = () => resolve(answer.split('\r\n')[0] ?? '');
    socket.on('close', done);
    setTimeout(() => { socket.destroy(); }, 3000);
  });
}

async function stillServing(): Promise<void> {
  expect(s.server.child.exitCode, s.server.output.join('\n')).toBeNull();
  const res = await fetch(`${s.server.url}/api/health`);
  expect(res.status).toBe(200);
}

describe('a cut-off multipart body (issue #10, critical)', () => {
  it('to /staff/login, signed out: answered 4xx, the process keeps serving', async () => {
    const status = await rawPost('/staff/login', cutOff);
    expect(status).toMatch(/^HTTP\/1\.1 4\d\d /);
    await stillServing();
  });

  it('to any other /staff path, signed out: answered 4xx, the process keeps serving', async () => {
    for (const p of ['/staff', '/staff/no-such-page', `/staff/trials/${'faults'}/schools`]) {
      const status = await rawPost(p, cutOff);
      expect(status, p).toMatch(/^HTTP\/1\.1 4\d\d /);
      await stillServing();
    }
  });

  it('to an upload route, signed in with a valid CSRF token: answered 400, the process keeps serving', async () => {
    const status = await rawPost(`/staff/trials/${s.trialId}/schools`, cutOff, { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, Accept: 'text/html' });
    expect(status).toMatch(/^HTTP\/1\.1 400 /);
    await stillServing();
    // the same cut-off with the CSRF token as the form's first field, as a browser sends it
    const withField = `--x\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${s.csrf}\r\n${cutOff}`;
    expect(await rawPost(`/staff/trials/${s.trialId}/schools`, withField, { Cookie: s.cookie, Accept: 'text/html' })).toMatch(/^HTTP\/1\.1 400 /);
    await stillServing();
  });

  it('ten of them at once, then ordinary requests still work', async () => {
    const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => rawPost(i % 2 ? '/staff/login' : `/staff/trials/${s.trialId}/dsls`, cutOff, i % 2 ? {} : { Cookie: s.cookie, 'X-CSRF-Token': s.csrf })));
    for (const st of statuses) expect(st).toMatch(/^HTTP\/1\.1 4\d\d /);
    await stillServing();
    const page = await fetch(`${s.server.url}/staff/trials/${s.trialId}`, { headers: { cookie: s.cookie } });
    expect(page.status).toBe(200);
  });
});
