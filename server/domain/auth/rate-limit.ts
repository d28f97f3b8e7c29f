// Login rate limiting: counts failures per key (account, IP) in a sliding window; the clock is passed in so tests control time.
export interface RateLimitRule { maxFailures: number; windowMs: number }

export const loginRule: RateLimitRule = { maxFailures: 5, windowMs: 15 * 60 * 1000 };

/** In-memory failure counter. One instance per app; keys are opaque strings like 'ip:1.2.3.4' or 'account:<email>'. */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(private readonly rule: RateLimitRule, private readonly clock: () => Date) {}

  private recent(key: string): number[] {
    const now = this.clock().getTime();
    const kept = (this.failures.get(key) ?? []).filter((t) => now - t < this.rule.windowMs);
    if (kept.length) this.failures.set(key, kept); else this.failures.delete(key);
    return kept;
  }

  /** Seconds until the key may try again (0 when it may try now). */
  retryAfterSeconds(key: string): number {
    const recent = this.recent(key);
    if (recent.length < this.rule.maxFailures) return 0;
    const oldestThatCounts = recent[recent.length - this.rule.maxFailures];
    return Math.max(1, Math.ceil((oldestThatCounts + this.rule.windowMs - this.clock().getTime()) / 1000));
  }

  recordFailure(key: string): void {
    const recent = this.recent(key);
    recent.push(this.clock().getTime());
    this.failures.set(key, recent);
  }

  /** After a successful sign-in the account's failures are forgotten (the IP's are not). */
  clear(key: string): void {
    this.failures.delete(key);
  }
}
