// Bench: the sender worker draining an outbox of 60,000 invitations to a real SMTP server on loopback while DSLs submit 1,550 surveys/s: the drain keeps its configured rate and survey answers keep p99 < 50 ms.
import { openDatabase } from '../server/storage/db';
import { queueInvitations } from '../server/storage/outbox-decisions';
import { getWaveById } from '../server/storage/wave-repo';
import { createSurveyFixture } from './helpers/fixture';
import { startServerProcess, processCpuMs } from './helpers/server-process';
import { submissionRun } from './load';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort, repoRoot } from './helpers/server-process';

export interface OutboxFigure { label: string; value: string; target?: string; ok?: boolean }

/**
 * The SMTP server that receives the mail, in a process of its own (npm run mail-catcher): in the bench's own process it
 * would share an event loop with the load generator and slow the very sending it measures. Counts the messages it prints.
 */
async function startCatcherProcess(): Promise<{ url: string; received: () => number; stop: () => void }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'mail-catcher.mjs'), `--port=${port}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  let count = 0;
  let ready: () => void;
  const listening = new Promise<void>((resolve) => { ready = resolve; });
  child.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    if (text.includes('accepting mail')) ready();
    count += (text.match(/^#\d+ /gm) ?? []).length;
  });
  await listening;
  return { url: `smtp://127.0.0.1:${port}`, received: () => count, stop: () => { child.kill('SIGKILL'); } };
}

export async function benchOutboxUnderLoad(opts: { quick?: boolean } = {}): Promise<OutboxFigure[]> {
  const queued = opts.quick ? 12_000 : 60_000;
  const mailRate = 50; // GOV.UK Notify's limit is 3,000 a minute
  const offered = 1550;
  const seconds = opts.quick ? 3 : 10;
  const fx = await createSurveyFixture({ invitations: queued });
  const smtp = await startCatcherProcess();
  try {
    // A second wave of the same DSLs, open now, with an invitation queued for every one of them.
    const db = openDatabase(fx.dbFile);
    try {
      const now = new Date();
      const id = Number(db.prepare("INSERT INTO waves (trial_id, name, opens_at, closes_at, instruments) VALUES (?, 'endline', ?, ?, ?)")
        .run(fx.trialId, new Date(now.getTime() - 3600_000).toISOString(), new Date(now.getTime() + 30 * 86_400_000).toISOString(), JSON.stringify(fx.instruments)).lastInsertRowid);
      const n = queueInvitations(db, fx.trialId, getWaveById(db, id)!, fx.secret, { actor: 'bench', at: now.toISOString() }).queued;
      if (n !== queued) throw new Error(`queued ${n} invitations, expected ${queued}`);
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally { db.close(); }

    const server = await startServerProcess({ dbFile: fx.dbFile, secretFile: fx.secretFile, env: { DSLKIT_SMTP_URL: smtp.url, DSLKIT_MAIL_FROM: 'Bench <bench@bench.invalid>', DSLKIT_MAIL_RATE: String(mailRate) } });
    try {
      await submissionRun(server.url, fx.tokens.slice(0, 2 * offered), fx.instruments, { connections: 64, maxSeconds: 2, ratePerSecond: offered });
      const before = smtp.received();
      const cpu0 = processCpuMs(server.pid);
      const started = performance.now();
      const run = await submissionRun(server.url, fx.tokens.slice(2 * offered, 2 * offered + offered * seconds), fx.instruments, { connections: 64, maxSeconds: seconds, ratePerSecond: offered });
      const elapsed = (performance.now() - started) / 1000;
      const cpu = (processCpuMs(server.pid) ?? 0) - (cpu0 ?? 0);
      const drained = (smtp.received() - before) / elapsed;
      return [
        { label: `outbox of ${queued} invitations draining at DSLKIT_MAIL_RATE=${mailRate}/s during the submissions: messages sent per second`, value: drained.toFixed(1), target: `≥ ${(0.95 * mailRate).toFixed(1)}`, ok: drained >= 0.95 * mailRate },
        { label: `survey submit, 64 connections sending ${offered}/s while the outbox drains: throughput`, value: `${run.perSecond.toFixed(0)} req/s`, target: '≥ 1500 req/s', ok: run.perSecond >= 1500 },
        { label: `survey submit, 64 connections sending ${offered}/s while the outbox drains: latency p50 / p99`, value: `${run.p50Ms} ms / ${run.p99Ms} ms`, target: 'p99 < 50 ms', ok: run.p99Ms < 50 },
        { label: 'survey submit while the outbox drains: non-2xx / errors', value: `${run.non2xx} / ${run.errors}`, target: '0 / 0', ok: run.non2xx === 0 && run.errors === 0 },
        { label: 'server CPU per second of the run (submissions and sending)', value: `${(cpu / elapsed / 10).toFixed(0)}% of one core` },
      ];
    } finally {
      await server.stop();
    }
  } finally {
    smtp.stop();
    fx.cleanup();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const f of await benchOutboxUnderLoad({ quick: process.argv.includes('--quick') })) process.stdout.write(`${f.label}: ${f.value}${f.target ? ` (target ${f.target}${f.ok === undefined ? '' : f.ok ? ', met' : ', NOT met'})` : ''}\n`);
}
