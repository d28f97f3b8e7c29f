// Drives a running server with autocannon (loopback only, bounded in requests and seconds): survey submissions with a fresh token each, progress saves, survey and dashboard pages.
import autocannon, { type RawRequest, type Result } from 'autocannon';
import { completeAnswers, seededRandom } from './helpers/fixture';
import { pacedRun } from './helpers/paced-load';

export interface LoadFigures {
  name: string;
  requests: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  statusCounts: Record<string, number>;
}

export interface LoadRun {
  url: string;
  connections: number;
  /** At most this many requests. */
  amount: number;
  /** And at most this many seconds (the run is stopped and its figures kept). */
  maxSeconds: number;
  /** Builds the request number i (0-based). */
  request: (i: number) => RawRequest;
  name: string;
}

/** Refuses anything but a loopback address: the benchmark never loads another machine. */
export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!['127.0.0.1', '::1', '[::1]', 'localhost'].includes(host)) throw new Error(`the benchmark only targets loopback addresses, not ${host}`);
}

/** One bounded autocannon run; every request gets its own path/body from `request(i)`. */
export async function runLoad(run: LoadRun): Promise<LoadFigures> {
  assertLoopback(run.url);
  let i = 0;
  const started = performance.now();
  let lastResponse = started;
  const result: Result = await new Promise((resolve, reject) => {
    const instance = autocannon({
      url: run.url, connections: run.connections, amount: run.amount, timeout: 10, title: run.name,
      requests: [{ setupRequest: (req) => ({ ...req, ...run.request(i++) }) }],
    }, (err, res) => (err ? reject(err) : resolve(res)));
    instance.on('response', () => { lastResponse = performance.now(); });
    const timer = setTimeout(() => instance.stop(), run.maxSeconds * 1000);
    instance.on('done', () => clearTimeout(timer));
  });
  // autocannon's own duration is coarse (it ends on a one-second tick); time from the start to the last response is not
  const seconds = (lastResponse - started) / 1000;
  const total = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  return {
    name: run.name, requests: total, seconds, perSecond: total / seconds,
    p50Ms: result.latency.p50, p99Ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors,
    statusCounts: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, Number(v.count)])),
  };
}

/** A handful of distinct valid answer bodies, reused round-robin (building JSON per request would load the client, not the server). */
function answerBodies(instruments: string[], n: number, wrap: (data: Record<string, unknown>, k: number) => object): string[] {
  return Array.from({ length: n }, (_, k) => JSON.stringify(wrap(completeAnswers(instruments, seededRandom(1000 + k)), k)));
}

const json = { 'content-type': 'application/json' };

/**
 * POST /api/s/<token>/submit, each request with a different invitation token (so each is a real first submission).
 * Without a rate, each of the connections sends again as soon as it is answered (capacity); with one, requests
 * leave evenly spaced at that rate, in turn on each connection (bench/helpers/paced-load.ts), for maxSeconds.
 */
export function submissionRun(url: string, tokens: string[], instruments: string[], opts: { connections: number; maxSeconds: number; ratePerSecond?: number }): Promise<LoadFigures> {
  const bodies = answerBodies(instruments, 64, (data) => ({ data }));
  const request = (i: number) => ({ method: 'POST', path: `/api/s/${tokens[i % tokens.length]}/submit`, headers: json, body: bodies[i % bodies.length] });
  if (opts.ratePerSecond) {
    const count = Math.min(tokens.length, Math.floor(opts.ratePerSecond * opts.maxSeconds));
    return pacedRun({ name: `survey submit (POST, distinct tokens), ${opts.connections} connections sending ${opts.ratePerSecond}/s in all`, url, ratePerSecond: opts.ratePerSecond, count, connections: opts.connections, request });
  }
  return runLoad({ name: 'survey submit (POST, distinct tokens), as fast as answered', url, connections: opts.connections, amount: tokens.length, maxSeconds: opts.maxSeconds, request });
}

/** PUT /api/s/<token>/progress: a page's worth of answers saved, tokens rotating. */
export function progressRun(url: string, tokens: string[], instruments: string[], opts: { connections: number; amount: number; maxSeconds: number }): Promise<LoadFigures> {
  const bodies = answerBodies(instruments, 64, (data, k) => ({ data: Object.fromEntries(Object.entries(data).slice(0, 10 + (k % 20))), page: k % 2 }));
  return runLoad({
    name: 'survey progress save (PUT)', url, connections: opts.connections, amount: opts.amount, maxSeconds: opts.maxSeconds,
    request: (i) => ({ method: 'PUT', path: `/api/s/${tokens[i % tokens.length]}/progress`, headers: json, body: bodies[i % bodies.length] }),
  });
}

/** GETs of a list of paths, round-robin. */
export function pagesRun(name: string, url: string, paths: string[], opts: { connections: number; amount: number; maxSeconds: number }): Promise<LoadFigures> {
  return runLoad({
    name, url, connections: opts.connections, amount: opts.amount, maxSeconds: opts.maxSeconds,
    request: (i) => ({ method: 'GET', path: paths[i % paths.length] }),
  });
}
