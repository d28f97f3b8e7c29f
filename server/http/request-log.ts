// One log line per request (method, path with tokens redacted, status, time), for the Express app and the survey write path alike.
import type { ServerResponse } from 'node:http';
import type { LogSink } from '../logging/log-sink';
import { redactPath } from '../logging/redact';

/** Logs the request when its response has been sent: one line, and the same as fields for JSON logs. */
export function logWhenFinished(method: string, path: string, res: ServerResponse, log: LogSink): void {
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const safePath = redactPath(path);
    log(`${method} ${safePath} ${res.statusCode} ${ms.toFixed(1)}ms`, { method, path: safePath, status: res.statusCode, ms: Math.round(ms * 10) / 10 });
  });
}
