// The sender worker in the server process: drains the outbox one message at a time at the configured rate, retries with back-off, cancels what is no longer due, runs the automatic fieldwork and polls delivery states.
import type { Db } from '../storage/db';
import {
  claimNextMessage, markCancelled, markDelivery, markFailed, markInterruptedUncertain, markRetry, markSent,
  messagesAwaitingDelivery, settleUncertain,
} from '../storage/outbox-repo';
import { runAutomaticFieldwork } from '../storage/outbox-decisions';
import { reasonNotToSend } from '../domain/outbox/plan';
import { MAX_ATTEMPTS, retryDelayMs } from '../domain/outbox/retry';
import type { MessageSender } from './sender';
import { composeMessage } from './compose-message';

export interface OutboxWorkerOptions {
  db: Db;
  sender: MessageSender;
  secret: Buffer;
  publicUrl: string;
  clock: () => Date;
  log: (line: string) => void;
  /** Most messages started per second (a steady pace, no bursts). */
  ratePerSecond: number;
  /** How often to look for due messages when the outbox is empty (default 1 s). */
  idlePollMs?: number;
  /** How often the automatic fieldwork (invitations at wave open, reminders, thank-yous) runs (default 60 s). */
  automaticEveryMs?: number;
  /** How often delivery states are asked for, where the sender reports them (default 5 min). */
  deliveryPollMs?: number;
  /** The longest one send may take before it counts as a passing failure (default 60 s). */
  sendTimeoutMs?: number;
}

export interface OutboxWorker {
  /** Looks for due messages now (after a decision to send). */
  wake(): void;
  /** Finishes the message being sent, then stops; resolves when stopped. */
  stop(): Promise<void>;
  /** Resolves once the worker has found nothing due (for tests and the shutdown). */
  drained(): Promise<void>;
}

const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error(`${what} took longer than ${ms / 1000} s`), { code: 'ETIMEDOUT' })), ms);
    p.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });

/**
 * How many messages may be on their way at once: one up to 5 a second; above that one more per 5 a second, at most 8.
 * A mail client or relay answers each message in some tens of milliseconds, and nodemailer's pool waits 100 ms between
 * messages when nothing else is queued, so one at a time cannot reach a high rate. The pace (1 / rate between starts) holds
 * whatever the concurrency. It is also how many messages a crash can leave 'uncertain'.
 */
export function sendConcurrency(ratePerSecond: number): number {
  return Math.max(1, Math.min(8, Math.ceil(ratePerSecond / 5)));
}

