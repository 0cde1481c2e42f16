// A seeded pseudo-random generator for simulations (xoshiro128**, seeded from BLAKE2b-256 of a
// string): the same seed gives the same run on every machine. Integer arithmetic only.
import { utf8 } from '../../../codec/bytes.js';
import { blake2b256 } from '../../../codec/hash.js';

export interface Prng {
  /** An integer in [0, n), n ≤ 2^32. */
  below(n: number): number;
  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number;
  /** True with probability ppm / 10^6. */
  chance(ppm: number): boolean;
}

export function createPrng(seed: string): Prng {
  const bytes = blake2b256(utf8(seed));
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  const s = [view.getUint32(0), view.getUint32(4), view.getUint32(8), view.getUint32(12)] as [
    number,
    number,
    number,
    number,
  ];
  const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;
  const next = (): number => {
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    for (let i = 0; i < 4; i++) s[i] = s[i]! >>> 0;
    return result;
  };
  const below = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`below(${n})`);
    // Rejection sampling: no modulo bias.
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const value = next();
      if (value < limit) return value % n;
    }
  };
  return {
    below,
    between: (lo, hi) => lo + below(hi - lo + 1),
    chance: (ppm) => below(1_000_000) < ppm,
  };
}
