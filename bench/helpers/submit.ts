// Fires survey submissions at a running server with bounded concurrency, recording which tokens got a 2xx; used by the crash and backup tests.
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
export async function submitAll(opts: SubmitRunOptions): Promise<SubmitOutcome> {
  const ok: string[] = [];
  const failed: string[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < opts.tokens.length) {
      const i = next++;
      const token = opts.tokens[i];
      const body = JSON.stringify({ data: completeAnswers(opts.instruments, seededRandom(i + 1)) });
      try {
        const res = await fetch(`${opts.url}/api/s/${token}/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(15_000) });
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
