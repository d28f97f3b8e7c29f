// SIGKILL the real server while it takes thousands of concurrent submissions: every 2xx must survive the restart exactly once, complete and scored.
import { describe, expect, it } from 'vitest';
import { runCrashScenario, runProgressCrashScenario } from '../../bench/helpers/crash';

// CI runs the reduced form; DSLKIT_FULL=1 (or npm run bench) runs 5,000 submissions.
const submissions = process.env.DSLKIT_FULL === '1' ? 5000 : 600;

describe('crash consistency (server process killed with SIGKILL mid-stream)', () => {
  it(`keeps every acknowledged submission of ${submissions} exactly once, with scores, and an intact file`, async () => {
    const run = await runCrashScenario(submissions);

    // The kill really happened mid-stream: some submissions were acknowledged, some were cut off.
    expect(run.killSignal).toBe('SIGKILL');
    expect(run.acknowledgedBeforeKill).toBeGreaterThanOrEqual(Math.floor(submissions / 2));
    expect(run.failedAroundKill).toBeGreaterThan(0);

    // After the restart: nothing acknowledged is lost or half-written, and the file is sound.
    expect(run.afterRestart.integrity).toBe('ok');
    expect(run.afterRestart.lostOrBroken).toEqual([]);
    expect(run.afterRestart.inconsistent).toEqual([]);
    expect(run.afterRestart.completeResponses).toBeGreaterThanOrEqual(run.acknowledgedBeforeKill);

    // Every DSL retries after the outage: all get 200, and each invitation ends with exactly one complete response.
    expect(run.retryStatuses).toEqual({ 200: submissions });
    expect(run.report.lostOrBroken).toEqual([]);
    expect(run.report.inconsistent).toEqual([]);
    expect(run.completeAfterRetry).toBe(submissions);
    expect(run.report.integrity).toBe('ok');
  }, 180_000);

  it(`gives back every acknowledged progress save of ${submissions} after SIGKILL and restart`, async () => {
    const run = await runProgressCrashScenario(submissions);
    expect(run.acknowledgedBeforeKill).toBeGreaterThanOrEqual(Math.floor(submissions / 2));
    expect(run.failedAroundKill).toBeGreaterThan(0); // killed mid-stream
    expect(run.lost).toEqual([]);
    expect(run.integrity).toBe('ok');
  }, 180_000);
});
