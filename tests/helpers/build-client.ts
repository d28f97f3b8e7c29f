// Builds the respondent client (Vite) once when its sources are newer than client/dist; vitest's globalSetup and the bench call it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const clientDir = path.join(root, 'client');
export const clientDistDir = path.join(clientDir, 'dist');
const builtIndex = path.join(clientDistDir, 'index.html');
const lockDir = path.join(os.tmpdir(), 'dslkit-client-build.lock');

function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return fs.readdirSync(p).reduce((m, name) => Math.max(m, newestMtime(path.join(p, name))), 0);
}

/** True when client/dist is missing or older than client/src, client/build (the build's own plugins), client/index.html or the Vite config. */
export function clientIsStale(): boolean {
  if (!fs.existsSync(builtIndex)) return true;
  const sources = Math.max(newestMtime(path.join(clientDir, 'src')), newestMtime(path.join(clientDir, 'build')), newestMtime(path.join(clientDir, 'index.html')), newestMtime(path.join(clientDir, 'vite.config.ts')));
  return fs.statSync(builtIndex).mtimeMs < sources;
}

function sleep(ms: number): void { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms); }

/** Takes a cross-process lock (a directory) so two test runs never build at once; a lock older than 2 minutes is stale. */
function withBuildLock<T>(fn: () => T): T {
  for (;;) {
    try { fs.mkdirSync(lockDir); break; } catch {
      try { if (Date.now() - fs.statSync(lockDir).mtimeMs > 120_000) fs.rmSync(lockDir, { recursive: true, force: true }); } catch { /* gone meanwhile */ }
      sleep(250);
    }
  }
  try { return fn(); } finally { fs.rmSync(lockDir, { recursive: true, force: true }); }
}

/** Builds the client if stale; returns true when it built. Throws with Vite's output when the build fails. */
export function ensureClientBuilt(): boolean {
  if (!clientIsStale()) return false;
  return withBuildLock(() => {
    if (!clientIsStale()) return false;
    const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
    const r = spawnSync(process.execPath, [vite, 'build', '--config', path.join(clientDir, 'vite.config.ts'), '--logLevel', 'warn'], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' } });
    if (r.status !== 0) throw new Error(`client build failed:\n${r.stdout}\n${r.stderr}`);
    return true;
  });
}

/** vitest globalSetup entry: build once before any test file runs. */
export default function setup(): void {
  if (ensureClientBuilt()) process.stdout.write('built the respondent client (client/dist)\n');
}
