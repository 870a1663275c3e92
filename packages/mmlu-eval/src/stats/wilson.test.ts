// Wilson interval against published values (Newcombe 1998, Stat. Med. 17:857, Table I, method 3) and invariants.
import { describe, expect, it } from 'vitest';
import { wilsonInterval } from './wilson.js';
import { acrossRuns } from './runs.js';

describe('wilsonInterval', () => {
  it('matches Newcombe (1998) Table I to 4 decimals', () => {
    const cases: [number, number, number, number][] = [
      [81, 263, 0.2553, 0.3662],
      [15, 148, 0.0624, 0.1605],
      [0, 20, 0.0, 0.1611],
      [1, 29, 0.0061, 0.1718],
    ];
    for (const [x, n, lo, hi] of cases) {
      const [a, b] = wilsonInterval(x, n);
      expect(a, `${x}/${n}`).toBeCloseTo(lo, 4);
      expect(b, `${x}/${n}`).toBeCloseTo(hi, 4);
    }
  });

  it('is symmetric, contains p, and narrows with n (seeded sweep)', () => {
    for (let n = 1; n <= 200; n += 7) {
      for (let x = 0; x <= n; x++) {
        const [lo, hi] = wilsonInterval(x, n);
        const [lo2, hi2] = wilsonInterval(n - x, n);
        expect(lo).toBeCloseTo(1 - hi2, 12);
        expect(hi).toBeCloseTo(1 - lo2, 12);
        expect(lo).toBeLessThanOrEqual(x / n + 1e-15);
        expect(hi).toBeGreaterThanOrEqual(x / n - 1e-15);
      }
    }
    const w = (n: number) => { const [a, b] = wilsonInterval(n / 4, n); return b - a; };
    expect(w(400)).toBeLessThan(w(100));
    expect(wilsonInterval(0, 0)).toEqual([0, 1]);
    expect(() => wilsonInterval(5, 4)).toThrow(RangeError);
  });
});

describe('acrossRuns', () => {
  it('is the author\'s mean ± 1.96·σ/√runs with the population σ', () => {
    const r = acrossRuns([0.2, 0.22, 0.24, 0.26]);
    const sd = Math.sqrt((0.03 ** 2 + 0.01 ** 2 + 0.01 ** 2 + 0.03 ** 2) / 4);
    expect(r.mean).toBeCloseTo(0.23, 15);
    expect(r.std).toBeCloseTo(sd, 15);
    expect(r.half).toBeCloseTo((1.96 * sd) / 2, 15);
    expect(r.ci95[0]).toBeCloseTo(0.23 - r.half, 15);
  });
});
