// Starts the real server (the compiled .build/server.mjs that `npm start` runs) as a child process on a loopback port, for load, crash and backup runs; samples its memory.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer } from '../../bin/build-server.mjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface ServerProcess {
  url: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** Everything the server printed (stdout and stderr), line by line. */
  output: string[];
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Current and peak resident memory from /proc (kB); undefined off Linux. */
  memory: () => { rssKb: number; hwmKb: number } | undefined;
  /** SIGTERM and wait (SIGKILL after 5 s). */
  stop: () => Promise<void>;
  /** SIGKILL now and wait: the process gets no chance to flush or close anything. */
  kill: () => Promise<void>;
}

export interface ServerOptions {
  dbFile: string;
  secretFile: string;
  env?: Record<string, string>;
  /** Settings to leave out of the child's environment (so their defaults apply). */
  unset?: string[];
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=tmp/prof'] to profile a bench run. */
  nodeArgs?: string[];
  /** How long to wait for /api/health (default 30 s). */
  startTimeoutMs?: number;
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Reads VmRSS and VmHWM of a process from /proc/<pid>/status. */
export function processMemory(pid: number): { rssKb: number; hwmKb: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssKb: kb('VmRSS'), hwmKb: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

let built: Promise<string> | undefined;
/** Compiles the server once per process (as `npm start` does), so every child runs the current sources. */
function serverBundle(): Promise<string> {
  built ??= buildServer();
  return built;
}

/** Starts `node .build/server.mjs` (what `npm start` runs) bound to 127.0.0.1 and waits until /api/health answers 200. */
export async function startServerProcess(opts: ServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  const bundle = await serverBundle();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'production',
    PORT: String(port), HOST: '127.0.0.1', DSLKIT_DB: opts.dbFile, DSLKIT_SECRET_FILE: opts.secretFile,
    DSLKIT_SEED_DEMO: '0', DSLKIT_LOG: 'quiet', DSLKIT_PUBLIC_URL: `http://127.0.0.1:${port}`, ...opts.env,
  };
  for (const key of opts.unset ?? []) delete env[key];
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), bundle], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => { output.push(...chunk.toString('utf8').split('\n').filter(Boolean)); };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let hasExited = false;
  void exited.then(() => { hasExited = true; });
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
  for (;;) {
    if (hasExited) throw new Error(`the server exited before it was ready:\n${output.join('\n')}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`the server did not answer /api/health within the time limit:\n${output.join('\n')}`); }
    await new Promise((r) => setTimeout(r, 100));
  }

  const waitOrKill = async (signal: NodeJS.Signals) => {
    if (hasExited) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return {
    url, port, pid: child.pid as number, child, output, exited,
    memory: () => processMemory(child.pid as number),
    stop: () => waitOrKill('SIGTERM'),
    kill: () => waitOrKill('SIGKILL'),
  };
}

/** CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat (clock ticks of 10 ms, Linux's USER_HZ). */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime and stime are fields 14 and 15 of the full line
  } catch {
    return undefined;
  }
}

/** Samples a process's resident memory every `everyMs` until stopped; returns the peak seen (kB). */
export function sampleMemory(pid: number, everyMs = 100): { stop: () => { peakRssKb: number; hwmKb: number } } {
  let peak = 0;
  let hwm = 0;
  const take = () => {
    const m = processMemory(pid);
    if (m) { peak = Math.max(peak, m.rssKb); hwm = Math.max(hwm, m.hwmKb); }
  };
  take();
  const timer = setInterval(take, everyMs);
  return { stop: () => { clearInterval(timer); take(); return { peakRssKb: peak, hwmKb: hwm }; } };
}
