// One log line per request (method, path with tokens redacted, status, time), for the Express app and the survey write path alike.
import type { ServerResponse } from 'node:http';
import { redactPath } from './problem';

/** Logs the request when its response has been sent. */
export function logWhenFinished(method: string, path: string, res: ServerResponse, log: (line: string) => void): void {
  const started = process.hrtime.bigint();
  res.on('finish', () => {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    log(`${method} ${redactPath(path)} ${res.statusCode} ${ms.toFixed(1)}ms`);
  });
}
