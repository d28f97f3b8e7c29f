// One error class per kind of failure, thrown by every room (domain, instruments, reports, storage); server/http/problem.ts maps each to an HTTP status and the CLI to one line.

/** A single problem with one field of the input (an answer, a CSV cell, a form field). */
export interface FieldProblem { pointer: string; detail: string; line?: number; column?: string }

export class DslkitError extends Error {
  readonly status: number = 500;
  readonly type: string = 'about:blank';
  constructor(message: string, readonly problems: FieldProblem[] = []) { super(message); }
}
/** Input that fails validation: 400, nothing stored. */
export class ValidationError extends DslkitError { override readonly status = 400; override readonly type = 'https://dslkit.invalid/problems/validation'; }
/** Well-formed input that cannot be accepted as it stands (a survey submitted without the answers its scales need): 422, nothing stored. */
export class UnprocessableError extends DslkitError { override readonly status = 422; override readonly type = 'https://dslkit.invalid/problems/incomplete'; }
/** Signed in but not allowed (or not signed in): 403 / 401. */
export class ForbiddenError extends DslkitError { override readonly status = 403; override readonly type = 'https://dslkit.invalid/problems/forbidden'; }
export class UnauthenticatedError extends DslkitError { override readonly status = 401; override readonly type = 'https://dslkit.invalid/problems/unauthenticated'; }
/** No such thing, or not one the caller may know about: 404. */
export class NotFoundError extends DslkitError { override readonly status = 404; override readonly type = 'https://dslkit.invalid/problems/not-found'; }
/** The thing existed but its time has passed (a closed wave): 410. */
export class GoneError extends DslkitError { override readonly status = 410; override readonly type = 'https://dslkit.invalid/problems/gone'; }
/** The action conflicts with state that must not change (a second randomisation): 409. */
export class ConflictError extends DslkitError { override readonly status = 409; override readonly type = 'https://dslkit.invalid/problems/conflict'; }
/** Too many attempts: 429. */
export class RateLimitedError extends DslkitError {
  override readonly status = 429; override readonly type = 'https://dslkit.invalid/problems/rate-limited';
  /** When known, the seconds to wait (sent as Retry-After). */
  constructor(message: string, problems: FieldProblem[] = [], readonly retryAfterSeconds?: number) { super(message, problems); }
}
/** Body too large: 413. */
export class TooLargeError extends DslkitError { override readonly status = 413; override readonly type = 'https://dslkit.invalid/problems/too-large'; }
/** The database or server is busy for a moment (another process holds the write lock): 503 with Retry-After, nothing stored. */
export class ServiceUnavailableError extends DslkitError {
  override readonly status = 503; override readonly type = 'https://dslkit.invalid/problems/busy';
  constructor(message: string, readonly retryAfterSeconds = 2) { super(message); }
}
/** A body of a kind the endpoint does not take (a file upload where none is expected): 415. */
export class UnsupportedMediaError extends DslkitError { override readonly status = 415; override readonly type = 'https://dslkit.invalid/problems/unsupported-media'; }
