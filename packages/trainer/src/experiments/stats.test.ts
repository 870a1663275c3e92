// Tests of the experiment statistics: t critical values against published tables, summaries and paired
// differences against hand-computed values.
import { describe, expect, it } from 'vitest';
import { pairedDifference, summarize, tCritical95 } from './stats.js';

describe('tCritical95', () => {
  it('matches the published two-sided 95 % t table', () => {
    // df 1..5, 10, 30 (NIST/SEMATECH table of t(0.975, df))
    const table: Array<[number, number]> = [[1, 12.706], [2, 4.303], [3, 3.182], [4, 2.776], [5, 2.571], [10, 2.228], [30, 2.042]];
    for (const [df, t] of table) expect(tCritical95(df)).toBeCloseTo(t, 3);
    expect(tCritical95(100000)).toBeCloseTo(1.95996, 4);
  });
  it('rejects df < 1', () => {
    expect(() => tCritical95(0)).toThrow(/df must be a positive integer, got 0/);
    expect(() => tCritical95(1.5)).toThrow(/df must be a positive integer/);
  });
});

describe('summarize', () => {
  it('gives mean, sample sd and the t interval for known inputs', () => {
    const s = summarize([1, 2, 3]);
    expect(s.mean).toBe(2);
    expect(s.sd).toBe(1);
    expect(s.n).toBe(3);
    const half = 4.302652729749462 / Math.sqrt(3);
    expect(s.ci95![0]).toBeCloseTo(2 - half, 12);
    expect(s.ci95![1]).toBeCloseTo(2 + half, 12);
    const two = summarize([2.5, 3.5]);
    expect(two.sd).toBeCloseTo(Math.SQRT1_2, 14);
    expect(two.ci95![1] - two.mean).toBeCloseTo(12.706204736174694 * Math.SQRT1_2 / Math.SQRT2, 10);
  });
  it('has no sd and no CI for one value, and a zero-width CI for equal values', () => {
    expect(summarize([1.5])).toEqual({ mean: 1.5, sd: null, ci95: null, n: 1 });
    expect(summarize([4, 4, 4, 4]).ci95).toEqual([4, 4]);
  });
  it('rejects empty and non-finite samples, naming the index', () => {
    expect(() => summarize([], 'loss')).toThrow(/loss is empty/);
    expect(() => summarize([1, NaN], 'loss')).toThrow(/loss\[1\] is not a finite number/);
  });
});

describe('pairedDifference', () => {
  it('differs per seed and summarizes the differences', () => {
    const a = new Map([[1, 2.0], [2, 2.5], [3, 2.2]]);
    const b = new Map([[1, 2.1], [2, 2.4], [3, 2.4], [4, 9]]);
    const d = pairedDifference('frozen', a, 'trainable', b);
    expect(d.seeds).toEqual([1, 2, 3]);
    const diffs = [-0.1, 0.1, -0.2];
    const mean = (diffs[0] + diffs[1] + diffs[2]) / 3;
    expect(d.mean).toBeCloseTo(mean, 14);
    const sd = Math.sqrt(diffs.reduce((s, x) => s + (x - mean) ** 2, 0) / 2);
    expect(d.sd).toBeCloseTo(sd, 14);
    expect(d.ci95![0]).toBeCloseTo(mean - 4.302652729749462 * sd / Math.sqrt(3), 12);
    expect(d.note).toBeUndefined();
  });
  it('says so when one seed gives no CI, and rejects arms without a shared seed', () => {
    const d = pairedDifference('a', new Map([[7, 1]]), 'b', new Map([[7, 0.5]]));
    expect(d).toMatchObject({ a: 'a', b: 'b', mean: 0.5, ci95: null, sd: null, n: 1 });
    expect(d.note).toMatch(/one seed: no .*confidence interval/);
    expect(() => pairedDifference('a', new Map([[1, 1]]), 'b', new Map([[2, 1]]))).toThrow(/share no seed/);
  });
});
