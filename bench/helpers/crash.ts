// The crash-consistency scenario: submit concurrently to a real server process, SIGKILL it mid-stream, restart on the same file, and check what was acknowledged.
import { openDatabase } from '../../server/storage/db';
import { createSurveyFixture, scaleCount } from './fixture';
import { startServerProcess } from './server-process';
import { progressAnswersFor, progressSaveAll, submitAll } from './submit';
import { checkConsistency, type ConsistencyReport } from './consistency';

export interface CrashRun {
  submissions: number;
  acknowledgedBeforeKill: number;
  failedAroundKill: number;
  /** The report read from the file after the restart. */
  afterRestart: ConsistencyReport;
  /** Every token re-submitted after the restart (the DSL's retry): statuses seen. */
  retryStatuses: Record<number, number>;
  /** Complete responses after the retries, and how many there should be (one per token). */
  completeAfterRetry: number;
  report: ConsistencyReport;
  killSignal: string | null;
}

/** Runs the scenario with `submissions` distinct tokens; the server is killed once `killAfter` of them got a 2xx. */
export async function runCrashScenario(submissions: number, opts: { killAfter?: number; concurrency?: number } = {}): Promise<CrashRun> {
  const fx = await createSurveyFixture({ invitations: submissions });
  const killAfter = opts.killAfter ?? Math.floor(submissions / 2);
  try {
    const first = await startServerProcess({ dbFile: fx.dbFile, secretFile: fx.secretFile });
    let killing: Promise<void> | undefined;
    const outcome = await submitAll({
      url: first.url, tokens: fx.tokens, instruments: fx.instruments, concurrency: opts.concurrency ?? 32,
      onSuccess: (n) => { if (n >= killAfter && !killing) killing = first.kill(); },
    });
    await (killing ?? first.kill());
    const { signal } = await first.exited;

    const second = await startServerProcess({ dbFile: fx.dbFile, secretFile: fx.secretFile });
    try {
      const scales = scaleCount(fx.instruments);
      const reader = openDatabase(fx.dbFile, { readonly: true });
      let afterRestart: ConsistencyReport;
      try { afterRestart = checkConsistency(reader, outcome.ok, scales); } finally { reader.close(); }

      const retry = await submitAll({ url: second.url, tokens: fx.tokens, instruments: fx.instruments, concurrency: 16 });
      const reader2 = openDatabase(fx.dbFile, { readonly: true });
      let report: ConsistencyReport;
      try { report = checkConsistency(reader2, fx.tokens, scales); } finally { reader2.close(); }
      return {
        submissions, acknowledgedBeforeKill: outcome.ok.length, failedAroundKill: outcome.failed.length, afterRestart,
        retryStatuses: Object.fromEntries(retry.statuses), completeAfterRetry: report.completeResponses, report, killSignal: signal,
      };
    } finally {
      await second.stop();
    }
  } finally {
    fx.cleanup();
  }
}

export interface ProgressCrashRun {
  saves: number;
  acknowledgedBeforeKill: number;
  failedAroundKill: number;
  /** Acknowledged saves whose answers or page the restarted server does not give back exactly. */
  lost: { token: string; problem: string }[];
  integrity: string;
}

/** Progress saves (a DSL moving to page 2) to a real server, SIGKILL mid-stream, restart: every 2xx save must come back from GET /api/s/:token. */
export async function runProgressCrashScenario(saves: number): Promise<ProgressCrashRun> {
  const fx = await createSurveyFixture({ invitations: saves });
  try {
    const first = await startServerProcess({ dbFile: fx.dbFile, secretFile: fx.secretFile });
    let killing: Promise<void> | undefined;
    const outcome = await progressSaveAll({
      url: first.url, tokens: fx.tokens, instruments: fx.instruments, concurrency: 32,
      onSuccess: (n) => { if (n >= Math.floor(saves / 2) && !killing) killing = first.kill(); },
    });
    await (killing ?? first.kill());
    const second = await startServerProcess({ dbFile: fx.dbFile, secretFile: fx.secretFile });
    try {
      const lost: ProgressCrashRun['lost'] = [];
      const index = new Map(fx.tokens.map((t, i) => [t, i]));
      const check = async (token: string) => {
        const res = await fetch(`${second.url}/api/s/${token}`);
        const body = await res.json() as { data?: unknown; page?: number };
        const expected = progressAnswersFor(fx.instruments, index.get(token) as number);
        if (res.status !== 200) lost.push({ token, problem: `GET answered ${res.status}` });
        else if (JSON.stringify(body.data) !== JSON.stringify(expected)) lost.push({ token, problem: 'answers differ from the acknowledged save' });
        else if (body.page !== 1) lost.push({ token, problem: `page ${body.page}, expected 1` });
      };
      const queue = [...outcome.ok];
      await Promise.all(Array.from({ length: 16 }, async () => { for (let t = queue.shift(); t; t = queue.shift()) await check(t); }));
      const reader = openDatabase(fx.dbFile, { readonly: true });
      let integrity: string;
      try { integrity = (reader.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; '); } finally { reader.close(); }
      return { saves, acknowledgedBeforeKill: outcome.ok.length, failedAroundKill: outcome.failed.length, lost, integrity };
    } finally {
      await second.stop();
    }
  } finally {
    fx.cleanup();
  }
}