export function startOutboxWorker(o: OutboxWorkerOptions): OutboxWorker {
  const idlePollMs = o.idlePollMs ?? 1000;
  const gapMs = 1000 / o.ratePerSecond;
  const concurrency = sendConcurrency(o.ratePerSecond);
  let running = true;
  let wakeUp: (() => void) | null = null;
  let nextSlot = 0;
  let lastStart = -Infinity;
  let drainedWaiters: Array<() => void> = [];
  const timers: NodeJS.Timeout[] = [];

  const sleep = (ms: number) => new Promise<void>((resolve) => {
    const t = setTimeout(() => { wakeUp = null; resolve(); }, ms);
    wakeUp = () => { clearTimeout(t); wakeUp = null; resolve(); };
  });

  const safely = (what: string, fn: () => void | Promise<void>) => async () => {
    try { await fn(); } catch (err) { o.log(`outbox: ${what} failed: ${(err as Error).message}`); }
  };

  async function recoverInterrupted(): Promise<void> {
    const at = o.clock().toISOString();
    const interrupted = markInterruptedUncertain(o.db, at);
    if (!interrupted.length) return;
    o.log(`outbox: ${interrupted.length} message${interrupted.length === 1 ? ' was' : 's were'} being sent when the server stopped`);
    if (!o.sender.lookup) return; // SMTP cannot say: they stay 'uncertain' for staff to resend or not
    for (const m of interrupted) {
      const found = await o.sender.lookup(m.dedupeKey);
      settleUncertain(o.db, m.id, found ? { sent: true, provider: o.sender.name, providerId: found.providerId, at } : { sent: false, at });
    }
  }

  /** Waits for this send's turn: start slots are handed out 1 / rate apart, whichever send takes them. */
  async function pace(): Promise<void> {
    const now = performance.now();
    const slot = Math.max(now, nextSlot);
    nextSlot = slot + gapMs;
    // Wait until the slot has come and the last send started at least 1 / rate ago (a late start pushes the next one;
    // setTimeout may also fire a little early), then take the start.
    const due = () => Math.max(slot, lastStart + gapMs);
    while (performance.now() < due()) await new Promise((r) => setTimeout(r, Math.max(1, due() - performance.now())));
    lastStart = performance.now();
  }

  /** Sends one claimed message and records what happened. */
  async function deliver(row: NonNullable<ReturnType<typeof claimNextMessage>>): Promise<void> {
    const at = () => o.clock().toISOString();
    let outcome;
    try {
      const message = composeMessage(o.db, row, o.secret, o.publicUrl);
      await pace(); // the pace counts from each send's start, so no two start closer than 1 / rate
      outcome = await withTimeout(o.sender.send(message), o.sendTimeoutMs ?? 60_000, 'sending');
    } catch (err) {
      outcome = { ok: false as const, permanent: false, reason: (err as Error).message };
    }
    if (outcome.ok) markSent(o.db, row.id, o.sender.name, outcome.providerId, at());
    else if (outcome.permanent || row.attempts >= MAX_ATTEMPTS) markFailed(o.db, row.id, outcome.reason, at());
    else markRetry(o.db, row.id, outcome.reason, new Date(o.clock().getTime() + retryDelayMs(row.attempts)).toISOString(), at());
  }

  const inFlight = new Set<Promise<void>>();
  const oneFinished = () => new Promise<void>((resolve) => { Promise.race(inFlight).then(() => resolve(), () => resolve()); });

  async function loop(): Promise<void> {
    await safely('recovering interrupted sends', recoverInterrupted)();
    while (running) {
      try {
        if (inFlight.size >= concurrency) { await oneFinished(); continue; }
        // A claimed message waits at most for its turn (1 / rate) in 'sending': a crash then can leave at most
        // `concurrency` of them uncertain.
        const now = o.clock();
        const row = claimNextMessage(o.db, now.toISOString());
        if (!row) {
          if (inFlight.size === 0) { const waiters = drainedWaiters; drainedWaiters = []; for (const w of waiters) w(); }
          if (running) await sleep(idlePollMs);
          continue;
        }
        const skip = reasonNotToSend(row, now);
        if (skip) { markCancelled(o.db, row.id, skip, o.clock().toISOString()); continue; }
        const p: Promise<void> = deliver(row).catch((err) => { o.log(`outbox: sending failed: ${(err as Error).message}`); }).finally(() => { inFlight.delete(p); });
        inFlight.add(p);
      } catch (err) {
        o.log(`outbox: sending failed: ${(err as Error).message}`);
        if (running) await sleep(idlePollMs);
      }
    }
    await Promise.all(inFlight);
  }

  const automatic = safely('automatic fieldwork', () => {
    if (runAutomaticFieldwork(o.db, o.secret, o.clock()) > 0) wakeUp?.();
  });
  const pollDelivery = safely('delivery states', async () => {
    if (!o.sender.deliveryStatus) return;
    const since = new Date(o.clock().getTime() - 7 * 24 * 3600_000).toISOString();
    for (const m of messagesAwaitingDelivery(o.db, o.sender.name, since)) {
      const d = await o.sender.deliveryStatus(m.providerId);
      if (d.state !== 'pending') markDelivery(o.db, m.id, d.state, d.reason, o.clock().toISOString());
    }
  });

  const done = loop();
  timers.push(setInterval(() => { void automatic(); }, o.automaticEveryMs ?? 60_000));
  timers.push(setInterval(() => { void pollDelivery(); }, o.deliveryPollMs ?? 300_000));
  for (const t of timers) t.unref();
  setImmediate(() => { void automatic(); });

  return {
    wake: () => wakeUp?.(),
    drained: () => new Promise<void>((resolve) => { drainedWaiters.push(resolve); wakeUp?.(); }),
    async stop() {
      running = false;
      for (const t of timers) clearInterval(t);
      wakeUp?.();
      await done;
      await o.sender.close?.();
    },
  };
}
