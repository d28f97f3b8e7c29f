// Files holding personal data are written mode 0600 whatever the umask: the database and its -wal and -shm, backups, reports, exports and score files.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { openDatabase, type Db } from '../../server/storage/db';
import { seedDemo } from '../../server/domain/demo/seed-demo';
import { captureIo, tempDir } from '../helpers/temp';

const modeOf = (file: string) => (fs.statSync(file).mode & 0o777).toString(8);

async function cli(args: string[], opts: { quiet?: boolean } = { quiet: true }): Promise<string> {
  const c = captureIo();
  const code = await runCli(args, c.io, {});
  if (opts.quiet) expect(c.err()).toBe('');
  expect(code).toBe(0);
  return c.out();
}

describe('file modes (umask 022, the usual default)', () => {
  const t = tempDir();
  const dbFile = path.join(t.dir, 'data', 'dslkit.db');
  let db: Db;
  let umask: number;
  beforeAll(() => {
    umask = process.umask(0o022);
    db = openDatabase(dbFile);
    seedDemo(db, { clock: () => new Date('2026-03-02T09:00:00Z'), secret: Buffer.alloc(32, 7) });
  }, 60_000);
  afterAll(() => { db?.close(); process.umask(umask); t.cleanup(); });

  it('the database, its WAL and its shared-memory file are 0600', () => {
    for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) expect(modeOf(f), f).toBe('600');
  });

  it('an existing 0644 database is narrowed to 0600 when opened', () => {
    const old = path.join(t.dir, 'old.db');
    openDatabase(old).close();
    fs.chmodSync(old, 0o644);
    openDatabase(old).close();
    expect(modeOf(old)).toBe('600');
  });

  it('a backup is 0600', async () => {
    const file = path.join(t.dir, 'backup.db');
    await cli(['backup', file, '--db', dbFile]);
    expect(modeOf(file)).toBe('600');
  });

  it('reports (arm comparison, IPE, programme) are 0600', async () => {
    for (const kind of ['arm-comparison', 'ipe']) {
      const out = path.join(t.dir, 'reports', `${kind}.html`);
      await cli(['report', kind, '--trial', 'demo', '--out', out, '--db', dbFile]);
      expect(modeOf(out), out).toBe('600');
    }
    const programme = path.join(t.dir, 'reports', 'programme.html');
    await cli(['programme', 'report', '--programme', 'demo-programme', '--out', programme, '--db', dbFile]);
    expect(modeOf(programme)).toBe('600');
  }, 60_000);

  it('every export file is 0600, also when it replaces an older 0644 file; a zip export too', async () => {
    const out = path.join(t.dir, 'export');
    await cli(['export', '--trial', 'demo', '--out', out, '--db', dbFile]);
    const first = fs.readdirSync(out);
    for (const f of first) fs.chmodSync(path.join(out, f), 0o644); // as an older dslkit left them
    await cli(['export', '--trial', 'demo', '--out', out, '--db', dbFile]);
    const files = fs.readdirSync(out);
    expect(files.sort()).toEqual(first.sort());
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) expect(modeOf(path.join(out, f)), f).toBe('600');
    const zip = path.join(t.dir, 'export.zip');
    await cli(['export', '--trial', 'demo', '--out', zip, '--db', dbFile]);
    expect(modeOf(zip)).toBe('600');
  }, 60_000);

  it('a score file is 0600', async () => {
    const csv = path.join(t.dir, 'answers.csv');
    fs.writeFileSync(csv, 'id,ons4_01,ons4_02,ons4_03,ons4_04\nr1,7,8,6,3\n');
    const out = path.join(t.dir, 'scores.csv');
    await cli(['score', 'ons4', csv, '--out', out], { quiet: false }); // it reports what it wrote on stderr
    expect(modeOf(out)).toBe('600');
  });
});
