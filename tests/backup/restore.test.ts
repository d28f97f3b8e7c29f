// dslkit restore <backup>: refuses while the server runs, removes a stale -wal/-shm (which used to replay silently into a restored file), checks the backup first and the result after (integrity_check, schema version, migrations).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../server/cli';
import { latestSchemaVersion } from '../../server/storage/db';
import { captureIo, tempDir } from '../helpers/temp';
import { createSurveyFixture, type SurveyFixture } from '../../bench/helpers/fixture';
import { startServerProcess } from '../../bench/helpers/server-process';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = captureIo();
  const code = await runCli(args, c.io, {});
  return { code, out: c.out(), err: c.err() };
}

const countOf = (file: string, table: string) => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try { return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n; } finally { db.close(); }
};

/**
 * Leaves `dbFile` as a crashed server leaves it: rows written after `marker` are only in its -wal (never
 * checkpointed), with the -shm beside it. The files are copied while the writer is still open, as after SIGKILL.
 */
function crashedWithWal(source: string, dbFile: string, extraRows: number): void {
  const w = new Database(source);
  w.pragma('journal_mode = WAL');
  w.pragma('wal_autocheckpoint = 0');
  const insert = w.prepare("INSERT INTO audit_log (at, actor, action, detail) VALUES ('2026-12-01T00:00:00Z', 'test', 'after-backup', '{}')");
  for (let i = 0; i < extraRows; i++) insert.run();
  for (const suffix of ['', '-wal', '-shm']) fs.copyFileSync(source + suffix, dbFile + suffix);
  w.close();
}

