// Ties every piece of async work to the request that started it (AsyncLocalStorage), so a fault nobody caught answers that request with 400/500 instead of ending the process.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { redactPath } from './problem';

interface RequestContext { req: IncomingMessage; res: ServerResponse; method: string; path: string }

const requestContext = new AsyncLocalStorage<RequestContext>();

/**
 * Wraps the server's request listener: the request's context is entered on the connection's async resource
 * (so later 'data' events of this request, parsers fed by them, timers and promises all see it), and the
 * request and response streams get error listeners (a reset connection is logged, never thrown).
 */
export function guardRequests(listener: (req: IncomingMessage, res: ServerResponse) => void, log: (line: string) => void): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const ctx: RequestContext = { req, res, method: req.method ?? '', path: (req.url ?? '').split('?')[0] };
    // enterWith, not run: body chunks arrive later on the connection's own async resource, which run() would not reach.
    requestContext.enterWith(ctx);
    req.on('error', (err) => { log(`request stream error ${ctx.method} ${redactPath(ctx.path)}: ${(err as Error).message}`); });
    res.on('error', (err) => { log(`response stream error ${ctx.method} ${redactPath(ctx.path)}: ${(err as Error).message}`); });
    listener(req, res);
  };
}

/** Errors that mean the client sent something broken (a cut-off or malformed body), not a fault of ours: 400. */
function isClientFault(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | undefined;
  if (!e) return false;
  if (e.code === 'ECONNRESET' || e.code === 'ERR_STREAM_PREMATURE_CLOSE' || e.code === 'HPE_INVALID_CHUNK') return true;
  return /^(Unexpected end of (form|file)|Malformed (part header|urlencoded form)|aborted)/.test(e.message ?? '');
}

/** Answers the request a fault belongs to (when it has not been answered yet) and closes its connection. */
function answerFault(ctx: RequestContext, err: unknown): boolean {
  const { res } = ctx;
  if (res.writableEnded || res.destroyed) return false;
  const status = isClientFault(err) ? 400 : 500;
  const detail = status === 400 ? 'The request could not be read (the body was cut off or malformed).' : 'Something went wrong on the server. Nothing was saved; please try again.';
  const body = JSON.stringify({ type: 'about:blank', title: status === 400 ? 'Bad request' : 'Internal error', status, detail });
  try {
    if (!res.headersSent) {
      res.writeHead(status, { 'Content-Type': 'application/problem+json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', Connection: 'close' });
      res.end(body);
    } else {
      res.destroy(); // half-sent: the client must not take a truncated page for a whole one
    }
    ctx.req.unpipe();
    ctx.req.resume(); // drain whatever is still coming so the socket can close
  } catch {
    res.destroy();
  }
  return true;
}

export interface ProcessGuardOptions {
  log: (line: string) => void;
  /** Called for a fault that belongs to no open request; default: exit(1) after logging (state may be broken; the service manager restarts). */
  onUnownedFault?: (err: unknown) => void;
}

/**
 * Installs process-level 'uncaughtException' and 'unhandledRejection' handlers (server/main.ts does, once).
 * A fault inside an open request is logged and answered 400 (the client's fault) or 500, and the server
 * keeps serving; a rejected promise outside any request is logged; an exception outside any request is
 * logged and ends the process as Node would (onUnownedFault).
 */
export function installProcessGuard(opts: ProcessGuardOptions): () => void {
  const where = () => {
    const ctx = requestContext.getStore();
    return ctx && !ctx.res.writableEnded ? ctx : undefined;
  };
  const describe = (err: unknown) => (err as Error)?.stack ?? String(err);
  const onException = (err: Error) => {
    const ctx = where();
    if (ctx && answerFault(ctx, err)) {
      opts.log(`error (uncaught, answered ${ctx.res.statusCode}) ${ctx.method} ${redactPath(ctx.path)}: ${describe(err)}`);
      return;
    }
    opts.log(`fatal: uncaught exception outside any request: ${describe(err)}`);
    (opts.onUnownedFault ?? (() => process.exit(1)))(err);
  };
  const onRejection = (reason: unknown) => {
    const ctx = where();
    if (ctx && answerFault(ctx, reason)) {
      opts.log(`error (unhandled rejection, answered ${ctx.res.statusCode}) ${ctx.method} ${redactPath(ctx.path)}: ${describe(reason)}`);
      return;
    }
    opts.log(`error: unhandled promise rejection outside any open request: ${describe(reason)}`);
  };
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => { process.off('uncaughtException', onException); process.off('unhandledRejection', onRejection); };
}
