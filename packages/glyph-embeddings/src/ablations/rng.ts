// Seeded, platform-independent pseudo-random numbers for the ablation codes and the 2-D maps.
// xoshiro128** (Blackman & Vigna) seeded through splitmix32; pure 32-bit integer math, so Node and browsers
// produce the same stream for the same seed. normal() uses Marsaglia's polar method with the engine-independent
// detLog (detmath.ts), so Gaussian draws are bit-identical across engines too.
import { detLog } from './detmath.js';

/** A deterministic random source: `u32()` in [0, 2^32), `float()` in [0, 1) with 53 random bits. */
export interface SeededRng {
  u32(): number;
  float(): number;
  /** Uniform integer in [0, n) without modulo bias (n >= 1, n <= 2^32). */
  below(n: number): number;
  /** Standard normal (Marsaglia polar method, one value per call, the second is cached). */
  normal(): number;
}

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Creates a xoshiro128** generator from an integer seed (any safe integer; the low 32 bits and high bits are mixed). */
export function seededRng(seed: number): SeededRng {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seededRng: seed must be a safe integer, got ${seed}`);
  const st = { s: (seed | 0) ^ Math.imul(Math.floor(seed / 4294967296) | 0, 0x632be5ab) };
  let a = splitmix32(st), b = splitmix32(st), c = splitmix32(st), d = splitmix32(st);
  if ((a | b | c | d) === 0) a = 1;
  let spare: number | null = null;
  const u32 = (): number => {
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = rotl(d, 11);
    return r;
  };
  const float = (): number => ((u32() >>> 5) * 67108864 + (u32() >>> 6)) / 9007199254740992;
  return {
    u32,
    float,
    below(n: number): number {
      if (!(n >= 1 && n <= 4294967296) || !Number.isInteger(n)) throw new RangeError(`below: bad bound ${n}`);
      const limit = 4294967296 - (4294967296 % n);
      for (;;) { const x = u32(); if (x < limit) return x % n; }
    },
    normal(): number {
      if (spare !== null) { const s = spare; spare = null; return s; }
      let u: number, v: number, q: number;
      do { u = 2 * float() - 1; v = 2 * float() - 1; q = u * u + v * v; } while (q >= 1 || q === 0);
      const f = Math.sqrt((-2 * detLog(q)) / q);
      spare = v * f;
      return u * f;
    },
  };
}

function rotl(x: number, k: number): number { return (x << k) | (x >>> (32 - k)); }
