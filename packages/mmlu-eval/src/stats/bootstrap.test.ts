// The multinomial bootstrap sampler against the plain item-resampling loop and the exact multinomial moments.
import { describe, expect, it } from 'vitest';
import { bootstrapPairedDiffs } from './bootstrap.js';
import { quantile } from './compare.js';
import { mulberry32 } from './random.js';

function naive(d: Int8Array, resamples: number, seed: number): Float64Array {
  const rand = mulberry32(seed);
  const out = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < d.length; i++) s += d[Math.floor(rand() * d.length)];
    out[r] = s / d.length;
  }
  return out;
}

const mean = (x: Float64Array) => x.reduce((a, b) => a + b, 0) / x.length;
const variance = (x: Float64Array) => { const m = mean(x); return x.reduce((a, b) => a + (b - m) ** 2, 0) / (x.length - 1); };

describe('bootstrapPairedDiffs', () => {
  it('has the multinomial mean and variance of the paired difference', () => {
    for (const [a, b, n] of [[700, 560, 14079], [12, 3, 100], [0, 40, 300], [250, 250, 500]]) {
      const x = bootstrapPairedDiffs(a, b, n, 20_000, 5);
      const pA = a / n;
      const pB = b / n;
      const v = (pA + pB - (pA - pB) ** 2) / n;
      expect(Math.abs(mean(x) - (pA - pB)), `${a},${b},${n}`).toBeLessThan(5 * Math.sqrt(v / 20_000) + 1e-15);
      expect(variance(x) / v, `${a},${b},${n}`).toBeGreaterThan(0.95);
      expect(variance(x) / v, `${a},${b},${n}`).toBeLessThan(1.05);
    }
  });

  it('matches the item-resampling loop\'s percentiles (n = 400, 4,000 resamples each)', () => {
    const d = new Int8Array(400);
    d.fill(1, 0, 60);
    d.fill(-1, 60, 100);
    const fast = bootstrapPairedDiffs(60, 40, 400, 4000, 11).sort();
    const slow = naive(d, 4000, 12).sort();
    for (const q of [0.025, 0.5, 0.975]) expect(Math.abs(quantile(fast, q) - quantile(slow, q)), `q=${q}`).toBeLessThanOrEqual(0.0051);
  });

  it('handles degenerate groups', () => {
    expect([...bootstrapPairedDiffs(0, 0, 10, 5, 1)]).toEqual([0, 0, 0, 0, 0]);
    expect([...bootstrapPairedDiffs(10, 0, 10, 3, 1)]).toEqual([1, 1, 1]);
    expect([...bootstrapPairedDiffs(0, 10, 10, 3, 1)]).toEqual([-1, -1, -1]);
  });
});
