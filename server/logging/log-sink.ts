// Where the server's log lines go: plain timestamped lines (default) or one JSON object a line through pino (DSLKIT_LOG_FORMAT=json), both through the same redaction.
import pino from 'pino';
import { redactFields, redactText } from './redact';

/** Extra structured fields of a line (the request log gives method, path, status, ms); JSON output keeps them as fields. */
export type LogFields = Record<string, unknown>;
export type LogSink = (line: string, fields?: LogFields) => void;

/** Lines that report a failure; everything else is info. */
const errorLine = /^error\b/;

/** A sink writing to `out` (stdout by default) in the configured format; every line and field is redacted first. */
export function createLogSink(format: 'text' | 'json', out: NodeJS.WritableStream = process.stdout): LogSink {
  if (format === 'text') {
    return (line) => { out.write(`${new Date().toISOString()} ${redactText(line)}\n`); };
  }
  const logger = pino({
    base: { service: 'dslkit', pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  }, out);
  return (line, fields) => {
    const safe = fields ? redactFields(fields) : {};
    if (errorLine.test(line)) logger.error(safe, redactText(line)); else logger.info(safe, redactText(line));
  };
}
