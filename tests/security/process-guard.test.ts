// The process guard (server/http/request-guard.ts) on its own: faults nobody caught inside a request are answered 400/500 and the process keeps serving; a fault outside any request is logged before the process exits.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
let child: ChildProcess;
let port = 0;
const output: string[] = [];

beforeAll(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'tests/security/guarded-server-child.ts')], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      output.push(d.toString());
      const m = /listening (\d+)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', () => reject(new Error(`child exited: ${output.join('')}`)));
  });
}, 60_000);
afterAll(() => { if (child.exitCode === null) child.kill('SIGKILL'); });

/** Raw HTTP with the body sent a moment after the headers (the body then arrives on a later turn of the event loop, as from a real client). */
function raw(method: string, p: string, body = ''): Promise<{ status: string; text: string }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    socket.write(`${method} ${p} HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n`);
    if (body) setTimeout(() => socket.write(body), 50);
    socket.on('data', (d) => { answer += d.toString(); if (/\r\n\r\n/.test(answer) && /Content-Length: (\d+)/i.test(answer) && answer.split('\r\n\r\n')[1].length >= Number(/Content-Length: (\d+)/i.exec(answer)![1])) socket.end(); });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ status: answer.split('\r\n')[0] ?? '', text: answer.split('\r\n\r\n')[1] ?? '' }));
    setTimeout(() => socket.destroy(), 3000);
  });
}

describe('process guard', () => {
  it('answers 400 for an error emitted with no listener while the body arrives, and keeps serving', async () => {
    const r = await raw('POST', '/emitter-error-in-body', 'abc');
    expect(r.status).toBe('HTTP/1.1 400 Bad Request');
    expect(JSON.parse(r.text)).toMatchObject({ status: 400 });
    expect((await raw('GET', '/ok')).text).toBe('ok');
  });
  it('answers 500 for an exception thrown later in the request\'s own async work, and keeps serving', async () => {
    const r = await raw('GET', '/throw-in-timer');
    expect(r.status).toBe('HTTP/1.1 500 Internal Server Error');
    expect(r.text).not.toMatch(/a bug in our own code|\.ts:\d+/); // the client gets no stack or message
    expect((await raw('GET', '/ok')).text).toBe('ok');
  });
  it('answers 500 for an unhandled promise rejection in the request\'s async work, and keeps serving', async () => {
    expect((await raw('GET', '/reject-in-promise')).status).toBe('HTTP/1.1 500 Internal Server Error');
    expect((await raw('GET', '/ok')).text).toBe('ok');
    expect(child.exitCode).toBeNull();
    expect(output.join('')).toMatch(/error \(uncaught, answered 400\) POST \/emitter-error-in-body/);
    expect(output.join('')).toMatch(/error \(unhandled rejection, answered 500\) GET \/reject-in-promise/);
  });
  it('logs a fault that belongs to no open request, then exits (state may be broken; the service manager restarts it)', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await raw('GET', '/fault-outside-requests');
    expect(await exited).toBe(1);
    expect(output.join('')).toMatch(/fatal: uncaught exception outside any request: Error: fault in no request/);
  });
});
