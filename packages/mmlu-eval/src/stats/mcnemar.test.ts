// McNemar's exact p against exact rational arithmetic (BigInt binomial sums) and textbook values.
import { describe, expect, it } from 'vitest';
import { binomialHalfCdf, mcnemarExactP } from './mcnemar.js';
import { mulberry32 } from './random.js';

/** 2·Σ_{j<=k} C(n,j) / 2^n exactly, returned as a double (correctly rounded to ~1e-16 relative). */
function exactP(b: number, c: number): number {
  const n = b + c;
  if (n === 0) return 1;
  const k = Math.min(b, c);
  let coef = 1n;
  let sum = 0n;
  for (let j = 0; j <= k; j++) {
    sum += coef;
    coef = (coef * BigInt(n - j)) / BigInt(j + 1);
  }
  const num = 2n * sum;
  const den = 1n << BigInt(n);
  if (num >= den) return 1;
  // scale so the quotient has ~64 significant bits
  const shift = BigInt(Math.max(0, den.toString(2).length - num.toString(2).length + 64));
  return Number((num << shift) / den) / 2 ** Number(shift);
}

describe('mcnemarExactP', () => {
  it('matches textbook values', () => {
    expect(mcnemarExactP(0, 0)).toBe(1);
    expect(mcnemarExactP(5, 5)).toBe(1);
    expect(mcnemarExactP(0, 5)).toBeCloseTo(0.0625, 15); // 2 / 32
    expect(mcnemarExactP(1, 9)).toBeCloseTo(22 / 1024, 15);
    expect(mcnemarExactP(9, 1)).toBe(mcnemarExactP(1, 9));
  });

  it('agrees with exact BigInt sums to 1e-12 relative (seeded counts up to 20,000 discordant pairs)', () => {
    const rand = mulberry32(7);
    const cases: [number, number][] = [[3, 11], [40, 60], [100, 140], [500, 560], [2000, 2300], [9000, 9400], [120, 700]];
    for (let i = 0; i < 40; i++) {
      const n = 1 + Math.floor(rand() * 3000);
      const b = Math.floor(rand() * (n + 1));
      cases.push([b, n - b]);
    }
    for (const [b, c] of cases) {
      const want = exactP(b, c);
      const got = mcnemarExactP(b, c);
      if (want > 1e-300) expect(Math.abs(got - want) / want, `${b},${c}: ${got} vs ${want}`).toBeLessThan(1e-12);
    }
  });

  it('binomialHalfCdf is a CDF: 0 below, 1 at n, symmetric', () => {
    expect(binomialHalfCdf(-1, 10)).toBe(0);
    expect(binomialHalfCdf(10, 10)).toBe(1);
    for (let k = 0; k < 31; k++) expect(binomialHalfCdf(k, 31) + binomialHalfCdf(30 - k, 31)).toBeCloseTo(1, 13);
  });
});
