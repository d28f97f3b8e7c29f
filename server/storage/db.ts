// Opens the SQLite file (WAL with synchronous FULL, secure delete, foreign keys on, owner-only file mode) and applies the numbered migrations in migrations/ once each.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { preparePrivateDatabaseFile } from './private-files';

export type Db = Database.Database;

const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface Migration { version: number; name: string; sql: string }

/** Lists migrations/NNN-name.sql in version order. */
export function listMigrations(): Migration[] {
  return fs.readdirSync(migrationsDir)
    .filter((f) => /^\d{3}-[a-z0-9-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 3)), name: f.replace(/\.sql$/, ''), sql: fs.readFileSync(path.join(migrationsDir, f), 'utf8') }));
}

/** The schema version this code expects: the highest migration number. */
export function latestSchemaVersion(): number {
  const all = listMigrations();
  return all.length ? all[all.length - 1].version : 0;
}

/** Opens (creating the folder and file if needed) and migrates a database. ':memory:' works for tests. */
export function openDatabase(file: string, options: { readonly?: boolean } = {}): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  if (file !== ':memory:' && !options.readonly) preparePrivateDatabaseFile(file);
  const db = new Database(file, { readonly: options.readonly ?? false });
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // FULL: every COMMIT fsyncs the WAL before it returns, so an acknowledged write survives a power cut or OS
  // crash, not only a process crash (NORMAL syncs only at checkpoints). The group commit pays one fsync per batch.
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
  // Deleted rows (an erased DSL's answers, superseded progress saves) are overwritten with zeros, not left in free pages.
  db.pragma('secure_delete = ON');
  // After a checkpoint the WAL file is cut back to at most 64 MB instead of keeping its largest size.
  db.pragma('journal_size_limit = 67108864');
  reusePreparedStatements(db);
  if (!options.readonly) migrate(db);
  return db;
}

/** How many distinct SQL texts keep a compiled statement; the code has a few hundred fixed ones, so the limit only guards against generated SQL. */
const statementCacheSize = 1000;

/**
 * Makes db.prepare return the already compiled statement for SQL it has seen, so the repositories can keep
 * preparing inline without compiling the same SQL on every request. Safe because nothing in dslkit changes
 * a statement's mode (pluck, raw, expand) or holds one open with iterate().
 */
function reusePreparedStatements(db: Db): void {
  const compile = db.prepare.bind(db);
  const compiled = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = compiled.get(sql);
    if (!statement) {
      if (compiled.size >= statementCacheSize) compiled.clear();
      statement = compile(sql);
      compiled.set(sql, statement);
    }
    return statement;
  }) as Db['prepare'];
}

/** Applies every migration not yet recorded in schema_migrations (each in its own transaction), in version order. */
export function migrate(db: Db): number {
  const hadTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  if (!hadTable) backfillFromUserVersion(db);
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version));
  for (const m of listMigrations()) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      db.pragma(`user_version = ${Math.max(m.version, db.pragma('user_version', { simple: true }) as number)}`);
    })();
  }
  return schemaVersion(db);
}

/** A file made before schema_migrations existed recorded only user_version: count everything up to it as applied. */
function backfillFromUserVersion(db: Db): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  const insert = db.prepare('INSERT OR IGNORE INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of listMigrations()) if (m.version <= version) insert.run(m.version, m.name, 'before-tracking');
}

/** The schema version recorded in the database file: the highest migration applied. */
export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export interface MigrationStatus {
  /** Recorded in schema_migrations (or, for a file from before tracking, implied by user_version). */
  applied: Array<{ version: number; name: string; appliedAt: string }>;
  /** Migrations this code has that the file has not had. */
  pending: Migration[];
  schemaVersion: number;
}

/** What a database file has applied and what the current code would still apply; reads only (works on a read-only connection). */
export function migrationStatus(db: Db): MigrationStatus {
  const version = schemaVersion(db);
  const tracked = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
  const applied = tracked
    ? (db.prepare('SELECT version, name, applied_at AS appliedAt FROM schema_migrations ORDER BY version').all() as MigrationStatus['applied'])
    : listMigrations().filter((m) => m.version <= version).map((m) => ({ version: m.version, name: m.name, appliedAt: 'before-tracking' }));
  const done = new Set(applied.map((a) => a.version));
  return { applied, pending: listMigrations().filter((m) => !done.has(m.version)), schemaVersion: version };
}

/** Proves the file can still be written: commits a write of the schema version it already holds (the header page). Throws SQLite's error when it cannot. */
export function probeWritable(db: Db): void {
  const version = schemaVersion(db);
  db.transaction(() => { db.pragma(`user_version = ${version}`); }).immediate();
}
