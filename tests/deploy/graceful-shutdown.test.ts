// SIGTERM while the built server takes a stream of submissions: in-flight requests finish and are committed, nothing answers 5xx because of the shutdown, every 2xx is stored, and the process exits 0.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/storage/db';
import { createSurveyFixture, scaleCount } from '../../bench/helpers/fixture';
import { startServerProcess } from '../../bench/helpers/server-process';
import { submitAll } from '../../bench/helpers/submit';
import { checkConsistency } from '../../bench/helpers/consistency';

describe('graceful shutdown of the built server', () => {
  it('finishes and commits in-flight submissions on SIGTERM, answers no 5xx, and exits 0', async () => {
    const fx = await createSurveyFixture({ invitations: 800 });
    try {
      const server = await startServerProcess({ dbFile: fx.dbFile, secretFile: fx.secretFile, env: { DSLKIT_LOG: 'info' } });
      let okAtSignal = -1;
      const outcome = await submitAll({
        url: server.url, tokens: fx.tokens, instruments: fx.instruments, concurrency: 32,
        onSuccess: (n) => { if (n === 200) { okAtSignal = n; server.child.kill('SIGTERM'); } },
      });
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
