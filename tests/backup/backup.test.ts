// dslkit backup: online copy while the real server takes submissions, integrity-checked, refusing to overwrite, and restorable as a working server database.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { openDatabase } from '../../server/storage/db';
import { openCopyReadOnly, tableCounts } from '../../server/storage/backup';
import { captureIo } from '../helpers/temp';
import { createSurveyFixture, scaleCount, type SurveyFixture } from '../../bench/helpers/fixture';
import { startServerProcess, type ServerProcess } from '../../bench/helpers/server-process';
import { submitAll } from '../../bench/helpers/submit';
import { checkConsistency } from '../../bench/helpers/consistency';

async function backup(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const cap = captureIo();
  const code = await runCli(['backup', ...args], cap.io, {});
  return { code, out: cap.out(), err: cap.err() };
}

describe('dslkit backup (command line)', () => {
  let fx: SurveyFixture;
  beforeAll(async () => { fx = await createSurveyFixture({ invitations: 40 }); });
  afterAll(() => fx.cleanup());

  it('copies the database, reports integrity ok and the row count of every table, and leaves no temporary file', async () => {
    const dest = path.join(fx.dir, 'copy.db');
    const r = await backup([dest, '--db', fx.dbFile]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/integrity_check: ok/);
    // the fixture made 40 schools, DSLs and invitations (bench/helpers/fixture.ts)
    expect(r.out).toMatch(/^ {2}invitations +40$/m);
    expect(r.out).toMatch(/^ {2}dsls +40$/m);
    const copy = openCopyReadOnly(dest);
    try {
      const counts = tableCounts(copy);
      for (const [table, n] of Object.entries(counts)) expect(r.out).toMatch(new RegExp(`^ {2}${table} +${n}$`, 'm'));
      expect(counts.schools).toBe(40);
    } finally { copy.close(); }
    expect(fs.readdirSync(fx.dir).filter((f) => f.includes('.partial-'))).toEqual([]);
    expect(fs.existsSync(`${dest}-wal`)).toBe(false); // one self-contained file
  });

  it('refuses to overwrite an existing file without --force, and replaces it with --force', async () => {
    const dest = path.join(fx.dir, 'existing.db');
    fs.writeFileSync(dest, 'not a database yet');
    const refused = await backup([dest, '--db', fx.dbFile]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/already exists.*--force/);
    expect(fs.readFileSync(dest, 'utf8')).toBe('not a database yet');
    const forced = await backup([dest, '--force', '--db', fx.dbFile]);
    expect(forced.code).toBe(0);
    expect(forced.out).toMatch(/integrity_check: ok/);
  });

  it('explains a missing source, a missing folder and a missing file name without a stack trace', async () => {
    const noDb = await backup([path.join(fx.dir, 'x.db'), '--db', path.join(fx.dir, 'nope.db')]);
    expect(noDb.code).toBe(1);
    expect(noDb.err).toMatch(/no database at/);
    expect(fs.existsSync(path.join(fx.dir, 'nope.db'))).toBe(false); // backing up must not create the source
    const noFolder = await backup([path.join(fx.dir, 'missing', 'x.db'), '--db', fx.dbFile]);
    expect(noFolder.code).toBe(1);
    expect(noFolder.err).toMatch(/does not exist/);
    const noName = await backup(['--db', fx.dbFile]);
    expect(noName.code).toBe(2);
    for (const r of [noDb, noFolder, noName]) expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('records the backup in the audit log', async () => {
    const db = openDatabase(fx.dbFile, { readonly: true });
    try {
      const rows = db.prepare("SELECT actor, detail FROM audit_log WHERE action = 'backup'").all() as { actor: string; detail: string }[];
      expect(rows.length).toBeGreaterThanOrEqual(2);
      expect(rows[0].actor).toMatch(/^cli:/);
    } finally { db.close(); }
  });
});

describe('backup while the server takes writes, then restore', () => {
  let fx: SurveyFixture;
  let server: ServerProcess | undefined;
  let restored: ServerProcess | undefined;
  beforeAll(async () => { fx = await createSurveyFixture({ invitations: 1200 }); });
  afterAll(async () => { await server?.stop(); await restored?.stop(); fx.cleanup(); });

  it('holds every submission acknowledged before the backup began, nothing half-written, and serves as a fresh server database', async () => {
    server = await startServerProcess({ dbFile: fx.dbFile, secretFile: fx.secretFile });
    expect((await backup(['--help'])).code).toBe(0); // loads the command modules now, so the backup below starts at once
    const acked: string[] = [];
    let startBackup!: () => void;
    const ready = new Promise<void>((resolve) => { startBackup = resolve; });
    // keeps writing during the backup
    const load = submitAll({ url: server.url, tokens: fx.tokens, instruments: fx.instruments, concurrency: 8,
      onSuccess: (n, token) => { acked.push(token); if (n === 300) startBackup(); } });
    await ready;
    const ackedBefore = [...acked];
    const dest = path.join(fx.dir, 'online-backup.db');
    const r = await backup([dest, '--db', fx.dbFile]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/integrity_check: ok/);
    const outcome = await load;
    expect(outcome.ok.length).toBe(fx.tokens.length); // the server kept answering during the backup
    await server.stop();

    const scales = scaleCount(fx.instruments);
    const copy = openCopyReadOnly(dest);
    let inCopy: number;
    try {
      const report = checkConsistency(copy, ackedBefore, scales);
      expect(report.integrity).toBe('ok');
      expect(report.lostOrBroken).toEqual([]);
      expect(report.inconsistent).toEqual([]);
      inCopy = report.completeResponses;
      const printed = Number(/^ {2}responses +(\d+)$/m.exec(r.out)?.[1]);
      expect(printed).toBe(tableCounts(copy).responses);
    } finally { copy.close(); }
    expect(inCopy).toBeGreaterThanOrEqual(ackedBefore.length);
    expect(inCopy).toBeLessThan(fx.tokens.length); // a point-in-time copy: writes after it are not in it

    // Restore as documented: copy the file to a new DSLKIT_DB and start the server on it.
    const restoredDb = path.join(fx.dir, 'restored', 'dslkit.db');
    fs.mkdirSync(path.dirname(restoredDb));
    fs.copyFileSync(dest, restoredDb);
    restored = await startServerProcess({ dbFile: restoredDb, secretFile: fx.secretFile });
    const before = await fetch(`${restored.url}/api/s/${ackedBefore[0]}`);
    expect(before.status).toBe(200);
    expect((await before.json()).status).toBe('complete');
    // Submissions missing from the copy can be made again on the restored server, once each.
    const again = await submitAll({ url: restored.url, tokens: fx.tokens, instruments: fx.instruments, concurrency: 8 });
    expect(again.ok.length).toBe(fx.tokens.length);
    await restored.stop();
    const after = openDatabase(restoredDb, { readonly: true });
    try {
      const report = checkConsistency(after, fx.tokens, scales);
      expect(report.lostOrBroken).toEqual([]);
      expect(report.completeResponses).toBe(fx.tokens.length);
    } finally { after.close(); }
  }, 120_000);
});
