// SIGTERM while the built server takes a stream of submissions: in-flight requests finish and are committed, nothing answers 5xx because of the shutdown, every 2xx is stored, and the process exits 0.
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/storage/db';
import { completeAnswers, createSurveyFixture, scaleCount, seededRandom } from '../../bench/helpers/fixture';
import { startServerProcess } from '../../bench/helpers/server-process';
import { submitAll } from '../../bench/helpers/submit';
import { checkConsistency } from '../../bench/helpers/consistency';

/** A submission from a slow phone: half the body now, the rest when `rest` resolves; resolves with the status. */
function slowSubmit(url: string, token: string, body: string, rest: Promise<void>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/api/s/${token}/submit`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.write(body.slice(0, body.length >> 1));
    void rest.then(() => req.end(body.slice(body.length >> 1)));
  });
}

describe('graceful shutdown of the built server', () => {
  it('finishes and commits in-flight submissions on SIGTERM, answers no 5xx, and exits 0', async () => {
    const fx = await createSurveyFixture({ invitations: 800 });
    try {
      const server = await startServerProcess({ dbFile: fx.dbFile, secretFile: fx.secretFile, env: { DSLKIT_LOG: 'info' } });
      // One DSL on a slow connection has sent half their answers when SIGTERM comes, and the rest 4 s later.
      let signalled!: () => void;
      const signal = new Promise<void>((resolve) => { signalled = resolve; });
      const slowToken = fx.tokens[fx.tokens.length - 1];
      const slow = slowSubmit(server.url, slowToken, JSON.stringify({ data: completeAnswers(fx.instruments, seededRandom(99)) }), signal.then(() => new Promise((r) => setTimeout(r, 4000))));
      let okAtSignal = -1;
      const outcome = await submitAll({
        url: server.url, tokens: fx.tokens.slice(0, -1), instruments: fx.instruments, concurrency: 32,
        onSuccess: (n) => { if (n === 200) { okAtSignal = n; server.child.kill('SIGTERM'); signalled(); } },
      });
      expect(await slow).toBe(200); // finished although it was still arriving when the signal came
      outcome.ok.push(slowToken);
      const exit = await server.exited;
      expect(exit, server.output.slice(-20).join('\n')).toEqual({ code: 0, signal: null });
      expect(server.output.some((l) => l.endsWith('stopped cleanly'))).toBe(true);

      // Requests already sent when the signal came were answered (more 2xx after it), the rest found the port closed.
      expect(okAtSignal).toBe(200);
      expect(outcome.ok.length).toBeGreaterThan(okAtSignal);
      expect(outcome.failed.length).toBeGreaterThan(0);
      expect([...outcome.statuses.keys()]).toEqual([200]); // no 5xx (nor any other refusal) from the shutdown itself
      expect(server.output.filter((l) => / 5\d\d \d/.test(l))).toEqual([]);

      // Every acknowledged submission is in the file, complete and scored.
      const reader = openDatabase(fx.dbFile, { readonly: true });
      try {
        const report = checkConsistency(reader, outcome.ok, scaleCount(fx.instruments));
        expect(report.lostOrBroken).toEqual([]);
        expect(report.inconsistent).toEqual([]);
        expect(report.completeResponses).toBe(outcome.ok.length);
        expect(report.integrity).toBe('ok');
      } finally { reader.close(); }
    } finally { fx.cleanup(); }
  }, 120_000);
});
