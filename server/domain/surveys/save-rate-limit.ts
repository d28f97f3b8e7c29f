// Per-link allowance for progress saves (a token bucket): a DSL paging through a survey never meets it, a script replaying one link thousands of times a second is refused with 429.

export interface SaveAllowance {
  /** Saves one link may make at once, from a full allowance. */
  burst: number;
  /** Saves given back per second. */
  perSecond: number;
  /** Links remembered at most (the oldest are forgotten first), so a flood of made-up links cannot grow memory. */
  maxLinks: number;
}

/** A DSL's client saves on every page change: 60 at once and two a second more is far above any person's pace. */
export const defaultSaveAllowance: SaveAllowance = { burst: 60, perSecond: 2, maxLinks: 100_000 };

export class SaveRateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly allowance: SaveAllowance = defaultSaveAllowance, private readonly now: () => number = () => performance.now()) {}

  /** Takes one save from the link's allowance: 0 when allowed, else the whole seconds to wait before the next is allowed. */
  take(link: string): number {
    const { burst, perSecond, maxLinks } = this.allowance;
    const now = this.now();
    const bucket = this.buckets.get(link);
    const tokens = bucket ? Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond) : burst;
    if (bucket) this.buckets.delete(link); // re-inserted below: the Map's order is least recently used first
    else if (this.buckets.size >= maxLinks) this.buckets.delete(this.buckets.keys().next().value as string);
    if (tokens < 1) {
      this.buckets.set(link, { tokens, at: now });
      return Math.max(1, Math.ceil((1 - tokens) / perSecond));
    }
    this.buckets.set(link, { tokens: tokens - 1, at: now });
    return 0;
  }
}
