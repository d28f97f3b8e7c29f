// Upgrades: the committed database made by schema 008 (tests/fixtures/upgrade) is opened and migrated by the current code, and every old row survives unchanged; `dslkit migrate --status` lists what is applied and what is pending.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestSchemaVersion, listMigrations, openDatabase } from '../../server/storage/db';
import { runCli } from '../../server/cli';
import { startServerProcess } from '../../bench/helpers/server-process';
import { captureIo, tempDir } from '../helpers/temp';

const fixture = path.resolve(__dirname, '../fixtures/upgrade/schema-008-demo.db.gz');

interface TableFingerprint { rows: number; sha256: string }

/** Row count and a SHA-256 over every row (the given columns, in a stable order) of each table. */
function fingerprints(db: Database.Database, columns: Record<string, string[]>): Record<string, TableFingerprint> {
  const out: Record<string, TableFingerprint> = {};
  for (const [table, cols] of Object.entries(columns)) {
    const list = cols.map((c) => `"${c}"`).join(', ');
    const rows = db.prepare(`SELECT ${list} FROM "${table}" ORDER BY ${list}`).raw().all();
    out[table] = { rows: rows.length, sha256: crypto.createHash('sha256').update(JSON.stringify(rows)).digest('hex') };
  }
  return out;
}

function columnsOfEveryTable(db: Database.Database): Record<string, string[]> {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
  return Object.fromEntries(tables.map((t) => [t, (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(t) as { name: string }[]).map((c) => c.name)]));
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const c = captureIo();
  const code = await runCli(args, c.io, {});
  return { code, out: c.out(), err: c.err() };
}

describe('upgrade from the schema-008 fixture', () => {
  const t = tempDir();
  const dbFile = path.join(t.dir, 'dslkit.db');
  let columns: Record<string, string[]>;
  let before: Record<string, TableFingerprint>;
  beforeAll(() => {
    fs.writeFileSync(dbFile, zlib.gunzipSync(fs.readFileSync(fixture)), { mode: 0o600 });
    const old = new Database(dbFile, { readonly: true });
    try {
      columns = columnsOfEveryTable(old);
      before = fingerprints(old, columns);
    } finally { old.close(); }
  });
  afterAll(() => t.cleanup());

  it('the fixture is what its README says: schema 8, with trials, responses, scores and audit rows', () => {
    expect(before.schema_migrations.rows).toBe(6); // 001, 002, 003, 006, 007, 008
    // counts from tests/fixtures/upgrade/README.md (the demo seeded at commit fb229af)
    expect(before.trials.rows).toBe(2);
    expect(before.responses.rows).toBe(279);
    expect(before.scores.rows).toBe(1346);
    expect(before.audit_log.rows).toBe(14);
  });

  it('migrate --status on the old file lists its applied migrations and every newer one as pending, and changes nothing', async () => {
    const r = await cli(['migrate', '--status', '--db', dbFile]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    for (const v of ['001', '002', '003', '006', '007', '008']) expect(r.out).toMatch(new RegExp(`^applied +${v}-`, 'm'));
    const pending = listMigrations().filter((m) => m.version > 8);
    for (const m of pending) expect(r.out).toContain(`pending  ${m.name}`);
    expect(r.out).toMatch(new RegExp(`schema version 8; ${pending.length} pending`));
    const db = new Database(dbFile, { readonly: true });
    try { expect(db.pragma('user_version', { simple: true })).toBe(8); } finally { db.close(); }
  });

  it('the current code migrates it, and every old row of every old table survives unchanged', () => {
    const db = openDatabase(dbFile);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(latestSchemaVersion());
      expect((db.pragma('integrity_check') as { integrity_check: string }[])[0].integrity_check).toBe('ok');
      const applied = (db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version);
      expect(applied).toEqual(listMigrations().map((m) => m.version));
      const { schema_migrations: _, ...oldTables } = columns; // schema_migrations gains the new versions' rows
      const after = fingerprints(db, oldTables);
      const { schema_migrations: __, ...expected } = before;
      expect(after).toEqual(expected);
    } finally { db.close(); }
  });

  it('migrate --status on the migrated file has nothing pending', async () => {
    const r = await cli(['migrate', '--status', '--db', dbFile]);
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/^pending/m);
    expect(r.out).toMatch(new RegExp(`schema version ${latestSchemaVersion()}; 0 pending`));
  });

  it('the built server starts on the upgraded file and serves the demo\'s published dashboard', async () => {
    fs.writeFileSync(path.join(t.dir, 'secret.key'), crypto.randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
    const server = await startServerProcess({ dbFile, secretFile: path.join(t.dir, 'secret.key') });
    try {
      const health = await (await fetch(`${server.url}/api/health`)).json() as { schemaVersion: number };
      expect(health.schemaVersion).toBe(latestSchemaVersion());
      expect((await fetch(`${server.url}/dashboards/D01`)).status).toBe(200);
    } finally { await server.stop(); }
  }, 60_000);
});
