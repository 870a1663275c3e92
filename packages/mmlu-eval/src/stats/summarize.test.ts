// summarizeAccuracy on hand-computed fixtures: micro vs macro, categories, Wilson CIs, invalid rate, chance,
// the author's across-runs interval, cloze acc_norm, and errors.
import { describe, expect, it } from 'vitest';
import type { ItemResult } from '../protocols/types.js';
import { summarizeAccuracy } from './summarize.js';
import { wilsonInterval } from './wilson.js';

const it1 = (subject: string, index: number, gold: number, pred: number, extra: Partial<ItemResult> = {}): ItemResult => ({ subject, index, gold, pred, ...extra });

describe('summarizeAccuracy', () => {
  const items = [
    it1('abstract_algebra', 0, 0, 0), it1('abstract_algebra', 1, 1, 1), it1('abstract_algebra', 2, 2, 2), it1('abstract_algebra', 3, 3, 0),
    it1('philosophy', 0, 1, 1), it1('philosophy', 1, 2, -1),
  ];

  it('gives micro, macro, per subject and per category with n and Wilson CIs', () => {
    const a = summarizeAccuracy(items, { subjects: ['philosophy', 'abstract_algebra'] });
    expect(a.micro).toBeCloseTo(4 / 6, 15);
    expect(a.macro).toBeCloseTo((3 / 4 + 1 / 2) / 2, 15);
    expect(a.n).toBe(6);
    expect(a.ci95).toEqual(wilsonInterval(4, 6));
    expect(Object.keys(a.perSubject)).toEqual(['philosophy', 'abstract_algebra']);
    expect(a.perSubject.abstract_algebra).toEqual({ acc: 0.75, n: 4, ci95: wilsonInterval(3, 4), invalidRate: 0 });
    expect(a.perSubject.philosophy).toEqual({ acc: 0.5, n: 2, ci95: wilsonInterval(1, 2), invalidRate: 0.5 });
    expect(a.categories).toEqual({
      STEM: { acc: 0.75, n: 4, ci95: wilsonInterval(3, 4), invalidRate: 0 },
      humanities: { acc: 0.5, n: 2, ci95: wilsonInterval(1, 2), invalidRate: 0.5 },
    });
    expect(a.invalidRate).toBeCloseTo(1 / 6, 15);
    expect(a.chance).toBe(0.25);
    expect(a.runs).toBeUndefined();
  });

  it('takes the chance line from each item\'s number of choices', () => {
    const a = summarizeAccuracy([it1('arc-easy', 0, 0, 0, { nChoices: 5 }), it1('arc-easy', 1, 0, 1, { logliks: [0, 0, 0] })]);
    expect(a.chance).toBeCloseTo((1 / 5 + 1 / 3) / 2, 15);
    expect(a.categories).toEqual({});
  });

  it('reports the author\'s mean ± 1.96·σ/√runs across runs, and an item-sampling interval', () => {
    // 3 runs over 4 items: run accuracies 2/4, 3/4, 1/4
    const r = [
      it1('anatomy', 0, 0, 0, { preds: [0, 0, 1] }),
      it1('anatomy', 1, 1, 1, { preds: [1, 1, 0] }),
      it1('anatomy', 2, 2, -1, { preds: [-1, 2, -1] }),
      it1('anatomy', 3, 3, 0, { preds: [0, 0, 3] }),
    ];
    const a = summarizeAccuracy(r, { runs: 3 });
    expect(a.runs).toEqual([0.5, 0.75, 0.25]);
    expect(a.micro).toBeCloseTo(0.5, 15);
    const sd = Math.sqrt((0 + 0.0625 + 0.0625) / 3);
    expect(a.runsStd).toBeCloseTo(sd, 15);
    expect(a.ci95[0]).toBeCloseTo(0.5 - (1.96 * sd) / Math.sqrt(3), 15);
    expect(a.ci95[1]).toBeCloseTo(0.5 + (1.96 * sd) / Math.sqrt(3), 15);
    expect(a.invalidRate).toBeCloseTo(2 / 12, 15);
    // item shares 2/3, 2/3, 1/3, 1/3: sample variance 4·(1/6)^2 / 3
    const half = 1.959963984540054 * Math.sqrt((4 / 36 / 3) / 4);
    expect(a.ci95Items![0]).toBeCloseTo(0.5 - half, 14);
    expect(a.perSubject.anatomy.acc).toBeCloseTo(0.5, 15);
    expect(a.categories.other.n).toBe(4);
  });

  it('adds acc_norm for cloze results', () => {
    const a = summarizeAccuracy([it1('virology', 0, 0, 1, { predNorm: 0 }), it1('virology', 1, 1, 1, { predNorm: 0 })]);
    expect(a.micro).toBe(0.5);
    expect(a.microNorm).toBe(0.5);
    expect(a.ci95Norm).toEqual(wilsonInterval(1, 2));
  });

  it('names the item at fault', () => {
    expect(() => summarizeAccuracy(items, { runs: 2 })).toThrow('item 0 (abstract_algebra #0) needs preds with 2 entries');
    expect(() => summarizeAccuracy(items, { subjects: ['philosophy'] })).toThrow("item 0 has subject 'abstract_algebra', not in options.subjects");
    expect(() => summarizeAccuracy([])).toThrow('no items');
  });
});
