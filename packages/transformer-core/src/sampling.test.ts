// argmax against the plain strict-greater scan on many random rows: lengths that are not a multiple of 4, ties
// (the first index wins), NaN, -Infinity, and -0 / 0.
import { describe, expect, it } from 'vitest';
import { argmax } from './sampling.js';
import { Rng } from './rng.js';

function scan(row: Float32Array): number {
  let best = 0, bv = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i] > bv) { bv = row[i]; best = i; }
  return best;
}

describe('argmax', () => {
  it('equals the strict-greater scan on 5,000 random rows with ties and special values', () => {
    const rng = new Rng(42);
    const specials = [Number.NaN, -Infinity, Infinity, -0, 0, 3.5];
    for (let k = 0; k < 5000; k++) {
      const n = 1 + Math.floor(rng.next() * 70);
      const row = new Float32Array(n);
      const mode = k % 4;
      for (let i = 0; i < n; i++) {
        const u = rng.next();
        row[i] = mode === 0 ? rng.next() : mode === 1 ? Math.floor(u * 4) : u < 0.3 ? specials[Math.floor(rng.next() * specials.length)] : u - 0.5;
        if (mode === 3 && u > 0.8) row[i] = Number.NaN;
      }
      expect(argmax(row), `row ${Array.from(row)}`).toBe(scan(row));
    }
    expect(argmax(new Float32Array([Number.NaN, -Infinity]))).toBe(0);
    expect(argmax(new Float32Array([-Infinity, -Infinity, -Infinity, -Infinity, -Infinity]))).toBe(0);
    expect(argmax(new Float32Array([-0, 0, 0]))).toBe(0);
    expect(argmax(new Float32Array([1, 2, 7, 7, 7, 7, 7, 2]))).toBe(2);
  });
});
