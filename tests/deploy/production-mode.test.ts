// NODE_ENV=production on the built server (node .build/server.mjs as a child process): each missing precondition refused in one sentence, no demo unless asked, no secret created.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../bin/build-server.mjs';
import { startServerProcess } from '../../bench/helpers/server-process';
import { tempDir } from '../helpers/temp';

const temp = tempDir('dslkit-production-');
afterAll(() => temp.cleanup());
let bundle: string;
beforeAll(async () => { bundle = await buildServer(); });

/** Runs the built server with NODE_ENV=production and the given settings until it exits (or 15 s); returns its exit code and what it printed. */
function refusal(env: Record<string, string>, opts: { uid?: number } = {}): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundle], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'production', PORT: '0', DSLKIT_LOG: 'quiet', ...env },
      stdio: ['ignore', 'pipe', 'pipe'], ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c; });
    child.stderr.on('data', (c: Buffer) => { stderr += c; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, stderr, stdout }); });
  });
}

function secretIn(dir: string): string {
  const file = path.join(dir, 'secret.key');
  fs.writeFileSync(file, 'cd'.repeat(32) + '\n', { mode: 0o600 });
  return file;
}

describe('the built server with NODE_ENV=production', () => {
  it('refuses to start without DSLKIT_DB, in one sentence', async () => {
    const run = await refusal({});
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('dslkit: NODE_ENV=production needs DSLKIT_DB: set it to the database file\'s path outside the code folder (for example /var/lib/dslkit/dslkit.db).\n');
  });

  it('refuses to start without a secret file, and does not create one', async () => {
    const dir = fs.mkdtempSync(path.join(temp.dir, 'nosecret-'));
    const run = await refusal({ DSLKIT_DB: path.join(dir, 'dslkit.db') });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`dslkit needs the secret file ${path.join(dir, 'secret.key')}, which does not exist: create it once with "dslkit secret init" (or set DSLKIT_SECRET_FILE to the existing one), and back it up with the database.\n`);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('refuses a database it cannot write, naming it', async () => {
    const dir = fs.mkdtempSync(path.join(temp.dir, 'readonly-'));
    const secretFile = secretIn(dir);
    fs.chmodSync(secretFile, 0o644);
    fs.chmodSync(dir, 0o755); // readable and searchable by all, writable by its owner only
    fs.chmodSync(temp.dir, 0o755);
    // As root, permissions do not stop the process itself: run the server as nobody (as systemd runs it as its own user).
    const asOther = process.getuid?.() === 0 ? { uid: 65534 } : {};
    if (!asOther.uid) fs.chmodSync(dir, 0o555);
    const db = path.join(dir, 'dslkit.db');
    const run = await refusal({ DSLKIT_DB: db, DSLKIT_SECRET_FILE: secretFile }, asOther);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^dslkit: cannot write the database ${db.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(.+\\): give the user the server runs as write access to the file and its folder \\(SQLite writes -wal and -shm files beside it\\), or set DSLKIT_DB\\.\\n$`));
    fs.chmodSync(dir, 0o755);
  });

  it('refuses a database inside the code folder', async () => {
    const dir = fs.mkdtempSync(path.join(temp.dir, 'insidecode-'));
    const root = path.resolve(path.dirname(bundle), '..');
    const run = await refusal({ DSLKIT_DB: path.join(root, 'data', 'production.db'), DSLKIT_SECRET_FILE: secretIn(dir) });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`dslkit: DSLKIT_DB (${path.join(root, 'data', 'production.db')}) is inside the code folder ${root}; in production keep the database elsewhere, for example /var/lib/dslkit/dslkit.db.\n`);
  });

  it('starts on an empty database without seeding the demo, and is ready', async () => {
    const dir = fs.mkdtempSync(path.join(temp.dir, 'empty-'));
    const server = await startServerProcess({ dbFile: path.join(dir, 'dslkit.db'), secretFile: secretIn(dir), unset: ['DSLKIT_SEED_DEMO'] });
    try {
      expect((await fetch(`${server.url}/api/ready`)).status).toBe(200);
      const home = await (await fetch(`${server.url}/`)).text();
      expect(home).not.toContain('synthetic demonstration trial');
      expect(fs.existsSync(path.join(dir, 'demo-accounts.txt'))).toBe(false);
    } finally { await server.stop(); }
  });
});

describe('npm start in development', () => {
  it('checks the client build, compiles the server and listens (bin/start.mjs)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dslkit-npm-start-'));
    try {
      const child = spawn(process.execPath, [path.join(path.dirname(bundle), '..', 'bin', 'start.mjs')], { env: { PATH: process.env.PATH ?? '', PORT: '0', DSLKIT_DB: path.join(dir, 'dslkit.db'), DSLKIT_SEED_DEMO: '0', DSLKIT_LOG: 'quiet' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stderr.on('data', (c: Buffer) => { output += c; });
      const listening = await new Promise<boolean>((resolve) => {
        child.stdout.on('data', (c: Buffer) => { output += c; if (output.includes('dslkit listening on')) resolve(true); });
        child.on('exit', () => resolve(false));
      });
      expect(listening, output).toBe(true);
      child.kill('SIGTERM');
      expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  }, 60_000);
});

describe('the built server in development', () => {
  it('still creates the secret beside a new database (npm install && npm start)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dslkit-dev-'));
    try {
      const child = spawn(process.execPath, [bundle], { env: { PATH: process.env.PATH ?? '', PORT: '0', DSLKIT_DB: path.join(dir, 'dslkit.db'), DSLKIT_SEED_DEMO: '0', DSLKIT_LOG: 'quiet' }, stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => child.stdout.on('data', (c: Buffer) => { if (String(c).includes('listening')) resolve(); }));
      expect(fs.statSync(path.join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
      child.kill('SIGTERM');
      expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0);
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
});
