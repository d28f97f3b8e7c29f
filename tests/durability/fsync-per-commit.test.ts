// A 2xx means the answer is on stable storage: strace counts the fsync/fdatasync calls of the real server process while it acknowledges submissions one at a time (each its own group commit).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSurveyFixture, type SurveyFixture } from '../../bench/helpers/fixture';
import { startServerProcess, type ServerProcess } from '../../bench/helpers/server-process';
import { submitAll } from '../../bench/helpers/submit';

const hasStrace = spawnSync('strace', ['-V']).status === 0;
// strace is a Debian package .ci/run installs; a missing strace is a failure on CI, a skip elsewhere.
const runIt = hasStrace || process.env.CI ? it : it.skip;

/** Attaches strace to every thread of `pid`, counting sync calls into `out`; resolves once attached. */
async function attachStrace(pid: number, out: string): Promise<{ stop: () => Promise<string> }> {
  const child = spawn('strace', ['-f', '-p', String(pid), '-e', 'trace=fsync,fdatasync,sync_file_range,msync', '-o', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (c: Buffer) => { err += c.toString(); if (/attached/.test(err)) resolve(); });
    child.once('exit', (code) => reject(new Error(`strace exited (${code}): ${err}`)));
  });
  return {
    stop: async () => {
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
      return fs.readFileSync(out, 'utf8');
    },
  };
}

describe('durability: one fsync per group commit (synchronous = FULL)', () => {
  let fx: SurveyFixture;
  let server: ServerProcess;
  beforeAll(async () => {
    fx = await createSurveyFixture({ invitations: 120 });
    server = await startServerProcess({ dbFile: fx.dbFile, secretFile: fx.secretFile });
  }, 60_000);
  afterAll(async () => { await server?.stop(); fx?.cleanup(); });

  runIt('syncs the WAL at least once for every acknowledged submission sent one after another', async () => {
    // Warm up so the first requests' one-off work (compiling, opening the WAL) is not counted.
    await submitAll({ url: server.url, tokens: fx.tokens.slice(0, 10), instruments: fx.instruments, concurrency: 1 });
    const trace = await attachStrace(server.pid, path.join(fx.dir, 'strace.txt'));
    const n = 100;
    // concurrency 1: each submission is answered before the next is sent, so each is its own group commit.
    const outcome = await submitAll({ url: server.url, tokens: fx.tokens.slice(10, 10 + n), instruments: fx.instruments, concurrency: 1 });
    const log = await trace.stop();
    expect(outcome.ok.length).toBe(n);
    const syncs = log.split('\n').filter((l) => /\b(fsync|fdatasync)\(/.test(l)).length;
    // With synchronous = NORMAL in WAL mode SQLite syncs only at checkpoints (issue #10 saw 11 for 400 submissions).
    expect(syncs).toBeGreaterThanOrEqual(n);
  }, 120_000);
});