describe('dslkit restore', () => {
  let fx: SurveyFixture;
  let backupFile: string;
  let auditInBackup: number;
  beforeAll(async () => {
    fx = await createSurveyFixture({ invitations: 25 });
    backupFile = path.join(fx.dir, 'nightly.db');
    expect((await cli(['backup', backupFile, '--db', fx.dbFile])).code).toBe(0);
    auditInBackup = countOf(backupFile, 'audit_log');
  }, 60_000);
  afterAll(() => fx.cleanup());

  it('the hazard it removes: copying a backup over a database whose old -wal is still there replays that WAL into the restored file', () => {
    const t = tempDir();
    try {
      const live = path.join(t.dir, 'dslkit.db');
      crashedWithWal(fx.dbFile, live, 50);
      fs.copyFileSync(backupFile, live); // the README's old manual restore, without deleting the -wal
      const seen = countOf(live, 'audit_log');
      expect(seen).not.toBe(auditInBackup); // rows that are not in the backup appear (or the file breaks)
    } catch (err) {
      expect(String(err)).toMatch(/malformed|corrupt|not a database/i); // a replayed WAL may also corrupt it: the same hazard
    } finally { t.cleanup(); }
  });

  it('restores exactly the backup over a crashed database with a stale -wal and -shm, checks it, and sets the database aside', async () => {
    const t = tempDir();
    try {
      const live = path.join(t.dir, 'dslkit.db');
      crashedWithWal(fx.dbFile, live, 50);
      expect(fs.existsSync(`${live}-wal`)).toBe(true);
      const r = await cli(['restore', backupFile, '--db', live]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/integrity_check: ok/);
      expect(r.out).toMatch(new RegExp(`schema version ${latestSchemaVersion()}, no migration pending`));
      expect(r.out).toMatch(/removed the old .*-wal/);
      // The restored file holds what the backup held (plus the restore's own audit entry), and none of the stale WAL's rows.
      const db = new Database(live, { readonly: true });
      try {
        expect((db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'after-backup'").get() as { n: number }).n).toBe(0);
        expect((db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'restore'").get() as { n: number }).n).toBe(1);
        expect((db.prepare('SELECT count(*) AS n FROM invitations').get() as { n: number }).n).toBe(25);
      } finally { db.close(); }
      expect((fs.statSync(live).mode & 0o777).toString(8)).toBe('600');
      const aside = fs.readdirSync(t.dir).filter((f) => f.startsWith('dslkit.db.replaced-'));
      expect(aside).toHaveLength(1);
      expect(r.out).toContain(aside[0]);
    } finally { t.cleanup(); }
  });

  // Only root can give a file away; as another user the copy simply belongs to whoever restores.
  it.runIf(process.getuid?.() === 0)('run as root over the service user\'s database, the restored file belongs to that user', async () => {
    const t = tempDir();
    try {
      const live = path.join(t.dir, 'dslkit.db');
      fs.copyFileSync(backupFile, live);
      fs.chownSync(live, 65534, 65534);
      fs.chownSync(t.dir, 65534, 65534);
      const r = await cli(['restore', backupFile, '--db', live]);
      expect(r.code).toBe(0);
      expect(fs.statSync(live).uid).toBe(65534);
      expect(fs.statSync(live).gid).toBe(65534);
    } finally { t.cleanup(); }
  });

  it('restores into a path where there is no database yet', async () => {
    const t = tempDir();
    try {
      const live = path.join(t.dir, 'new', 'dslkit.db');
      const r = await cli(['restore', backupFile, '--db', live]);
      expect(r.code).toBe(0);
      expect(countOf(live, 'invitations')).toBe(25);
    } finally { t.cleanup(); }
  });

  it('from a dslkit backup --dir folder onto a new machine: the secret beside the backup is put in place (0600), and links derived from it keep working', async () => {
    const t = tempDir();
    try {
      const folder = path.join(t.dir, 'backups');
      expect((await cli(['backup', '--dir', folder, '--db', fx.dbFile])).code).toBe(0);
      const [file] = fs.readdirSync(folder).filter((f) => f.endsWith('.db'));
      const live = path.join(t.dir, 'srv', 'dslkit.db');
      const r = await cli(['restore', path.join(folder, file), '--db', live]);
      expect(r.code).toBe(0);
      const secret = path.join(t.dir, 'srv', 'secret.key'); // the default: beside the database
      expect(r.out).toContain(`secret copied from beside the backup to ${secret}`);
      expect(fs.readFileSync(secret, 'utf8')).toBe(fs.readFileSync(fx.secretFile, 'utf8'));
      expect((fs.statSync(secret).mode & 0o777).toString(8)).toBe('600');
      const server = await startServerProcess({ dbFile: live, secretFile: secret });
      try { expect((await fetch(`${server.url}/api/s/${fx.tokens[0]}`)).status).toBe(200); } finally { await server.stop(); }
    } finally { t.cleanup(); }
  }, 60_000);

  it('refuses while the server has the database open, and changes nothing', async () => {
    const server = await startServerProcess({ dbFile: fx.dbFile, secretFile: fx.secretFile });
    try {
      const before = fs.readFileSync(fx.dbFile);
      const r = await cli(['restore', backupFile, '--db', fx.dbFile]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/in use.*stop the server/i);
      expect(fs.readFileSync(fx.dbFile).equals(before)).toBe(true);
      expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    } finally { await server.stop(); }
  }, 60_000);

  it('refuses a damaged backup, a backup from newer code, and a file that is not a database, changing nothing', async () => {
    const t = tempDir();
    try {
      const live = path.join(t.dir, 'dslkit.db');
      fs.copyFileSync(backupFile, live);
      const original = fs.readFileSync(live);

      const damaged = path.join(t.dir, 'damaged.db');
      const bytes = fs.readFileSync(backupFile);
      bytes.fill(0x55, 4096 * 2, 4096 * 4); // two whole pages overwritten
      fs.writeFileSync(damaged, bytes);
      const newer = path.join(t.dir, 'newer.db');
      fs.copyFileSync(backupFile, newer);
      const n = new Database(newer);
      n.pragma(`user_version = ${latestSchemaVersion() + 1}`);
      n.close();
      const text = path.join(t.dir, 'notes.db');
      fs.writeFileSync(text, 'these are not the droids');

      for (const [file, message] of [[damaged, /integrity|malformed|damaged/i], [newer, /newer|schema version/i], [text, /not a dslkit database|not a database/i], [path.join(t.dir, 'missing.db'), /no such file|no backup/i]] as const) {
        const r = await cli(['restore', file, '--db', live]);
        expect(r.code, file).toBe(1);
        expect(r.err, file).toMatch(message);
        expect(r.err).not.toMatch(/\n\s+at /);
        expect(fs.readFileSync(live).equals(original), file).toBe(true);
      }
    } finally { t.cleanup(); }
  });
});
