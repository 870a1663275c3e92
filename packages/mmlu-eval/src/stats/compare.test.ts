// compareModels: pairing, the bootstrap interval against the analytic paired-difference variance, McNemar, errors.
import { describe, expect, it } from 'vitest';
import type { ItemResult } from '../protocols/types.js';
import { compareModels, quantile } from './compare.js';
import { mcnemarExactP } from './mcnemar.js';
import { mulberry32 } from './random.js';

/** n items; the first `onlyA` right under A only, then `onlyB` under B only, then `both` right under both. */
function pair(n: number, onlyA: number, onlyB: number, both: number): [ItemResult[], ItemResult[]] {
  const a: ItemResult[] = [];
  const b: ItemResult[] = [];
  for (let i = 0; i < n; i++) {
    const subject = `s${i % 7}`;
    const gold = i % 4;
    const wrong = (gold + 1) % 4;
    const ra = i < onlyA || (i >= onlyA + onlyB && i < onlyA + onlyB + both);
    const rb = (i >= onlyA && i < onlyA + onlyB) || (i >= onlyA + onlyB && i < onlyA + onlyB + both);
    a.push({ subject, index: i, gold, pred: ra ? gold : wrong });
    b.push({ subject, index: i, gold, pred: rb ? gold : -1 });
  }
  return [a, b];
}

describe('compareModels', () => {
  it('pairs items by (subject, index) regardless of order and counts the 2x2 table', () => {
    const [a, b] = pair(1000, 100, 50, 500);
    const rand = mulberry32(3);
    const shuffled = b.slice().sort(() => rand() - 0.5);
    const c = compareModels({ items: a }, { items: shuffled }, { resamples: 2000, seed: 1 });
    expect([c.onlyA, c.onlyB, c.both, c.neither, c.n]).toEqual([100, 50, 500, 350, 1000]);
    expect(c.accA).toBeCloseTo(0.6, 15);
    expect(c.accB).toBeCloseTo(0.55, 15);
    expect(c.diff).toBeCloseTo(0.05, 15);
    expect(c.mcnemarP).toBe(mcnemarExactP(100, 50));
    expect(c.mcnemarP).toBeLessThan(1e-4);
  });

  it('gives a bootstrap CI95 close to the analytic one, reproducible from its seed', () => {
    const n = 14079;
    const [a, b] = pair(n, 700, 560, 2800);
    const c = compareModels({ items: a }, { items: b }, { resamples: 10_000, seed: 42 });
    const pA = 700 / n;
    const pB = 560 / n;
    const half = 1.959963984540054 * Math.sqrt((pA + pB - (pA - pB) ** 2) / n);
    expect(c.ci95[0]).toBeCloseTo(c.diff - half, 3);
    expect(c.ci95[1]).toBeCloseTo(c.diff + half, 3);
    expect(c.ci95[0]).toBeLessThan(c.diff);
    expect(c.ci95[1]).toBeGreaterThan(c.diff);
    expect(compareModels({ items: a }, { items: b }, { resamples: 10_000, seed: 42 }).ci95).toEqual(c.ci95);
    expect(compareModels({ items: a }, { items: b }, { resamples: 10_000, seed: 43 }).ci95).not.toEqual(c.ci95);
  });

  it('gives diff 0 with CI [0, 0] and p = 1 for identical results', () => {
    const [a] = pair(200, 30, 0, 50);
    const c = compareModels({ items: a }, { items: a });
    expect([c.diff, c.ci95[0], c.ci95[1], c.mcnemarP]).toEqual([0, 0, 0, 1]);
  });

  it('refuses different item sets, repeated items and disagreeing gold answers, naming the item', () => {
    const [a, b] = pair(50, 5, 5, 10);
    expect(() => compareModels({ items: a }, { items: b.slice(1) })).toThrow('(s0, 0) is in A but not in B');
    expect(() => compareModels({ items: a.slice(1) }, { items: b })).toThrow('(s0, 0) is in B but not in A');
    expect(() => compareModels({ items: a }, { items: [...b.slice(1), { ...b[3], index: 99 }] })).toThrow('(s0, 0) is in A but not in B');
    expect(() => compareModels({ items: a }, { items: [b[1], ...b.slice(1)] })).toThrow('result B has item (s1, 1) twice');
    expect(() => compareModels({ items: a }, { items: [{ ...b[0], gold: 3 }, ...b.slice(1)] })).toThrow('item (s0, 0) has gold 0 in A but 3 in B');
  });

  it('quantile interpolates like numpy', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([0, 10], 0.025)).toBeCloseTo(0.25, 15);
  });
});
