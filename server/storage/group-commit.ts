// Group commit: writes that arrive in the same turn of the event loop share one SQLite transaction (each in its own savepoint), so a burst of survey submissions pays for one commit instead of one each.
import type { Db } from './db';

interface Pending<T> {
  work: () => T;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Queues synchronous database work and runs the queue at the next check phase of the event loop, inside
 * one BEGIN IMMEDIATE … COMMIT. Each piece of work runs in a savepoint, so one that throws (a refused
 * answer, say) is rolled back alone and only its caller sees the error. Every promise settles only after
 * the COMMIT has returned: nothing is acknowledged that is not in the database. If the COMMIT itself fails,
 * the whole batch is rolled back and every caller gets that error.
 */
export class GroupCommit {
  private queue: Array<Pending<unknown>> = [];
  private scheduled = false;
  private lastCommit = 0;

  /**
   * @param maxBatch the most writes in one transaction
   * @param minIntervalMs the least time between two commits: a write arriving sooner waits (at most this long)
   *   for the next one, so a steady stream of single requests still shares commits. 0 commits at every turn.
   */
  constructor(private readonly db: Db, private readonly maxBatch = 256, private readonly minIntervalMs = 0) {}

  /** Runs `work` in the next batch; resolves with its result once the batch is committed. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve, reject } as Pending<unknown>);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = this.lastCommit + this.minIntervalMs - performance.now();
    if (wait > 0) setTimeout(() => this.flush(), wait);
    else setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    this.lastCommit = performance.now();
    const batch = this.queue.splice(0, this.maxBatch);
    if (this.queue.length) this.schedule();
    const outcomes: Outcome[] = [];
    try {
      this.db.transaction(() => {
        for (const item of batch) {
          try {
            outcomes.push({ ok: true, value: this.db.transaction(item.work)() });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      }).immediate();
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) item.resolve(outcome.value); else item.reject(outcome.error);
    });
  }
}
