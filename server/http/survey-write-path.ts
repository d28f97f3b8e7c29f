// The respondent API's two writes, PUT /api/s/:token/progress and POST /api/s/:token/submit, served on Node's own request and response: the busiest routes skip Express, whose per-request work cost more than the save itself.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppDeps } from '../deps';
import { RateLimitedError, UnprocessableError, ValidationError } from '../../shared/errors';
import { SaveRateLimit } from '../domain/surveys/save-rate-limit';
import { assertJsonDepth } from '../domain/json-depth';
import { respondentSurvey } from '../domain/surveys/respondent-survey';
import { answerProblemsInBody, parseBody, progressBodySchema, submitBodySchema } from '../domain/surveys/answer-body';
import { saveProgress, submitResponse } from '../storage/response-repo';
import { instrumentDefs } from '../domain/surveys/submission-rules';
import { GroupCommit } from '../storage/group-commit';
import { openInvitation } from './survey-routes';
import { applySecurityHeaders } from './security';
import { problemOf, redactPath, retryAfterOf } from './problem';
import { logWhenFinished } from './request-log';

/** Request bodies above this many bytes are refused with 413 before parsing. */
export const surveyBodyLimitBytes = 64 * 1024;

/** Matched as Express matched them before: any case, an optional trailing slash. */
const writeRoute = /^\/api\/s\/([^/]+)\/(progress|submit)\/?$/i;

/** An error carrying an HTTP status and body-parser's type, so problemOf words it as it did for Express (or with its own detail). */
class BodyError extends Error {
  constructor(readonly status: number, readonly type: string, readonly detail?: string) { super(type); }
}

/** Answer problems found by the repository point at /answers/<id>; the request body calls them /data/<id>. */
function inBodyTerms<T>(fn: () => T): T {
  try { return fn(); } catch (err) {
    if (err instanceof ValidationError) throw new ValidationError(err.message, answerProblemsInBody(err.problems));
    if (err instanceof UnprocessableError) throw new UnprocessableError(err.message, answerProblemsInBody(err.problems));
    throw err;
  }
}

/** application/json (any case, optionally with charset=utf-8); anything else is 415. */
function checkJsonRequest(req: IncomingMessage): void {
  const type = req.headers['content-type'];
  const [media, ...params] = (type ?? '').split(';').map((p) => p.trim().toLowerCase());
  if (media !== 'application/json') throw new BodyError(415, 'not-json', 'Send the answers as JSON (Content-Type: application/json).');
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') throw new BodyError(415, 'charset.unsupported');
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity') throw new BodyError(415, 'encoding.unsupported');
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > surveyBodyLimitBytes) throw new BodyError(413, 'entity.too.large');
}

/** Reads the whole body (at most the limit) and parses it as a JSON object or array; an empty body is {}. */
function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > surveyBodyLimitBytes) { req.removeAllListeners('data'); req.pause(); reject(new BodyError(413, 'entity.too.large')); return; }
      chunks.push(chunk);
    });
    req.on('error', () => reject(new BodyError(400, 'request.aborted')));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') { resolve({}); return; }
      const first = text.trimStart()[0];
      if (first !== '{' && first !== '[') { reject(new BodyError(400, 'entity.parse.failed')); return; }
      try { resolve(JSON.parse(text)); } catch { reject(new BodyError(400, 'entity.parse.failed')); }
    });
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, type = 'application/json; charset=utf-8'): void {
  if (status === 204) { res.writeHead(204).end(); return; }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) }).end(text);
}

/**
 * Returns a request listener for the two write routes that answers true when it took the request (anything
 * else goes on to Express). Same behaviour as the Express routes it replaced: security headers, no-store,
 * 415 for a body that is not JSON, 413 over 64 kB, problem+json for every refusal (problemOf, as Express's
 * error handler), the invitation read in the same transaction that writes, and each answer sent only after
 * its group commit.
 */
export function surveyWritePath(deps: AppDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  // Saves and submissions arriving together share one commit (at most one commit per 2 ms); each is answered only once it is committed.
  const writes = new GroupCommit(deps.db, { maxBatch: 256, minIntervalMs: 2, maxLockWaitMs: 2000 });
  // Progress saves per link are limited (submitting never is): one link must not be able to flood the database.
  const saveLimit = new SaveRateLimit();
  deps.shutdown?.register('survey write queue', () => writes.drain());
  return (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const match = writeRoute.exec(path);
    if (!match) return false;
    const action = match[2].toLowerCase();
    if ((action === 'progress' && req.method !== 'PUT') || (action === 'submit' && req.method !== 'POST')) return false;
    applySecurityHeaders(res, deps.config);
    res.setHeader('Cache-Control', 'no-store');
    if (deps.config.logLevel === 'info') logWhenFinished(req.method ?? '', path, res, deps.log);
    void handle(req, res, match[1], action).catch((err: unknown) => {
      const problem = { ...problemOf(err), ...(err instanceof BodyError && err.detail ? { detail: err.detail } : {}) };
      if (problem.status >= 500 && problem.status !== 503) deps.log(`error ${req.method} ${redactPath(path)}: ${(err as Error)?.stack ?? String(err)}`);
      if (res.headersSent) return;
      const retryAfter = retryAfterOf(err);
      if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
      if (problem.status === 413) res.setHeader('Connection', 'close'); // the rest of the body is not read
      sendJson(res, problem.status, problem, 'application/problem+json; charset=utf-8');
    });
    return true;
  };

  async function handle(req: IncomingMessage, res: ServerResponse, rawToken: string, action: string): Promise<void> {
    let token: string;
    try { token = decodeURIComponent(rawToken); } catch { throw new BodyError(400, 'token.undecodable'); }
    checkJsonRequest(req);
    const body = await readJson(req);
    assertJsonDepth(body); // before zod walks it: a body nested thousands deep would overflow the stack
    const at = deps.clock().toISOString();
    if (action === 'progress') {
      const wait = saveLimit.take(token);
      if (wait > 0) throw new RateLimitedError(`These answers are being saved too often from this link. Nothing was saved this time; your earlier answers are kept. Try again in ${wait} second${wait === 1 ? '' : 's'}.`, [], wait);
      await writes.run(() => {
        const inv = openInvitation(deps, token);
        const parsed = parseBody(progressBodySchema, body);
        const { pageCount } = respondentSurvey(instrumentDefs(inv.instruments));
        if (parsed.page >= pageCount) throw new ValidationError('The page number is outside the survey.', [{ pointer: '/page', detail: `page ${parsed.page} does not exist; the survey has ${pageCount} pages (0 to ${pageCount - 1})` }]);
        return inBodyTerms(() => saveProgress(deps.db, inv, parsed.data, parsed.page, at));
      });
      deps.metrics?.countProgressSave();
      sendJson(res, 204, null);
      return;
    }
    const result = await writes.run(() => {
      const inv = openInvitation(deps, token);
      const parsed = parseBody(submitBodySchema, body);
      return inBodyTerms(() => submitResponse(deps.db, inv, parsed.data, at));
    });
    if (!result.alreadySubmitted) deps.metrics?.countSubmission();
    sendJson(res, 200, { status: result.status, submittedAt: result.submittedAt });
  }
}
