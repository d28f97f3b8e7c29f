// Fires survey submissions (or progress saves) at a running server with bounded concurrency, recording which tokens got a 2xx; used by the crash and backup tests.
import { completeAnswers, seededRandom } from './fixture';

export interface SubmitOutcome { ok: string[]; failed: string[]; statuses: Map<number, number> }

export interface SubmitRunOptions {
  url: string;
  tokens: string[];
  instruments: string[];
  concurrency: number;
  /** Called after every 2xx with the number of 2xx so far and the token (e.g. to kill the server mid-stream). */
  onSuccess?: (okSoFar: number, token: string) => void;
}

/** POSTs one complete answer set per token; connection errors (a killed server) count as failed, never throw. */
export function submitAll(opts: SubmitRunOptions): Promise<SubmitOutcome> {
  return sendAll(opts, (i) => ({ method: 'POST', suffix: '/submit', body: { data: completeAnswers(opts.instruments, seededRandom(i + 1)) } }));
}

/** The first page's worth of answers that progressSaveAll sends for token number i (to compare with what was stored). */
export function progressAnswersFor(instruments: string[], i: number): Record<string, unknown> {
  return Object.fromEntries(Object.entries(completeAnswers(instruments, seededRandom(i + 1))).slice(0, 12));
}

/** PUTs a progress save (part of an answer set, page 1) per token; connection errors count as failed, never throw. */
export function progressSaveAll(opts: SubmitRunOptions): Promise<SubmitOutcome> {
  return sendAll(opts, (i) => ({ method: 'PUT', suffix: '/progress', body: { data: progressAnswersFor(opts.instruments, i), page: 1 } }));
}

async function sendAll(opts: SubmitRunOptions, requestFor: (i: number) => { method: string; suffix: string; body: unknown }): Promise<SubmitOutcome> {
  const ok: string[] = [];
  const failed: string[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < opts.tokens.length) {
      const i = next++;
      const token = opts.tokens[i];
      const req = requestFor(i);
      try {
        const res = await fetch(`${opts.url}/api/s/${token}${req.suffix}`, { method: req.method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(req.body), signal: AbortSignal.timeout(15_000) });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 200 && res.status < 300) { ok.push(token); opts.onSuccess?.(ok.length, token); } else failed.push(token);
      } catch {
        failed.push(token);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return { ok, failed, statuses };
}
