// dslkit backup --dir <folder> --keep <n>: what the systemd timer runs. Timestamped, verified copies, the oldest removed beyond n, the secret copied beside them, every file 0600.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { openCopyReadOnly, integrityOf } from '../../server/storage/backup';
import { captureIo } from '../helpers/temp';
import { createSurveyFixture, type SurveyFixture } from '../../bench/helpers/fixture';

const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

describe('dslkit backup --dir --keep (scheduled backups with rotation)', () => {
  let fx: SurveyFixture;
  let folder: string;
  let clock = new Date('2026-12-01T02:00:00Z');
  beforeAll(async () => {
    fx = await createSurveyFixture({ invitations: 30 });
    folder = path.join(fx.dir, 'backups');
  });
  afterAll(() => fx.cleanup());

  async function backup(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const c = captureIo();
    const code = await runCli(['backup', ...args], c.io, {}, () => clock);
    return { code, out: c.out(), err: c.err() };
  }

  it('writes a verified copy named by the UTC time, and the secret beside it, both 0600, creating the folder 0700', async () => {
    const r = await backup(['--dir', folder, '--keep', '3', '--db', fx.dbFile]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/integrity_check: ok/);
    const file = path.join(folder, 'dslkit-20261201T020000Z.db');
    expect(fs.existsSync(file)).toBe(true);
    const copy = openCopyReadOnly(file);
    try { expect(integrityOf(copy)).toBe('ok'); } finally { copy.close(); }
    expect(fs.readFileSync(path.join(folder, 'secret.key'), 'utf8')).toBe(fs.readFileSync(fx.secretFile, 'utf8'));
    expect(modeOf(file)).toBe('600');
    expect(modeOf(path.join(folder, 'secret.key'))).toBe('600');
    expect(modeOf(folder)).toBe('700');
  });

  it('keeps the newest n: after five nightly runs with --keep 3 the three latest remain, oldest first removed', async () => {
    for (let day = 2; day <= 5; day++) {
      clock = new Date(`2026-12-0${day}T02:00:00Z`);
      const r = await backup(['--dir', folder, '--keep', '3', '--db', fx.dbFile]);
      expect(r.code).toBe(0);
    }
    const kept = fs.readdirSync(folder).filter((f) => f.endsWith('.db')).sort();
    expect(kept).toEqual(['dslkit-20261203T020000Z.db', 'dslkit-20261204T020000Z.db', 'dslkit-20261205T020000Z.db']);
    expect(fs.readdirSync(folder).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('never removes files it did not make, and says which it removed', async () => {
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'keep me');
    fs.writeFileSync(path.join(folder, 'dslkit-manual.db'), 'an operator\'s own copy');
    clock = new Date('2026-12-06T02:00:00Z');
    const r = await backup(['--dir', folder, '--keep', '3', '--db', fx.dbFile]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/removed .*dslkit-20261203T020000Z\.db/);
    expect(fs.existsSync(path.join(folder, 'notes.txt'))).toBe(true);
    expect(fs.existsSync(path.join(folder, 'dslkit-manual.db'))).toBe(true);
  });

  it('a failed backup removes nothing', async () => {
    const before = fs.readdirSync(folder).sort();
    clock = new Date('2026-12-07T02:00:00Z');
    const r = await backup(['--dir', folder, '--keep', '1', '--db', path.join(fx.dir, 'no-such.db')]);
    expect(r.code).toBe(1);
    expect(fs.readdirSync(folder).sort()).toEqual(before);
  });

  it('explains bad option combinations without a stack trace', async () => {
    const both = await backup(['x.db', '--dir', folder, '--db', fx.dbFile]);
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/either a file name or --dir/);
    const badKeep = await backup(['--dir', folder, '--keep', '0', '--db', fx.dbFile]);
    expect(badKeep.code).toBe(2);
    expect(badKeep.err).toMatch(/--keep "0" must be a whole number at least 1/);
    const keepAlone = await backup(['x.db', '--keep', '2', '--db', fx.dbFile]);
    expect(keepAlone.code).toBe(2);
    expect(keepAlone.err).toMatch(/--keep goes with --dir/);
  });
});
