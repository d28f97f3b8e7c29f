// The upload-memory attack of issue #10: many concurrent multipart POSTs of several MB each (three 5 MB file parts), streamed from one shared buffer; samples the server's resident memory while they run.
import http from 'node:http';
import { sampleMemory } from './server-process';

export interface FloodOptions { requests: number; megabytes: number; path: string; headers?: Record<string, string> }
export interface FloodResult { statuses: Record<string, number>; baselineRssMb: number; peakRssMb: number; seconds: number }

const boundary = 'floodboundary';
const oneMb = Buffer.alloc(1024 * 1024, 'a');

/** Resolves when the request can take more data, or has closed. */
function drained(req: http.ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { req.off('drain', done); req.off('close', done); resolve(); };
    req.once('drain', done);
    req.once('close', done);
  });
}

/** One POST: the body is `megabytes` of file data in three file parts, written 1 MB at a time as the socket takes it. */
function postOne(url: URL, o: FloodOptions): Promise<string> {
  return new Promise((resolve) => {
    const perPart = Math.max(1, Math.floor(o.megabytes / 3));
    const parts = Array.from({ length: 3 }, (_, i) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file${i}"; filename="big${i}.csv"\r\nContent-Type: text/csv\r\n\r\n`));
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const length = parts.reduce((n, p) => n + p.length + perPart * oneMb.length, 0) + 2 * 2 + tail.length;
    const req = http.request({ host: url.hostname, port: url.port, path: o.path, method: 'POST', agent: false, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': length, ...o.headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(String(res.statusCode)));
      res.on('error', () => resolve(String(res.statusCode)));
    });
    let answered = false;
    req.on('response', () => { answered = true; });
    req.on('error', (err) => { if (!answered) resolve(`error ${(err as NodeJS.ErrnoException).code ?? err.message}`); });
    void (async () => {
      for (const [i, p] of parts.entries()) {
        if (i > 0) req.write('\r\n');
        if (!req.write(p)) await drained(req);
        for (let k = 0; k < perPart; k++) {
          if (req.destroyed) return;
          if (!req.write(oneMb)) await drained(req);
        }
      }
      req.end(tail);
    })();
  });
}

/** Sends `requests` uploads at once to a running server (pid for /proc sampling) and reports the statuses and the memory peak. */
export async function uploadFlood(baseUrl: string, pid: number, o: FloodOptions): Promise<FloodResult> {
  const url = new URL(baseUrl);
  const memory = sampleMemory(pid, 20);
  const baseline = memory.stop().peakRssKb; // one sample before the flood
  const sampler = sampleMemory(pid, 20);
  const started = performance.now();
  const results = await Promise.all(Array.from({ length: o.requests }, () => postOne(url, o)));
  const seconds = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 200)); // memory still held just after the answers counts too
  const peak = sampler.stop().peakRssKb;
  const statuses: Record<string, number> = {};
  for (const s of results) statuses[s] = (statuses[s] ?? 0) + 1;
  return { statuses, baselineRssMb: baseline / 1024, peakRssMb: peak / 1024, seconds };
}
