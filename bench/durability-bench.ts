// What durability costs and what a long import does to the survey: fdatasync latency on the bench disk, fsyncs per group commit at the 1,550/s target (strace), and survey submissions answered while a 330,000-row outcome import runs beside the server.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { completeAnswers, createSurveyFixture, seededRandom } from './helpers/fixture';
import { repoRoot, startServerProcess } from './helpers/server-process';
import { percentile } from './helpers/paced-load';
import { submissionRun } from './load';

interface Figure { name: string; value: string; target?: string; ok?: boolean }

const quick = process.argv.includes('--quick');

/** fdatasync of a freshly written 4 kB block, n times, in the folder the bench databases use. */
function fdatasyncLatency(n: number): { p50: number; p99: number } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dslkit-fsync-'));
  const file = path.join(dir, 'probe');
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(4096, 7);
  const times: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      fs.writeSync(fd, block, 0, block.length, i * block.length);
      const t = performance.now();
      fs.fdatasyncSync(fd);
      times.push(performance.now() - t);
    }
  } finally { fs.closeSync(fd); fs.rmSync(dir, { recursive: true, force: true }); }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** Paced submissions at the target rate with strace attached to the server, counting its fsync/fdatasync calls. */
async function fsyncsAtTarget(seconds: number): Promise<Figure[]> {
  if (spawnSync('strace', ['-V']).status !== 0) return [{ name: 'fsyncs per second at 1,550 submissions/s', value: 'not measured: strace is not installed' }];
  const rate = 1550;
  const fx = await createSurveyFixture({ invitations: rate * (seconds + 2) });
  const server = await startServerProcess({ dbFile: fx.dbFile, secretFile: fx.secretFile });
  try {
    await submissionRun(server.url, fx.tokens.slice(0, rate * 2), fx.instruments, { connections: 64, maxSeconds: 2, ratePerSecond: rate }); // warm-up
    const out = path.join(fx.dir, 'strace.txt');
    const trace = spawn('strace', ['-f', '-p', String(server.pid), '-e', 'trace=fsync,fdatasync', '-o', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((resolve) => { let e = ''; trace.stderr.on('data', (c: Buffer) => { e += c; if (/attached/.test(e)) resolve(); }); });
    const run = await submissionRun(server.url, fx.tokens.slice(rate * 2), fx.instruments, { connections: 64, maxSeconds: seconds, ratePerSecond: rate });
    trace.kill('SIGINT');
    await new Promise((r) => trace.once('exit', r));
    const syncs = fs.readFileSync(out, 'utf8').split('\n').filter((l) => /\b(fsync|fdatasync)\(/.test(l)).length;
    const acknowledged = run.statusCounts['200'] ?? 0;
    return [
      { name: `fsync/fdatasync calls at ${rate} submissions/s (strace attached, which slows the server: count only)`, value: `${(syncs / run.seconds).toFixed(0)} per s; ${(acknowledged / Math.max(1, syncs)).toFixed(1)} submissions per fsync (${acknowledged} acknowledged, ${syncs} syncs)`, target: '≥ 1 per group commit' },
    ];
  } finally {
    await server.stop();
    fx.cleanup();
  }
}

/** A long-layout outcomes CSV for the fixture's schools (URN 900000..). */
function outcomesCsv(schools: number, rows: number): string {
  const measures = ['contacts', 'contacts_nfa', 'referrals', 'referrals_nfa', 'early_help', 'cin', 's47', 'looked_after', 'csa_contacts'];
  const lines = ['URN,Period,Measure,Count'];
  for (let s = 0, i = 0; s < schools && i < rows; s++) {
    for (let y = 2019; y <= 2025 && i < rows; y++) for (let m = 1; m <= 12 && i < rows; m++) for (const measure of measures) { if (i >= rows) break; lines.push(`${900_000 + s},${y}-${String(m).padStart(2, '0')},${measure},${i % 11}`); i++; }
  }
  return lines.join('\n') + '\n';
}

/** The import runs as `dslkit import outcomes` beside the server while submissions arrive at a steady rate; latency counts from when each was due. */
async function importBesideSurveys(rows: number, rate: number): Promise<Figure[]> {
  const schools = Math.ceil(rows / (7 * 12 * 9));
  const fx = await createSurveyFixture({ invitations: Math.max(schools, rate * 60) });
  const server = await startServerProcess({ dbFile: fx.dbFile, secretFile: fx.secretFile });
  try {
    const csv = path.join(fx.dir, 'outcomes.csv');
    fs.writeFileSync(csv, outcomesCsv(schools, rows));
    const bodies = Array.from({ length: 16 }, (_, k) => JSON.stringify({ data: completeAnswers(fx.instruments, seededRandom(500 + k)) }));
    const started = performance.now();
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'dslkit.mjs'), 'import', 'outcomes', csv, '--db', fx.dbFile], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => { out += c; });
    child.stderr.on('data', (c: Buffer) => { out += c; });
    let running = true;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { running = false; resolve(code); }));
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    const inFlight: Promise<void>[] = [];
    for (let i = 0; running && i < fx.tokens.length; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inFlight.push(fetch(`${server.url}/api/s/${fx.tokens[i]}/submit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[i % bodies.length] })
        .then(async (res) => { await res.arrayBuffer(); statuses[res.status] = (statuses[res.status] ?? 0) + 1; latencies.push(performance.now() - due); })
        .catch(() => { statuses.error = (statuses.error ?? 0) + 1; }));
    }
    const code = await exited;
    const importSeconds = (performance.now() - started) / 1000;
    await Promise.all(inFlight);
    latencies.sort((a, b) => a - b);
    const non2xx = Object.entries(statuses).filter(([s]) => !s.startsWith('2')).reduce((n, [, c]) => n + c, 0);
    const p99 = percentile(latencies, 99);
    return [
      { name: `dslkit import outcomes, ${rows.toLocaleString('en-GB')} rows, beside the running server: wall time (exit ${code})`, value: `${importSeconds.toFixed(1)} s (${/in (\d+) chunks/.exec(out)?.[1] ?? '?'} chunks)`, ok: code === 0 },
      { name: `survey submissions during the import (${rate}/s, ${latencies.length} sent): latency p50 / p99`, value: `${Math.round(percentile(latencies, 50))} ms / ${Math.round(p99)} ms`, target: 'p99 < 200 ms', ok: p99 < 200 },
      { name: 'survey submissions during the import: non-2xx / errors', value: `${non2xx}${non2xx ? ` (${JSON.stringify(statuses)})` : ''}`, target: '0', ok: non2xx === 0 },
    ];
  } finally {
    await server.stop();
    fx.cleanup();
  }
}

/** For bench/run.ts (area "durability"); `--quick` shortens every part. */
export async function benchDurability(): Promise<Figure[]> {
  const sync = fdatasyncLatency(quick ? 100 : 500);
  const figures: Figure[] = [
    { name: 'fdatasync of a 4 kB write on the bench disk (what synchronous = FULL adds to each group commit): p50 / p99', value: `${sync.p50.toFixed(2)} ms / ${sync.p99.toFixed(2)} ms` },
  ];
  figures.push(...await fsyncsAtTarget(quick ? 2 : 5));
  figures.push(...await importBesideSurveys(quick ? 50_000 : 330_000, 100));
  return figures;
}

// Run on its own: npx tsx bench/durability-bench.ts [--quick]
if (import.meta.url === `file://${process.argv[1]}`) {
  benchDurability().then((f) => { for (const r of f) process.stdout.write(`${r.name}: ${r.value}${r.target ? ` (target ${r.target}${r.ok === undefined ? '' : r.ok ? ', met' : ', MISSED'})` : ''}\n`); }, (err: unknown) => { process.stderr.write(`${(err as Error).stack}\n`); process.exitCode = 1; });
}
