// Maps every failure to an RFC 9457 problem+json response (or a plain page for browsers); never leaks a stack trace.
import type { ErrorRequestHandler, Request, Response } from 'express';
import { DslkitError, RateLimitedError, ServiceUnavailableError, type FieldProblem } from '../../shared/errors';
import { isBusyError } from '../storage/group-commit';
import { redactPath } from '../logging/redact';

export interface ProblemBody { type: string; title: string; status: number; detail: string; errors?: FieldProblem[] }

const titles: Record<number, string> = {
  400: 'Bad request', 401: 'Sign-in needed', 403: 'Forbidden', 404: 'Not found', 409: 'Conflict',
  410: 'Gone', 413: 'Request too large', 415: 'Unsupported media type', 422: 'Unprocessable content', 429: 'Too many requests', 500: 'Internal error', 503: 'Service unavailable',
};

function problemBody(status: number, detail: string, extra: Partial<ProblemBody> = {}): ProblemBody {
  return { type: extra.type ?? 'about:blank', title: titles[status] ?? 'Error', status, detail, ...extra };
}

/** Sends a problem+json body with the given status. */
export function sendProblem(res: Response, status: number, detail: string, extra: Partial<ProblemBody> = {}): void {
  res.status(status).type('application/problem+json').send(JSON.stringify(problemBody(status, detail, extra)));
}

/** Turns body-parser and framework errors into the status they mean. */
function statusOf(err: unknown): number {
  if (err instanceof DslkitError) return err.status;
  if (isBusyError(err)) return 503; // another process held the database's write lock longer than the busy timeout: try again, never a 500
  const e = err as { status?: number; statusCode?: number; type?: string };
  const s = e?.status ?? e?.statusCode;
  return typeof s === 'number' && s >= 400 && s < 600 ? s : 500;
}

function detailOf(err: unknown, status: number): string {
  if (err instanceof DslkitError) return err.message;
  const type = (err as { type?: string })?.type;
  if (type === 'entity.parse.failed') return 'The request body is not valid JSON.';
  if (type === 'entity.too.large') return 'The request body is larger than this endpoint accepts.';
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return 'The request body encoding is not supported.';
  if (status === 503) return 'The database is busy with other work for a moment. Nothing was saved; please try again shortly.';
  if (status >= 500) return 'Something went wrong on the server. Nothing was saved; please try again.';
  return titles[status] ?? 'The request could not be handled.';
}

/** The problem+json body for any error: the single place errors become HTTP answers. */
export function problemOf(err: unknown): ProblemBody {
  const status = statusOf(err);
  const problems = err instanceof DslkitError && err.problems.length ? { errors: err.problems } : {};
  return problemBody(status, detailOf(err, status), { type: err instanceof DslkitError ? err.type : 'about:blank', ...problems });
}

/** Seconds a client should wait before trying again (the Retry-After header), for answers that mean "busy, not broken". */
export function retryAfterOf(err: unknown): number | undefined {
  if (err instanceof ServiceUnavailableError) return err.retryAfterSeconds;
  if (err instanceof RateLimitedError) return err.retryAfterSeconds;
  return isBusyError(err) ? 2 : undefined;
}

/** Express error middleware. Logs 5xx without request bodies or tokens. */
export function problemHandler(log: (line: string) => void): ErrorRequestHandler {
  return (err, req: Request, res: Response, _next) => {
    const body = problemOf(err);
    if (body.status >= 500 && body.status !== 503) log(`error ${req.method} ${redactPath(req.path)}: ${(err as Error)?.stack ?? String(err)}`);
    if (res.headersSent) return;
    const retryAfter = retryAfterOf(err);
    if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
    sendProblem(res, body.status, body.detail, body);
  };
}

/** Removes invitation and opt-out tokens from a path before it is logged (server/logging/redact.ts; the log sink applies it again to every line). */
export { redactPath };
