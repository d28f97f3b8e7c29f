// The command line's outcome import: one logical all-or-nothing import committed in short chunks, so the server's survey writes get the write lock between them; what each chunk changed is kept until the end so a failed or killed import is rolled back.
import type { Db } from './db';
import { ConflictError } from '../../shared/errors';
import { appendAudit } from './audit-repo';
import { checkOutcomeCsv, type OutcomeImportResult } from './outcome-repo';

export interface ChunkOptions {
  /** Rows per transaction at most (default 2,000: about 10 ms of write lock on a quiet 2-core machine). */
  chunkRows?: number;
  /** And milliseconds per transaction at most (default 20). */
  chunkMs?: number;
  /** Pause after each chunk so other writers get the lock (default: as long as the chunk took, at least 10 ms). */
  pauseMs?: number;
  /** Called after each committed chunk with the rows applied so far (progress, tests). */
  onChunk?: (applied: number, total: number) => void;
}

export interface ChunkedImportResult extends OutcomeImportResult {
  importId: number;
  chunks: number;
  /** Unfinished imports (killed part-way) rolled back before this one started. */
  rolledBack: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function processAlive(pid: number | null): boolean {
  if (!pid || pid === process.pid) return false;
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}

/**
 * Rolls back, chunk by chunk, every import left 'applying' by a process that no longer runs; refuses
 * (ConflictError) when another import is still running. Returns the ids rolled back.
 */
export async function rollBackAbandonedOutcomeImports(db: Db, opts: ChunkOptions = {}): Promise<number[]> {
  const open = db.prepare("SELECT id, pid FROM outcome_imports WHERE status = 'applying' ORDER BY id").all() as { id: number; pid: number | null }[];
  const running = open.find((i) => processAlive(i.pid));
  if (running) throw new ConflictError(`Another outcome import (number ${running.id}, process ${running.pid}) is still running; wait for it to finish.`);
  for (const i of open) await rollBackOutcomeImport(db, i.id, 'abandoned', opts);
  return open.map((i) => i.id);
}

/** Undoes an unfinished import in chunks (newest change first), then marks it rolled back and audits it. */
export async function rollBackOutcomeImport(db: Db, importId: number, why: string, opts: ChunkOptions = {}): Promise<void> {
  const chunkRows = opts.chunkRows ?? 2000;
  const take = db.prepare('SELECT id, urn, period, measure, previous_count, previous_imported_at FROM outcome_import_undo WHERE import_id = ? ORDER BY id DESC LIMIT ?');
  const remove = db.prepare('DELETE FROM admin_outcomes WHERE urn = ? AND period = ? AND measure = ?');
  const restore = db.prepare('UPDATE admin_outcomes SET count = ?, imported_at = ? WHERE urn = ? AND period = ? AND measure = ?');
  const forget = db.prepare('DELETE FROM outcome_import_undo WHERE id = ?');
  type Undo = { id: number; urn: number; period: string; measure: string; previous_count: number | null; previous_imported_at: string | null };
  for (;;) {
    const started = performance.now();
    const n = db.transaction(() => {
      const rows = take.all(importId, chunkRows) as Undo[];
      for (const u of rows) {
        if (u.previous_count === null) remove.run(u.urn, u.period, u.measure);
        else restore.run(u.previous_count, u.previous_imported_at, u.urn, u.period, u.measure);
        forget.run(u.id);
      }
      return rows.length;
    }).immediate();
    if (n === 0) break;
    await sleep(opts.pauseMs ?? Math.max(10, performance.now() - started));
  }
  db.transaction(() => {
    db.prepare("UPDATE outcome_imports SET status = 'rolled back', finished_at = ? WHERE id = ?").run(new Date().toISOString(), importId);
    appendAudit(db, { at: new Date().toISOString(), actor: 'system', action: 'import.outcomes.rolled-back', detail: { importId, why } });
  }).immediate();
}

/**
 * Same checks and result as importOutcomes, but written in transactions of `chunkRows` rows with a pause
 * between them, each recording the previous value of what it changed. Only when every chunk is in is the
 * import marked done and audited (then the undo rows are cleared, again in chunks). Any error part-way rolls
 * the applied chunks back before it is rethrown; a killed process leaves the import 'applying', and the next
 * import (or the server at start) rolls it back. Readers see the rows arrive chunk by chunk meanwhile.
 */
export async function importOutcomesInChunks(db: Db, csvText: string, source: string, actor: string, at: string, opts: ChunkOptions = {}): Promise<ChunkedImportResult> {
  const chunkRows = opts.chunkRows ?? 2000;
  const chunkMs = opts.chunkMs ?? 20;
  const { rows, sha256, periods } = checkOutcomeCsv(db, csvText, source);
  const rolledBack = await rollBackAbandonedOutcomeImports(db, opts);
  const importId = Number(db.prepare("INSERT INTO outcome_imports (source, sha256, rows, status, pid, started_at) VALUES (?, ?, ?, 'applying', ?, ?)")
    .run(source, sha256, rows.length, process.pid, at).lastInsertRowid);
  const find = db.prepare('SELECT count, imported_at FROM admin_outcomes WHERE urn = ? AND period = ? AND measure = ?');
  const insert = db.prepare('INSERT INTO admin_outcomes (urn, period, measure, count, imported_at) VALUES (?, ?, ?, ?, ?)');
  const update = db.prepare('UPDATE admin_outcomes SET count = ?, imported_at = ? WHERE urn = ? AND period = ? AND measure = ?');
  const remember = db.prepare('INSERT INTO outcome_import_undo (import_id, urn, period, measure, previous_count, previous_imported_at) VALUES (?, ?, ?, ?, ?, ?)');
  const counts = { added: 0, changed: 0, unchanged: 0 };
  let chunks = 0;
  // The chunks need not each be on disk before the next (the import is not done until its last commit, and a
  // power cut part-way leaves it 'applying' with the undo rows of every chunk that survived, in the same
  // commits): NORMAL spares the disk an fsync per chunk, which the server's survey commits would queue behind.
  const synchronous = db.pragma('synchronous', { simple: true }) as number;
  db.pragma('synchronous = NORMAL');
  try {
    for (let start = 0; start < rows.length;) {
      const began = performance.now();
      const end = db.transaction(() => {
        // A chunk ends at chunkRows rows or after chunkMs, whichever comes first, so a slow or busy machine
        // holds the write lock no longer than a quick one.
        let i = start;
        for (; i < Math.min(rows.length, start + chunkRows) && (i === start || performance.now() - began < chunkMs); i++) {
          const r = rows[i];
          const existing = find.get(r.urn, r.period, r.measure) as { count: number; imported_at: string } | undefined;
          if (!existing) {
            insert.run(r.urn, r.period, r.measure, r.count, at);
            remember.run(importId, r.urn, r.period, r.measure, null, null);
            counts.added += 1;
          } else if (existing.count !== r.count) {
            update.run(r.count, at, r.urn, r.period, r.measure);
            remember.run(importId, r.urn, r.period, r.measure, existing.count, existing.imported_at);
            counts.changed += 1;
          } else counts.unchanged += 1;
        }
        return i;
      }).immediate();
      start = end;
      chunks += 1;
      opts.onChunk?.(start, rows.length);
      // Copy this chunk's WAL frames into the database file here, in the importing process, so the WAL never
      // reaches the size at which the server's next commit would run that checkpoint on its event loop.
      db.pragma('wal_checkpoint(PASSIVE)');
      await sleep(opts.pauseMs ?? Math.max(10, performance.now() - began));
    }
  } catch (err) {
    db.pragma(`synchronous = ${synchronous}`);
    await rollBackOutcomeImport(db, importId, `failed: ${(err as Error).message}`.slice(0, 200), opts);
    throw err;
  }
  db.pragma(`synchronous = ${synchronous}`); // the commit that marks the import done is on disk before it is reported
  const result = { ...counts, rows: rows.length, schools: new Set(rows.map((r) => r.urn)).size, periods, sha256 };
  db.transaction(() => {
    db.prepare("UPDATE outcome_imports SET status = 'done', finished_at = ? WHERE id = ?").run(new Date().toISOString(), importId);
    appendAudit(db, { at, actor, action: 'import.outcomes', detail: { sha256, rows: result.rows, schools: result.schools, periods, ...counts, importId, chunks } });
  }).immediate();
  const clear = db.prepare('DELETE FROM outcome_import_undo WHERE id IN (SELECT id FROM outcome_import_undo WHERE import_id = ? LIMIT ?)');
  while (db.transaction(() => clear.run(importId, chunkRows * 4).changes).immediate() > 0) await sleep(opts.pauseMs ?? 10);
  return { ...result, importId, chunks, rolledBack };
}
