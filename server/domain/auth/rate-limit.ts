// Login rate limiting: every attempt is counted before its password is checked (so simultaneous guesses cannot slip past), per account, per account + client address and per address, in a sliding window; the clock is passed in so tests control time.
export interface RateLimitRule { maxFailures: number; windowMs: number }

const window = 15 * 60 * 1000;

/**
 * The sign-in rule (stated in the README): 5 failures for one account from one client address, 20 for one
 * account from anywhere, 100 from one address over all accounts, each within 15 minutes. So five mistakes by
 * one person at a council address lock only that person, at that address, and not their colleagues behind
 * the same address; guesses spread over many addresses still meet the account's 20.
 */
export const loginRules = {
  accountAndAddress: { maxFailures: 5, windowMs: window },
  account: { maxFailures: 20, windowMs: window },
  address: { maxFailures: 100, windowMs: window },
} satisfies Record<string, RateLimitRule>;

/** The limiter keys of one sign-in attempt. */
export function loginKeys(email: string, address: string): Array<{ key: string; rule: RateLimitRule }> {
  return [
    { key: `account+address:${email}|${address}`, rule: loginRules.accountAndAddress },
    { key: `account:${email}`, rule: loginRules.account },
    { key: `address:${address}`, rule: loginRules.address },
  ];
}

/** An attempt counted against its keys; forgiven (taken back) when the password turns out right. */
export interface CountedAttempt { keys: string[]; at: number }

/** In-memory attempt counter, one per app. Remembers at most `maxKeys` keys (the least recently used go first), so made-up emails cannot grow memory without bound. */
export class AttemptLimiter {
  private readonly attempts = new Map<string, number[]>();
  constructor(private readonly clock: () => Date, private readonly maxKeys = 100_000) {}

  private recent(key: string, rule: RateLimitRule, now: number): number[] {
    return (this.attempts.get(key) ?? []).filter((t) => now - t < rule.windowMs);
  }

  /**
   * Checks every key and, when none is over its limit, counts the attempt against all of them at once
   * (synchronously, before any password is checked). Returns the seconds to wait when refused (nothing counted).
   */
  begin(keys: ReadonlyArray<{ key: string; rule: RateLimitRule }>): { wait: number; attempt?: CountedAttempt } {
    const now = this.clock().getTime();
    let wait = 0;
    for (const { key, rule } of keys) {
      const recent = this.recent(key, rule, now);
      if (recent.length >= rule.maxFailures) {
        const oldestThatCounts = recent[recent.length - rule.maxFailures];
        wait = Math.max(wait, Math.max(1, Math.ceil((oldestThatCounts + rule.windowMs - now) / 1000)));
      }
    }
    if (wait > 0) return { wait };
    for (const { key, rule } of keys) {
      const recent = this.recent(key, rule, now);
      recent.push(now);
      this.attempts.delete(key); // re-inserted last: the Map's order is least recently used first
      this.attempts.set(key, recent);
    }
    while (this.attempts.size > this.maxKeys) this.attempts.delete(this.attempts.keys().next().value as string);
    return { wait: 0, attempt: { keys: keys.map((k) => k.key), at: now } };
  }

  /** The attempt succeeded: it no longer counts, and the keys in `clear` (the account at this address) start afresh. */
  forgive(attempt: CountedAttempt, clear: readonly string[] = []): void {
    for (const key of attempt.keys) {
      const list = this.attempts.get(key);
      const i = list?.lastIndexOf(attempt.at) ?? -1;
      if (list && i >= 0) list.splice(i, 1);
    }
    for (const key of clear) this.attempts.delete(key);
  }
}
