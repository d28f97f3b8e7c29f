// Load at a fixed rate over a fixed number of connections: request i is due at start + i/rate and goes on connection i mod n, whatever happened to earlier ones; its latency counts from when it was due, so a stalled server (or a load generator that fell behind) shows in the percentiles.
import http from 'node:http';
import type { LoadFigures } from '../load';

export interface PacedRequest { method: string; path: string; headers?: Record<string, string>; body?: string }

export interface PacedRun {
  name: string;
  url: string;
  /** Requests per second, evenly spaced. */
  ratePerSecond: number;
  /** How many requests in all (the run lasts count / rate seconds plus the last answers). */
  count: number;
  /** Keep-alive connections, used in turn (a request due on a busy connection waits for it, and that wait counts). */
  connections: number;
  request: (i: number) => PacedRequest;
}

/** The p-th percentile (0–100) of sorted values, nearest rank. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Why not autocannon's overallRate: it gives each connection a budget per second, so every second begins
 * with a burst, and it corrects latencies with a 1 ms expected interval, which turns one slow answer into
 * hundreds of synthetic samples. Here requests leave evenly spaced and each latency is measured from its
 * due time (the usual correction for coordinated omission).
 */
export async function pacedRun(run: PacedRun): Promise<LoadFigures> {
  const target = new URL(run.url);
  const agents = Array.from({ length: run.connections }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  const latencies: number[] = [];
  const statusCounts: Record<string, number> = {};
  let errors = 0;
  let settled = 0;
  let lastAnswer = 0;
  const intervalMs = 1000 / run.ratePerSecond;
  const started = performance.now();

  await new Promise<void>((resolve) => {
    const settle = (due: number, status: number | null) => {
      const now = performance.now();
      lastAnswer = now;
      if (status === null) errors++;
      else {
        statusCounts[status] = (statusCounts[status] ?? 0) + 1;
        latencies.push(now - due);
      }
      if (++settled === run.count) resolve();
    };
    const send = (i: number, due: number) => {
      const r = run.request(i);
      const req = http.request({ host: target.hostname, port: target.port, method: r.method, path: r.path, headers: { ...r.headers, ...(r.body ? { 'content-length': Buffer.byteLength(r.body) } : {}) }, agent: agents[i % agents.length], timeout: 10_000 }, (res) => {
        res.resume();
        res.on('end', () => settle(due, res.statusCode ?? 0));
        res.on('error', () => settle(due, null));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => settle(due, null));
      req.end(r.body);
    };
    let next = 0;
    const tick = () => {
      const now = performance.now();
      while (next < run.count && started + next * intervalMs <= now) { send(next, started + next * intervalMs); next++; }
      if (next < run.count) setTimeout(tick, Math.max(0, Math.min(1, started + next * intervalMs - performance.now())));
    };
    tick();
  });
  for (const agent of agents) agent.destroy();

  latencies.sort((a, b) => a - b);
  const seconds = (lastAnswer - started) / 1000;
  const ok2xx = Object.entries(statusCounts).filter(([s]) => s.startsWith('2')).reduce((n, [, c]) => n + c, 0);
  return {
    name: run.name, requests: settled, seconds, perSecond: settled / seconds,
    p50Ms: Math.round(percentile(latencies, 50)), p99Ms: Math.round(percentile(latencies, 99)),
    non2xx: settled - errors - ok2xx, errors, statusCounts,
  };
}
