// Group commit: writes that arrive in the same turn of the event loop share one SQLite transaction (each in its own savepoint), so a burst of survey submissions pays for one commit (one fsync) instead of one each; when another process holds the write lock it waits without blocking the event loop, and refuses with 503 only after a bounded wait.
import type { Db } from './db';
import { ServiceUnavailableError } from '../../shared/errors';

interface Pending<T> {
  work: () => T;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
  /** performance.now() when it was queued. */
  queuedAt: number;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface GroupCommitOptions {
  /** The most writes in one transaction. */
  maxBatch?: number;
  /**
   * The least time between two commits: a write arriving sooner waits (at most this long) for the next one, so a
   * steady stream of single requests still shares commits. 0 commits at every turn.
   */
  minIntervalMs?: number;
  /** How long a write may wait for another connection (a CLI import, a backup's checkpoint) to release the write lock before it is refused with 503. */
  maxLockWaitMs?: number;
}

/** SQLITE_BUSY (and its extended codes): another connection holds the lock. */
export function isBusyError(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * Queues synchronous database work and runs the queue at the next check phase of the event loop, inside
 * one BEGIN IMMEDIATE … COMMIT. Each piece of work runs in a savepoint, so one that throws (a refused
 * answer, say) is rolled back alone and only its caller sees the error. Every promise settles only after
 * the COMMIT has returned: nothing is acknowledged that is not in the database. If the COMMIT itself fails,
 * the whole batch is rolled back and every caller gets that error.
 *
 * BEGIN IMMEDIATE is tried without SQLite's busy wait (which would sleep on the event loop and stall every
 * other request): if another connection holds the write lock, the batch is tried again a few milliseconds
 * later on a timer, and a write that has waited longer than maxLockWaitMs is refused with
 * ServiceUnavailableError (503 with Retry-After), never a 500.
 */
export class GroupCommit {
  private queue: Array<Pending<unknown>> = [];
  private scheduled = false;
  private lastCommit = 0;
  private lockRetries = 0;
  private idle: Array<() => void> = [];
  private readonly maxBatch: number;
  private readonly minIntervalMs: number;
  private readonly maxLockWaitMs: number;

  constructor(private readonly db: Db, options: GroupCommitOptions | number = {}, minIntervalMs?: number) {
    // (db, maxBatch, minIntervalMs) is the older positional form.
    const o: GroupCommitOptions = typeof options === 'number' ? { maxBatch: options, minIntervalMs } : options;
    this.maxBatch = o.maxBatch ?? 256;
    this.minIntervalMs = o.minIntervalMs ?? 0;
    this.maxLockWaitMs = o.maxLockWaitMs ?? 2000;
  }

  /** Runs `work` in the next batch; resolves with its result once the batch is committed. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve, reject, queuedAt: performance.now() } as Pending<unknown>);
      this.schedule();
    });
  }

  /** Resolves once every queued write has been committed (or refused) and nothing is waiting: what a graceful shutdown waits for. */
  drain(): Promise<void> {
    if (!this.queue.length && !this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private schedule(delayMs?: number): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = delayMs ?? this.lastCommit + this.minIntervalMs - performance.now();
    if (wait > 0) setTimeout(() => this.flush(), wait);
    else setImmediate(() => this.flush());
  }

  /** BEGIN IMMEDIATE with SQLite's busy timeout off for this one statement; false when another connection holds the write lock. */
  private tryBegin(): boolean {
    const timeout = this.db.pragma('busy_timeout', { simple: true }) as number;
    this.db.pragma('busy_timeout = 0');
    try {
      this.db.prepare('BEGIN IMMEDIATE').run();
      return true;
    } catch (err) {
      if (isBusyError(err)) return false;
      throw err;
    } finally {
      this.db.pragma(`busy_timeout = ${timeout}`);
    }
  }

  /** Refuses the writes that have waited for the lock too long. */
  private expire(now: number): void {
    const expired = this.queue.filter((p) => now - p.queuedAt >= this.maxLockWaitMs);
    if (!expired.length) return;
    this.queue = this.queue.filter((p) => now - p.queuedAt < this.maxLockWaitMs);
    const error = new ServiceUnavailableError('The database is busy with other work (an import or a backup, say). Nothing was saved; please try again in a moment.', 2);
    for (const p of expired) p.reject(error);
  }

  private flush(): void {
    try { this.flushBatch(); } finally {
      if (!this.queue.length && !this.scheduled) for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  private flushBatch(): void {
    this.scheduled = false;
    let begun: boolean;
    try { begun = this.tryBegin(); } catch (error) {
      for (const item of this.queue.splice(0, this.maxBatch)) item.reject(error);
      if (this.queue.length) this.schedule();
      return;
    }
    if (!begun) {
      this.expire(performance.now());
      this.lockRetries += 1;
      if (this.queue.length) this.schedule(Math.min(2 * this.lockRetries, 10)); // 2, 4, … 10 ms: short waits find the gaps between an import's chunks
      return;
    }
    this.lockRetries = 0;
    this.lastCommit = performance.now();
    const batch = this.queue.splice(0, this.maxBatch);
    if (this.queue.length) this.schedule();
    const outcomes: Outcome[] = [];
    try {
      for (const item of batch) {
        try {
          outcomes.push({ ok: true, value: this.db.transaction(item.work)() }); // a savepoint inside the open transaction
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
      }
      this.db.prepare('COMMIT').run();
    } catch (error) {
      if (this.db.inTransaction) this.db.prepare('ROLLBACK').run();
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) item.resolve(outcome.value); else item.reject(outcome.error);
    });
  }
}
