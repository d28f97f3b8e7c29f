// Prometheus metrics (prom-client), collected only when DSLKIT_METRICS=1: requests and latencies by route class, survey submissions and saves, database size, process figures, and queue depths (the outbox's, registered by createServer).
import fs from 'node:fs';
import client from 'prom-client';

export type RouteClass = 'survey-api' | 'survey-page' | 'staff' | 'dashboards' | 'static' | 'health' | 'other';

/** The route class of a request path: a handful of labels, never the path itself (tokens and ids would explode the series and leak). */
export function routeClassOf(url: string): RouteClass {
  if (url.startsWith('/api/s/')) return 'survey-api';
  if (url.startsWith('/s/')) return 'survey-page';
  if (url.startsWith('/assets/') || url.startsWith('/govuk/')) return 'static';
  if (url.startsWith('/staff')) return 'staff';
  if (url.startsWith('/dashboards')) return 'dashboards';
  if (url === '/api/health' || url === '/api/ready' || url === '/metrics') return 'health';
  return 'other';
}

const methods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE']);

export interface Metrics {
  /** One finished request (called from the HTTP server for Express and the survey write path alike). */
  observeRequest: (url: string, method: string | undefined, status: number, seconds: number) => void;
  /** A survey submission stored (not a repeat of one already stored). */
  countSubmission: () => void;
  /** A survey progress save stored. */
  countProgressSave: () => void;
  /**
   * Adds a gauge read at each scrape, for background work with a queue: createServer registers
   * `dslkit_outbox_depth` (the outbox of #14); a later queue registers its own the same way.
   */
  registerQueueDepth: (name: string, help: string, read: () => number) => void;
  /** The text exposition format for GET /metrics. */
  render: () => Promise<{ contentType: string; body: string }>;
}

/** A fresh registry (one per server) with the process's default metrics and dslkit's own. */
export function createMetrics(dbPath: string): Metrics {
  const register = new client.Registry();
  client.collectDefaultMetrics({ register });
  const requests = new client.Counter({ name: 'dslkit_http_requests_total', help: 'HTTP requests answered, by route class, method and status class', labelNames: ['route_class', 'method', 'status'] as const, registers: [register] });
  const latency = new client.Histogram({
    name: 'dslkit_http_request_duration_seconds', help: 'Time from the request arriving to its response finishing, by route class',
    labelNames: ['route_class'] as const, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [register],
  });
  const submissions = new client.Counter({ name: 'dslkit_survey_submissions_total', help: 'Survey submissions stored (repeats of a stored submission not counted)', registers: [register] });
  const saves = new client.Counter({ name: 'dslkit_survey_progress_saves_total', help: 'Survey progress saves stored', registers: [register] });
  new client.Gauge({
    name: 'dslkit_database_size_bytes', help: 'Size of the SQLite database file and its write-ahead log', labelNames: ['file'] as const, registers: [register],
    collect() {
      for (const [file, suffix] of [['database', ''], ['wal', '-wal']] as const) {
        try { this.set({ file }, fs.statSync(dbPath + suffix).size); } catch { this.set({ file }, 0); }
      }
    },
  });
  return {
    observeRequest(url, method, status, seconds) {
      const routeClass = routeClassOf(url);
      requests.inc({ route_class: routeClass, method: method && methods.has(method) ? method : 'other', status: `${Math.floor(status / 100)}xx` });
      latency.observe({ route_class: routeClass }, seconds);
    },
    countSubmission: () => submissions.inc(),
    countProgressSave: () => saves.inc(),
    registerQueueDepth(name, help, read) {
      new client.Gauge({ name, help, registers: [register], collect() { this.set(read()); } });
    },
    async render() { return { contentType: register.contentType, body: await register.metrics() }; },
  };
}
