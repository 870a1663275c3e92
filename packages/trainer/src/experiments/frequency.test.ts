// Frequency buckets of validation loss: bucket names, exact bucketing of hand-made positions, and the overall loss
// of the evaluation batches against model.loss.
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, useBackend } from '@glyphlm/transformer-core';
import { bucketLosses, frequencyBuckets, tokenCounts, valLossByFrequency } from './frequency.js';
import { evalBatches } from '../data/sampler.js';

const config = { vocabSize: 97, nEmbed: 16, dModel: 32, nLayer: 2, nHead: 4, blockSize: 32 };

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

beforeAll(async () => {
  await useBackend('wasm');
});

describe('frequency buckets', () => {
  it('names the default buckets and rejects bad thresholds', () => {
    expect(frequencyBuckets([1, 10, 1000]).map((b) => b.name)).toEqual(['0', '1-9', '10-999', '>=1000']);
    expect(frequencyBuckets([5]).map((b) => [b.minCount, b.maxCount])).toEqual([[0, 5], [5, null]]);
    expect(() => frequencyBuckets([10, 10])).toThrow(/strictly ascending: thresholds\[1\]/);
    expect(() => frequencyBuckets([0])).toThrow(/thresholds\[0\] must be a positive integer/);
  });
  it('buckets positions by target count and by input count exactly', () => {
    const counts = tokenCounts([0, 0, 0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2], 4); // counts 3, 1, 12, 0
    expect(Array.from(counts)).toEqual([3, 1, 12, 0]);
    const ids = [3, 0, 2, 1, 2];
    const targets = [0, 2, 1, -1, 3];
    const losses = [1, 2, 3, 100, 5];
    const r = bucketLosses(losses, ids, targets, counts, [1, 2, 10]);
    expect(r.overall).toEqual({ loss: (1 + 2 + 3 + 5) / 4, n: 4 });
    // target counts: 3 (2-9), 12 (>=10), 1 (1), 0 (0)
    expect(r.byTarget.map((b) => [b.name, b.loss, b.n])).toEqual([['0', 5, 1], ['1', 3, 1], ['2-9', 1, 1], ['>=10', 2, 1]]);
    // input counts: 0 (0), 3 (2-9), 12 (>=10), 12 (>=10)
    expect(r.byInput.map((b) => [b.name, b.loss, b.n])).toEqual([['0', 1, 1], ['1', null, 0], ['2-9', 2, 1], ['>=10', 4, 2]]);
    expect(() => tokenCounts([0, 4], 4)).toThrow(/ids\[1\] = 4 is outside the vocabulary/);
  });
  it('valLossByFrequency scores the run\'s evaluation batches: overall = mean of model.loss over them', async () => {
    const model = createModel(config, { embedding: 'trainable', seed: 2 });
    const rnd = lcg(5);
    // a skewed train split (Zipf-like) so every bucket is populated
    const train = Uint32Array.from({ length: 4000 }, () => Math.max(0, Math.min(96, Math.floor(1 / (rnd() + 0.01)) - 1)));
    const val = Uint32Array.from({ length: 600 }, () => Math.floor(rnd() * 97));
    const data = { train, val, vocabSize: 97 };
    const r = await valLossByFrequency(model, data, { blockSize: 16, batches: 3, batchSize: 4, seed: 9 });
    expect(r.overall.n).toBe(3 * 4 * 16);
    expect(r.byTarget.reduce((s, b) => s + b.n, 0)).toBe(r.overall.n);
    expect(r.byInput.reduce((s, b) => s + b.n, 0)).toBe(r.overall.n);
    expect(r.byTarget.every((b) => b.n > 0)).toBe(true);
    const weighted = r.byTarget.reduce((s, b) => s + (b.loss ?? 0) * b.n, 0) / r.overall.n;
    expect(weighted).toBeCloseTo(r.overall.loss!, 10);
    let sum = 0;
    for (const b of evalBatches(val, undefined, { seed: 9, count: 3, batchSize: 4, blockSize: 16 })) {
      const l = model.loss({ data: b.ids, shape: [4, 16] }, { data: b.targets, shape: [4, 16] });
      sum += (await l.data())[0];
      l.dispose();
    }
    expect(r.overall.loss!).toBeCloseTo(sum / 3, 4);
    model.dispose();
  });
});
