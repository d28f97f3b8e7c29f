// R's default uniform generator exactly: set.seed(n) ("Mersenne-Twister", initial scrambling as in R's RNG.c) then runif(), so R re-derives every draw.

const N = 624;
const M = 397;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MATRIX_A = 0x9908b0df;
/** 1 / (2^32 - 1), R's i2_32m1, used by fixup() so 0 and 1 are never returned. */
const I2_32M1 = 2.328306437080797e-10;

/**
 * A Mersenne Twister seeded the way R 3.6+ seeds it with `set.seed(seed, kind = "Mersenne-Twister")`:
 * the 32-bit seed is scrambled by 50 rounds of the LCG seed = 69069 * seed + 1, then 625 further rounds
 * fill R's state vector (the first word is then overwritten by mti = 624). `unifRand()` is R's
 * `unif_rand()`: the tempered 32-bit output times 2.3283064365386963e-10, nudged off 0 and 1.
 */
export class RMersenneTwister {
  private readonly mt = new Uint32Array(N);
  private mti = N;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < -2147483647 || seed > 2147483647) {
      throw new RangeError(`seed must be a whole number between -2147483647 and 2147483647 (R's integer range), not ${seed}`);
    }
    let s = seed >>> 0;
    for (let j = 0; j < 50; j += 1) s = (Math.imul(69069, s) + 1) >>> 0;
    // R fills dummy[0..624]; dummy[0] is mti (then set to 624), dummy[1..624] is the state.
    s = (Math.imul(69069, s) + 1) >>> 0;
    for (let j = 0; j < N; j += 1) {
      s = (Math.imul(69069, s) + 1) >>> 0;
      this.mt[j] = s;
    }
    this.mti = N;
  }

  /** The next tempered 32-bit output (MT19937's genrand_int32). */
  private nextUint32(): number {
    const mt = this.mt;
    if (this.mti >= N) {
      let kk = 0;
      let y: number;
      for (; kk < N - M; kk += 1) {
        y = ((mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK)) >>> 0;
        mt[kk] = mt[kk + M] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      for (; kk < N - 1; kk += 1) {
        y = ((mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK)) >>> 0;
        mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      y = ((mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK)) >>> 0;
      mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      this.mti = 0;
    }
    let y = mt[this.mti];
    this.mti += 1;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** R's unif_rand() for the Mersenne Twister: a double in (0, 1). */
  unifRand(): number {
    const x = this.nextUint32() * 2.3283064365386963e-10;
    if (x <= 0) return 0.5 * I2_32M1;
    if (1 - x <= 0) return 1 - 0.5 * I2_32M1;
    return x;
  }

  /** R's runif(n) written into out[0..n-1], without allocating. */
  runifInto(out: Float64Array, n = out.length): Float64Array {
    for (let i = 0; i < n; i += 1) out[i] = this.unifRand();
    return out;
  }

  /** R's runif(n) (min 0, max 1). */
  runif(n: number): number[] {
    const out = new Array<number>(n);
    for (let i = 0; i < n; i += 1) out[i] = this.unifRand();
    return out;
  }
}

/** Shorthand for `set.seed(seed); runif(n)` in R. */
export function rRunif(seed: number, n: number): number[] {
  return new RMersenneTwister(seed).runif(n);
}
