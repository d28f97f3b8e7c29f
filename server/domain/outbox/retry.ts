// When a message that failed for a passing reason is tried again: exponential back-off, and when to give up.

/** Tries in all before a message that keeps failing for a passing reason is marked failed. */
export const MAX_ATTEMPTS = 8;

/** The wait before try number `attempts + 1`: 30 s, 1 min, 2 min, … capped at 1 hour. */
export function retryDelayMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

/** A sender's answer to one try. */
export type SendOutcome =
  | { ok: true; providerId: string }
  | { ok: false; permanent: boolean; reason: string };
