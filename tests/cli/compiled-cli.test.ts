// The `dslkit` command as users run it (node bin/dslkit.mjs, a child process): compiled on first use, every command listed, database commands working, errors with the usual exit codes.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, afterAll } from 'vitest';
import { runCli } from '../../server/cli';
import { cliBundle } from '../../bin/build-server.mjs';
import { captureIo, tempDir } from '../helpers/temp';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const temp = tempDir('dslkit-compiled-cli-');
afterAll(() => temp.cleanup());

function dslkit(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'bin', 'dslkit.mjs'), ...args], { cwd: temp.dir, env: { PATH: process.env.PATH ?? '', HOME: temp.dir } }, (error, out, err) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out, err });
    });
  });
}

describe('the compiled dslkit command', () => {
  it('is built for the current sources and lists exactly the commands the sources list', async () => {
    const entry = await cliBundle();
    expect(fs.existsSync(entry)).toBe(true);
    expect(path.relative(root, entry)).toMatch(/^\.build\/cli-[0-9a-f]{16}\/dslkit\.mjs$/);
    const compiled = await dslkit(['--help']);
    const io = captureIo();
    await runCli(['--help'], io.io);
    expect(compiled.err).toBe('');
    expect(compiled.out).toBe(io.out());
    expect(compiled.out).toMatch(/randomise/);
  });

  it('runs a database command against --db and answers a bad one with exit code 2', async () => {
    const db = path.join(temp.dir, 'cli.db');
    const migrated = await dslkit(['migrate', '--db', db]);
    expect(migrated.err).toBe('');
    expect(migrated.code).toBe(0);
    expect(migrated.out).toMatch(/schema version \d+/i);
    expect(fs.existsSync(db)).toBe(true);
    const unknown = await dslkit(['no-such-command']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toBe('dslkit: unknown command "no-such-command". Run dslkit --help for the list.\n');
  });
});
