// A seeded pseudo-random generator (xoshiro128** seeded by splitmix32) with normal and chi-square draws, passed in explicitly, never global.
export interface Random { uniform(): number; normal(): number; chiSquare(df: number): number }

/**
 * xoshiro128** (Blackman & Vigna, https://prng.di.unimi.it/) seeded from a 32-bit integer by splitmix32;
 * uniform() gives 53-bit doubles in (0, 1); normal() by Box-Muller; chiSquare() by Marsaglia & Tsang (2000)
 * gamma sampling. The same seed gives the same stream on every platform.
 */
export function seededRandom(seed: number): Random {
  let x = (seed >>> 0) || 0x9e3779b9;
  const splitmix = () => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const s = new Uint32Array([splitmix(), splitmix(), splitmix(), splitmix()]);
  const rotl = (v: number, k: number) => ((v << k) | (v >>> (32 - k))) >>> 0;
  const next32 = () => {
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 11);
    return result;
  };
  const uniform = () => {
    const hi = next32() >>> 5, lo = next32() >>> 6;
    return (hi * 67108864 + lo + 0.5) / 9007199254740992;
  };
  let spare: number | undefined;
  const normal = () => {
    if (spare !== undefined) { const v = spare; spare = undefined; return v; }
    const u1 = uniform(), u2 = uniform();
    const rad = Math.sqrt(-2 * Math.log(u1));
    spare = rad * Math.sin(2 * Math.PI * u2);
    return rad * Math.cos(2 * Math.PI * u2);
  };
  const gamma = (shape: number): number => {
    if (shape < 1) return gamma(shape + 1) * Math.pow(uniform(), 1 / shape);
    const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let z: number, v: number;
      do { z = normal(); v = 1 + c * z; } while (v <= 0);
      v = v * v * v;
      const u = uniform();
      if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  return { uniform, normal, chiSquare: (df: number) => 2 * gamma(df / 2) };
}
