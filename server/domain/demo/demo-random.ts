// Seeded random helpers for the synthetic demo, all drawn from R's Mersenne Twister so the demo is identical for a given seed.
import { RMersenneTwister } from '../randomisation/mersenne-twister';

export class DemoRandom {
  private readonly mt: RMersenneTwister;
  constructor(seed: number) { this.mt = new RMersenneTwister(seed); }

  uniform(): number { return this.mt.unifRand(); }
  /** A whole number in [min, max]. */
  int(min: number, max: number): number { return min + Math.floor(this.uniform() * (max - min + 1)); }
  chance(p: number): boolean { return this.uniform() < p; }
  /** Standard normal by Box-Muller (demo data only; not R's rnorm). */
  normal(mean = 0, sd = 1): number {
    const u1 = this.uniform(), u2 = this.uniform();
    return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  /** Poisson by inversion (small means only). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    const u = this.uniform();
    let k = 0, p = Math.exp(-lambda), cdf = p;
    while (u > cdf && k < 1000) { k += 1; p *= lambda / k; cdf += p; }
    return k;
  }
  binomial(n: number, p: number): number { let k = 0; for (let i = 0; i < n; i += 1) if (this.uniform() < p) k += 1; return k; }
  pick<T>(items: readonly T[]): T { return items[Math.floor(this.uniform() * items.length)]; }
  /** Picks by weight: [[value, weight], ...]. */
  weighted<T>(choices: ReadonlyArray<readonly [T, number]>): T {
    const total = choices.reduce((s, [, w]) => s + w, 0);
    let u = this.uniform() * total;
    for (const [v, w] of choices) { if (u < w) return v; u -= w; }
    return choices[choices.length - 1][0];
  }
  shuffle<T>(items: readonly T[]): T[] {
    const a = [...items];
    for (let i = a.length - 1; i > 0; i -= 1) { const j = Math.floor(this.uniform() * (i + 1)); [a[i], a[j]] = [a[j], a[i]]; }
    return a;
  }
  /** n pseudo-random bytes (for pseudonymous ids). */
  bytes(n: number): Buffer { return Buffer.from(Array.from({ length: n }, () => Math.floor(this.uniform() * 256))); }
}
